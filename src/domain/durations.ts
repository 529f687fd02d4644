import { isDay } from './fiscal-calendar.ts';

export type Until = { kind: 'day'; day: string } | { kind: 'days'; days: number } | { kind: 'off' };

/** Why a duration could not be read, for the reply. */
export function untilProblem(text: string): string {
  const value = text.trim().replace(/^until\s+/i, '');
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value} is not a real date.`;
  return 'Give a day (until 2019-09-15), a number of days or weeks (7d, 2w), or off.';
}

/**
 * `7d`, `2w`, `3 days`, `1 week`, `until 2019-09-15`, `2019-09-15`, `off`: how long a snooze or
 * an absence lasts; undefined when it is none of these (or an impossible date).
 */
export function parseUntil(text: string): Until | undefined {
  const value = text
    .trim()
    .toLowerCase()
    .replace(/^until\s+/, '');
  if (/^(?:off|none|back|cancel)$/.test(value)) return { kind: 'off' };
  if (isDay(value)) return { kind: 'day', day: value };
  const match = /^(\d{1,3})\s*(d|days?|w|weeks?)$/.exec(value);
  if (!match) return undefined;
  const days = Number(match[1]) * (match[2]?.startsWith('w') ? 7 : 1);
  return days >= 1 && days <= 366 ? { kind: 'days', days } : undefined;
}

/** Snoozes and absences reach at most this far (three years): a later day is a typo more often than a plan. */
export const MAX_UNTIL_DAYS = 3 * 366;

/** Why `end` (the end of `day`) is too far off to be meant, if it is. */
export function untilTooFar(day: string, end: Date, now: Date): string | undefined {
  if (Number.isNaN(end.getTime()) || end.getTime() - now.getTime() > MAX_UNTIL_DAYS * 86_400_000)
    return `${day} is more than three years away; give a day within the next ${MAX_UNTIL_DAYS} days.`;
  return undefined;
}
