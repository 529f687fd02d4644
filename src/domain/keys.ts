import type { Day } from './fiscal-calendar.ts';
import { SCHEDULE_KINDS, type ScheduleKind } from './schedules.ts';

// Every idempotency key okrbot writes, in one place. Each is enforced by a unique constraint:
// a schedule run by (key, due instant) in schedule_runs, a message by its key in deliveries,
// an inbound request by (transport, id) in inbound_events, a send slot by its key in
// outbox_pace. A key's format is part of the data: changing one re-sends what was sent.

// --- schedule runs --------------------------------------------------------------------------
// `digest:technology`, `overdue:technology`, and for the monthly prompt one per zone its
// managers live in, `prompt:technology:Europe/Berlin`. Runs started by an operator carry
// `manual:` in front, so they never stand in for a scheduled run.

export interface RunKey {
  kind: ScheduleKind;
  department: string;
  /** Prompt runs: the zone; `*` for a manual run over every zone. */
  zone: string | undefined;
  manual: boolean;
}

export function formatRunKey(key: RunKey): string {
  const base =
    key.kind === 'prompt'
      ? `prompt:${key.department}:${key.zone ?? '*'}`
      : `${key.kind}:${key.department}`;
  return key.manual ? `manual:${base}` : base;
}

export function parseRunKey(text: string): RunKey | undefined {
  const manual = text.startsWith('manual:');
  const [kind = '', department = '', ...zone] = (
    manual ? text.slice('manual:'.length) : text
  ).split(':');
  if (!(SCHEDULE_KINDS as readonly string[]).includes(kind) || !department) return undefined;
  return {
    kind: kind as ScheduleKind,
    department,
    zone: zone.length ? zone.join(':') : undefined,
    manual,
  };
}

// --- outgoing messages ----------------------------------------------------------------------

/** `prompt:{team}:{person}:{yyyy-mm}`: one prompt per team, person and month, ever. */
export const promptDeliveryKey = (teamSlug: string, handle: string, month: string) =>
  `prompt:${teamSlug}:${handle}:${month}`;

/** `reminder:{prompt}:{n}`, n counting from 1. */
export const reminderKey = (promptId: number, n: number) => `reminder:${promptId}:${n}`;

/** `digest:{department}:{iso-week}:{transport}:{channel}`. */
export const digestKey = (department: string, week: string, transport: string, channel: string) =>
  `digest:${department}:${week}:${transport}:${channel}`;

/** What a nudge is about. */
export interface NudgeItem {
  kind: 'goal' | 'key-result';
  id: number;
}

/** `nudge:{item}:{date}:{person}`: an item is nudged once a day at most, to each recipient once. */
export const nudgeKey = (item: NudgeItem, day: Day, handle: string) =>
  `nudge:${item.kind === 'goal' ? `goal-${item.id}` : `kr-${item.id}`}:${day}:${handle}`;

/** `nudges:{date}:{person}`: a person's nudges of one day, several items in one message. */
export const dailyNudgesKey = (day: Day, handle: string) => `nudges:${day}:${handle}`;

// --- send slots (outbox_pace) ---------------------------------------------------------------

export const paceKey = {
  /** The next free slot of a transport, for all instances together. */
  transport: (transport: string) => `transport:${transport}`,
  /** The next free slot of one channel or person on a transport. */
  target: (transport: string, target: string) => `target:${transport}:${target}`,
};

// --- inbound requests (inbound_events, with the transport) ----------------------------------

export const inboundKey = {
  /** An event the chat delivers (and redelivers when it thinks it was lost). */
  event: (eventId: string) => `event:${eventId}`,
  /** A slash command or interaction (a replayed request carries the same trigger). */
  trigger: (triggerId: string) => `trigger:${triggerId}`,
  /** A submitted form, in the version submitted. */
  view: (viewId: string, hash: string) => `view:${viewId}:${hash}`,
  /**
   * A form's content for what it answers (a prompt, else its subject that day), by one user:
   * submitting the same again (a new form, after a confirmation that did not show) records
   * nothing twice.
   */
  formContent: (callbackId: string, scope: string, user: string, digest: string) =>
    `form:${callbackId}:${scope}:${user}:${digest}`,
  /** A message with its server-given id (several instances read one channel). */
  message: (messageId: string) => messageId,
};
