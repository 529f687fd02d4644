import { TZDate } from '@date-fns/tz';
import { type Day, dayIn, type Month, nextDay } from './fiscal-calendar.ts';

// When the monthly prompt, the weekly digest and the daily overdue check fall due. Pure: due
// instants are enumerated one per calendar period (month, week, day) in a zone and turned into
// instants from the local wall clock, so a DST change can neither skip a period nor run one twice.

export const SCHEDULE_KINDS = ['prompt', 'digest', 'overdue'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** `HH:MM`, 24-hour, local to the zone the schedule runs in. */
export type LocalTime = string;

export interface PromptSettings {
  /** Day of the month; a month without it uses its last day. */
  day: number;
  time: LocalTime;
  /** Days after the prompt for each reminder, while it is unanswered. */
  reminders: number[];
}

export interface DigestSettings {
  /** ISO weekday: 1 is Monday, 7 is Sunday. */
  weekday: number;
  time: LocalTime;
}

export interface OverdueSettings {
  time: LocalTime;
}

export interface SettingsOf {
  prompt: PromptSettings;
  digest: DigestSettings;
  overdue: OverdueSettings;
}

export interface Schedule<K extends ScheduleKind = ScheduleKind> {
  kind: K;
  settings: SettingsOf[K];
  /** Runs missed by more than this run no more: they are recorded as skipped. */
  catchUpSeconds: number;
  enabled: boolean;
}

export type AnySchedule = { [K in ScheduleKind]: Schedule<K> }[ScheduleKind];

const DAY_SECONDS = 86_400;

/** DESIGN.md's defaults; RELIABILITY.md's catch-up windows (the overdue check: one day). */
export const DEFAULT_SCHEDULES: { readonly [K in ScheduleKind]: Schedule<K> } = {
  prompt: {
    kind: 'prompt',
    settings: { day: 20, time: '10:00', reminders: [3, 6] },
    catchUpSeconds: 5 * DAY_SECONDS,
    enabled: true,
  },
  digest: {
    kind: 'digest',
    settings: { weekday: 1, time: '09:00' },
    catchUpSeconds: 2 * DAY_SECONDS,
    enabled: true,
  },
  overdue: {
    kind: 'overdue',
    settings: { time: '10:00' },
    catchUpSeconds: DAY_SECONDS,
    enabled: true,
  },
};

/** The longest stretch a tick looks back over for missed runs. */
export const MAX_LOOKBACK_DAYS = 62;

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

/** `monday`, `Mon`, `1` → 1; undefined when it is no weekday. */
export function parseWeekday(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (/^[1-7]$/.test(value)) return Number(value);
  const index = WEEKDAYS.findIndex((name) => value.length >= 3 && name.startsWith(value));
  return index === -1 ? undefined : index + 1;
}

/** `9:00`, `09:00`, `9` → `09:00`; undefined when it is no time of day. */
export function parseLocalTime(text: string): LocalTime | undefined {
  const match = /^(\d{1,2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2] ?? '0');
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** The instant a local wall-clock time happens on a day in a zone. A time that a DST change
 * skips moves forward by the gap (02:30 becomes 03:30); one that happens twice is the second. */
export function localInstant(day: Day, time: LocalTime, zone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return new Date(new TZDate(year, month - 1, date, hours, minutes, zone).getTime());
}

/** The local time of day of an instant, `HH:MM`. */
export function timeIn(instant: Date, zone: string): LocalTime {
  const local = new TZDate(instant.getTime(), zone);
  return `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
}

function addDays(day: Day, count: number): Day {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + count)).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar day: 1 Monday ... 7 Sunday. */
export function weekdayOf(day: Day): number {
  return ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

function daysInMonth(month: Month): number {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, number, 0)).getUTCDate();
}

/** The day of a month the monthly prompt falls on (the 31st is the 30th in April). */
export function promptDay(month: Month, settings: PromptSettings): Day {
  const date = Math.min(settings.day, daysInMonth(month));
  return `${month}-${String(date).padStart(2, '0')}`;
}

/** The monthly prompt's instant for a month in a zone. */
export function promptInstant(month: Month, settings: PromptSettings, zone: string): Date {
  return localInstant(promptDay(month, settings), settings.time, zone);
}

function isDueDay(schedule: AnySchedule, day: Day): boolean {
  switch (schedule.kind) {
    case 'prompt':
      return promptDay(day.slice(0, 7), schedule.settings) === day;
    case 'digest':
      return weekdayOf(day) === schedule.settings.weekday;
    case 'overdue':
      return true;
  }
}

/**
 * Every due instant of a schedule in a zone with `after < instant <= upTo`, oldest first: one
 * per due calendar day, each from the local wall clock.
 */
export function dueInstants(schedule: AnySchedule, zone: string, after: Date, upTo: Date): Date[] {
  if (!(after < upTo)) return [];
  const instants: Date[] = [];
  // A day's local time can fall up to a day either side of the UTC day: widen by one each way.
  const last = addDays(dayIn(upTo, zone), 1);
  for (let day = addDays(dayIn(after, zone), -1); day <= last; day = nextDay(day)) {
    if (!isDueDay(schedule, day)) continue;
    const instant = localInstant(day, schedule.settings.time, zone);
    if (instant > after && instant <= upTo) instants.push(instant);
  }
  return instants;
}

/** The first due instant after `after` (looking at most a year ahead). */
export function nextDueInstant(schedule: AnySchedule, zone: string, after: Date): Date | undefined {
  return dueInstants(
    schedule,
    zone,
    after,
    new Date(after.getTime() + 366 * DAY_SECONDS * 1000),
  )[0];
}

/** The same local time `days` calendar days after an instant (a reminder 3 days after a prompt). */
export function daysLater(instant: Date, days: number, zone: string): Date {
  return localInstant(addDays(dayIn(instant, zone), days), timeIn(instant, zone), zone);
}

/**
 * The week a scheduled digest reports on: the seven days up to its due instant (so consecutive
 * digests neither overlap nor leave a gap), with the month that week began in.
 */
export function digestWeek(due: Date, zone: string): { from: Date; month: Month } {
  const from = daysLater(due, -7, zone);
  const month = dayIn(from, zone).slice(0, 7);
  return {
    from,
    month,
  };
}

/** `2019-W35`: the ISO week of an instant in a zone (the digest's idempotency key). */
export function isoWeek(instant: Date, zone: string): string {
  const day = dayIn(instant, zone);
  // The ISO week belongs to the year of its Thursday.
  const thursday = addDays(day, 4 - weekdayOf(day));
  const year = Number(thursday.slice(0, 4));
  const firstThursday = addDays(`${year}-01-01`, (4 - weekdayOf(`${year}-01-01`) + 7) % 7);
  const week =
    Math.round(
      (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${firstThursday}T00:00:00Z`)) /
        (7 * DAY_SECONDS * 1000),
    ) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** `monday 09:00`, `the 20th at 10:00, reminders after 3 and 6 days`: a schedule in words. */
export function describeSchedule(schedule: AnySchedule): string {
  switch (schedule.kind) {
    case 'prompt': {
      const { day, time, reminders } = schedule.settings;
      const when = `monthly on the ${ordinal(day)} at ${time}`;
      return reminders.length
        ? `${when}, reminders ${reminders.map((d) => `${d}`).join(' and ')} days later if unanswered`
        : `${when}, no reminders`;
    }
    case 'digest':
      return `weekly on ${capitalise(WEEKDAYS[schedule.settings.weekday - 1] as string)} at ${schedule.settings.time}`;
    case 'overdue':
      return `daily at ${schedule.settings.time}`;
  }
}

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n !== 11
      ? 'st'
      : n % 10 === 2 && n !== 12
        ? 'nd'
        : n % 10 === 3 && n !== 13
          ? 'rd'
          : 'th';
  return `${n}${suffix}`;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
