import { SCHEDULE_KINDS, type ScheduleKind } from '../domain/schedules.ts';

// Names of schedule runs in schedule_runs: `digest:technology`, `overdue:technology`, and for
// the monthly prompt one per zone its managers live in, `prompt:technology:Europe/Berlin`. Runs
// started by an operator carry `manual:` in front, so they never stand in for a scheduled run.

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
