import type { Logger } from 'pino';
import type { FiscalSettings } from '../../domain/fiscal-calendar.ts';
import { dayIn } from '../../domain/fiscal-calendar.ts';
import type { Rules } from '../../domain/overdue.ts';
import type { AnySchedule, ScheduleKind } from '../../domain/schedules.ts';
import {
  CHAT_TRANSPORT_NAMES,
  CHAT_TRANSPORTS,
  type ChatTransport,
} from '../../domain/transports.ts';
import type { Department } from '../../features/lookups.ts';
import type { DeliveryState, NewDelivery } from '../../store/outbox/index.ts';
import type { PersonRow } from '../../store/people.ts';
import type { Store } from '../../store/store.ts';

// What every scheduled job gets, and the small rules they share: where a person's message
// goes, and why a person is not written to.

export interface JobDeps {
  store: Store;
  /** The transports okrbot sends on (configured adapters), in no particular order. */
  transports: readonly ChatTransport[];
  fiscal: FiscalSettings;
  rules: Rules;
  /** Where the dashboard is: digests link to it. */
  publicUrl: string | undefined;
  logger: Logger;
}

export interface RunContext<K extends ScheduleKind = ScheduleKind> {
  department: Department;
  schedule: Extract<AnySchedule, { kind: K }>;
  /** The instant the run was due: what it is "as of". */
  due: Date;
  /** The clock of the tick that runs it (the database's, or OKRBOT_NOW). */
  now: Date;
  /** The schedule_runs row, null for work outside a recorded run. */
  runId: number | null;
  /** Prompt runs: the zone whose managers are due, or `*` for all of them (a manual run). */
  zone: string;
  late: boolean;
  /**
   * A prompt run done before, run again for people who became reachable since: teams that
   * answered the month meanwhile are not asked.
   */
  again?: boolean;
}

/** What a run did, for its schedule_runs row and the operator. */
export interface RunSummary {
  queued: number;
  skipped: number;
  /** Keys that were queued or skipped before (a repeated run changes nothing). */
  existing: number;
  notes: string[];
}

export const emptySummary = (): RunSummary => ({ queued: 0, skipped: 0, existing: 0, notes: [] });

/** Counts what an enqueue did into a summary. */
export function tally(
  summary: RunSummary,
  result: ReadonlyMap<string, { state: DeliveryState; fresh: boolean }>,
): RunSummary {
  for (const { state, fresh } of result.values()) {
    if (!fresh) summary.existing++;
    else if (state === 'skipped') summary.skipped++;
    else summary.queued++;
  }
  return summary;
}

export function describeSummary(summary: RunSummary): string {
  const parts = [`${summary.queued} queued`, `${summary.skipped} skipped`];
  if (summary.existing) parts.push(`${summary.existing} already queued or sent before`);
  return [parts.join(', '), ...summary.notes].join('; ');
}

export type Route = { transport: ChatTransport; target: string } | { skip: string };

/** Where a message to a person goes: their first linked account on a transport okrbot sends on. */
export function routeTo(
  accounts: readonly { transport: ChatTransport; account: string }[] | undefined,
  transports: readonly ChatTransport[],
): Route {
  // The table's order is the preference (see domain/transports.ts).
  for (const transport of CHAT_TRANSPORTS) {
    const account = accounts?.find((a) => a.transport === transport);
    if (account && transports.includes(transport)) return { transport, target: account.account };
  }
  if (!accounts?.length)
    return { skip: 'no chat account linked (an admin links one with `person link`)' };
  const has = [...new Set(accounts.map((a) => a.transport))].join(' and ');
  return {
    skip: transports.length
      ? `only has a ${has} account, and okrbot sends on ${transports.join(' and ')}`
      : `no chat transport is configured (${CHAT_TRANSPORT_NAMES}) to reach their ${has} account`,
  };
}

/** Why a person gets nothing right now, if so: deactivated, or away. */
export function absence(
  person: Pick<PersonRow, 'awayUntil' | 'deactivatedAt'>,
  now: Date,
  zone: string,
): string | undefined {
  if (person.deactivatedAt) return `deactivated since ${dayIn(person.deactivatedAt, zone)}`;
  if (person.awayUntil && person.awayUntil > now)
    return `away until the end of ${dayIn(new Date(person.awayUntil.getTime() - 1), zone)}`;
  return undefined;
}

/** A skip record for a person: the same key a message would have had. */
export function skipFor(
  key: string,
  kind: NewDelivery['kind'],
  person: { id: number },
  reason: string,
  content: NewDelivery['content'],
  runId: number | null,
): NewDelivery {
  return {
    key,
    kind,
    transport: null,
    target: '',
    personId: person.id,
    content,
    skipReason: reason,
    runId,
  };
}

/** A message to a person, or its skip record when there is no way to reach them. */
export function messageTo(
  key: string,
  kind: NewDelivery['kind'],
  person: { id: number },
  route: Route,
  content: NewDelivery['content'],
  runId: number | null,
  extra: Pick<NewDelivery, 'notBefore' | 'note'> = {},
): NewDelivery {
  if ('skip' in route) return skipFor(key, kind, person, route.skip, content, runId);
  return {
    key,
    kind,
    transport: route.transport,
    target: route.target,
    personId: person.id,
    content,
    runId,
    ...extra,
  };
}
