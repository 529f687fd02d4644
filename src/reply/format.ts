import { TZDate } from '@date-fns/tz';
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { dayIn } from '../domain/fiscal-calendar.ts';
import { timeIn } from '../domain/schedules.ts';
import { formatStatus, STATUSES, type Status } from '../domain/status.ts';

/** `2019-08-27`: the day of an instant in a zone. */
export function formatDay(at: Date, zone: string): string {
  return dayIn(at, zone);
}

/** `today`, `yesterday`, `12 days ago`, `in 3 days`, counted in calendar days in a zone. */
export function formatAge(at: Date, now: Date, zone: string): string {
  const days = differenceInCalendarDays(
    new TZDate(now.getTime(), zone),
    new TZDate(at.getTime(), zone),
  );
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days === -1) return 'tomorrow';
  return days > 0 ? `${days} days ago` : `in ${-days} days`;
}

/** Counts with the right noun: `1 goal`, `3 goals`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** A measured value as people write it: at most two decimals, no float noise (56.00000000000001 → 56). */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(2)));
}

/** `2019-08-20 10:00 Europe/Berlin`: an instant as people in a zone read it. */
export function formatMoment(at: Date, zone: string): string {
  return `${dayIn(at, zone)} ${timeIn(at, zone)} ${zone}`;
}

/** `9 goals: 4 In progress, 3 Done, 2 Partially done`. */
export function statusSummary(statuses: readonly (Status | null)[]): string {
  const counts = new Map<Status | null, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  const parts = [...STATUSES, null]
    .filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${status ? formatStatus(status) : 'without status'}`);
  return `${plural(statuses.length, 'goal')}: ${parts.join(', ')}`;
}
