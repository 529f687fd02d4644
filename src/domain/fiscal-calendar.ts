import { TZDate } from '@date-fns/tz';

/**
 * A fiscal cycle: a year, or a quarter of one. `fiscalYear` is the calendar year in which the
 * fiscal year starts, so with a July start FY2019-20 is fiscalYear 2019 and its Q1 is July to
 * September 2019.
 */
export interface Cycle {
  fiscalYear: number;
  quarter?: 1 | 2 | 3 | 4;
}

export interface FiscalSettings {
  /** Month (1-12) in which the fiscal year starts. */
  startMonth: number;
}

const MIN_YEAR = 1900;
const MAX_YEAR = 2999;

/** A calendar day, `YYYY-MM-DD`; dates in the domain are days, turned into instants per zone. */
export type Day = string;
/** A calendar month, `YYYY-MM`. */
export type Month = string;

/** `FY2019-20 Q1` (or `FY2019` when the fiscal year is the calendar year). */
export function formatCycle(cycle: Cycle, settings: FiscalSettings): string {
  const year =
    settings.startMonth === 1
      ? `FY${cycle.fiscalYear}`
      : `FY${cycle.fiscalYear}-${String((cycle.fiscalYear + 1) % 100).padStart(2, '0')}`;
  return cycle.quarter ? `${year} Q${cycle.quarter}` : year;
}

/**
 * Reads `FY2019-20 Q1`, `fy2019-20`, `FY2019–20 Q1` (en dash, as on the pages), `FY19/20 Q1`,
 * `2019-20 Q1` and, for calendar fiscal years, `FY2019 Q1`. Undefined when not a cycle.
 */
export function parseCycle(text: string): Cycle | undefined {
  const match =
    /^\s*(?:fy\s*)?(\d{2}|\d{4})(?:\s*[-–/]\s*(\d{2}|\d{4}))?(?:\s*,?\s*q([1-4]))?\s*$/i.exec(
      text.normalize('NFKC'),
    );
  if (!match) return undefined;
  const [, first, second, quarter] = match;
  const start = expandYear(first as string);
  if (second !== undefined) {
    const end = expandYear(second, start);
    if (end !== start + 1) return undefined;
  } else if (!/fy/i.test(text)) {
    // A bare "2019" could be a calendar year; only "FY2019" names a fiscal one.
    return undefined;
  }
  if (start < MIN_YEAR || start > MAX_YEAR) return undefined;
  return quarter
    ? { fiscalYear: start, quarter: Number(quarter) as 1 | 2 | 3 | 4 }
    : { fiscalYear: start };
}

function expandYear(text: string, near?: number): number {
  if (text.length === 4) return Number(text);
  const century = near === undefined ? 2000 : Math.floor(near / 100) * 100;
  const year = century + Number(text);
  return near !== undefined && year < near ? year + 100 : year;
}

/** First month (1-12) and calendar year of a cycle, and how many months it spans. */
function cycleStart(
  cycle: Cycle,
  settings: FiscalSettings,
): { year: number; month: number; months: number } {
  const offset = cycle.quarter ? (cycle.quarter - 1) * 3 : 0;
  const zeroBased = settings.startMonth - 1 + offset;
  return {
    year: cycle.fiscalYear + Math.floor(zeroBased / 12),
    month: (zeroBased % 12) + 1,
    months: cycle.quarter ? 3 : 12,
  };
}

function addMonths(year: number, month: number, count: number): { year: number; month: number } {
  const zeroBased = month - 1 + count;
  return { year: year + Math.floor(zeroBased / 12), month: (zeroBased % 12) + 1 };
}

function day(year: number, month: number, date = 1): Day {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
}

/** First day of the cycle and the first day after it (exclusive end), as calendar days. */
export function cycleDays(
  cycle: Cycle,
  settings: FiscalSettings,
): { startsOn: Day; endsBefore: Day } {
  const start = cycleStart(cycle, settings);
  const end = addMonths(start.year, start.month, start.months);
  return { startsOn: day(start.year, start.month), endsBefore: day(end.year, end.month) };
}

/** The months of a cycle, `YYYY-MM`, in order. */
export function cycleMonths(cycle: Cycle, settings: FiscalSettings): Month[] {
  const start = cycleStart(cycle, settings);
  return Array.from({ length: start.months }, (_, i) => {
    const m = addMonths(start.year, start.month, i);
    return day(m.year, m.month).slice(0, 7);
  });
}

/** The instant a calendar day begins in a time zone (DST-safe: midnight local, whatever the offset). */
export function startOfDayIn(date: Day, zone: string): Date {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(year, month - 1, dayOfMonth, zone).getTime());
}

/** The instant a day ends in a zone: the start of the next day, so "due 2019-09-30" means before that. */
export function endOfDayIn(date: Day, zone: string): Date {
  return startOfDayIn(nextDay(date), zone);
}

/** The first day of the month after a `YYYY-MM` month. */
export function nextMonth(month: Month): Day {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const next = addMonths(year, monthNumber, 1);
  return day(next.year, next.month);
}

export function nextDay(date: Day): Day {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, dayOfMonth + 1));
  return next.toISOString().slice(0, 10);
}

export function previousDay(date: Day): Day {
  const [year, month, dayOfMonth] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, dayOfMonth - 1)).toISOString().slice(0, 10);
}

/** Start and exclusive end instants of a cycle in a zone: "end of Q3" is `endsAt` of Q3. */
export function cycleInstants(
  cycle: Cycle,
  settings: FiscalSettings,
  zone: string,
): { startsAt: Date; endsAt: Date } {
  const days = cycleDays(cycle, settings);
  return {
    startsAt: startOfDayIn(days.startsOn, zone),
    endsAt: startOfDayIn(days.endsBefore, zone),
  };
}

/** The calendar day of an instant in a zone. */
export function dayIn(instant: Date, zone: string): Day {
  const local = new TZDate(instant.getTime(), zone);
  return day(local.getFullYear(), local.getMonth() + 1, local.getDate());
}

/** The quarter (or, with `kind: 'year'`, the fiscal year) an instant falls in, in a zone. */
export function cycleAt(
  instant: Date,
  settings: FiscalSettings,
  zone: string,
  kind: 'quarter' | 'year' = 'quarter',
): Cycle {
  const local = new TZDate(instant.getTime(), zone);
  const monthsIntoYear = (local.getMonth() + 1 - settings.startMonth + 12) % 12;
  const fiscalYear = local.getFullYear() - (local.getMonth() + 1 < settings.startMonth ? 1 : 0);
  if (kind === 'year') return { fiscalYear };
  return { fiscalYear, quarter: (Math.floor(monthsIntoYear / 3) + 1) as 1 | 2 | 3 | 4 };
}

/** Is `text` a real calendar day `YYYY-MM-DD` (no 2026-02-31, no year 0)? */
export function isDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, dayOfMonth] = match.slice(1).map(Number) as [number, number, number];
  if (year < 1 || month < 1 || month > 12 || dayOfMonth < 1) return false;
  const probe = new Date(Date.UTC(year, month - 1, dayOfMonth));
  return (
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === dayOfMonth
  );
}

/** Is `text` a calendar month `YYYY-MM`? */
export function isMonth(text: string): boolean {
  return /^\d{4}-\d{2}$/.test(text) && isDay(`${text}-01`);
}

/** Monday 00:00 of the week an instant falls in, in a zone (the digest's week). */
export function startOfWeekIn(instant: Date, zone: string): Date {
  const local = new TZDate(instant.getTime(), zone);
  const daysSinceMonday = (local.getDay() + 6) % 7;
  return startOfDayIn(
    dayIn(new Date(instant.getTime() - daysSinceMonday * 86_400_000), zone),
    zone,
  );
}

/** The digest's week so far and its month, in a zone: changes from Monday, reports of the month. */
export function digestPeriod(now: Date, zone: string): { from: Date; month: Month } {
  const month = dayIn(now, zone).slice(0, 7);
  return {
    from: startOfWeekIn(now, zone),
    month,
  };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `2019-08` → `2019-07`. */
export function previousMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 1 ? `${year - 1}-12` : `${year}-${String(number - 1).padStart(2, '0')}`;
}

/** `2019-08` → `August 2019`. */
export function monthName(month: string): string {
  const [year, number] = month.split('-');
  return `${MONTHS[Number(number) - 1] ?? month} ${year}`;
}
