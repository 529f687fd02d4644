import {
  cycleDays,
  type FiscalSettings,
  monthName,
  parseCycle,
} from '../../domain/fiscal-calendar.ts';
import type { Status } from '../../domain/status.ts';
import type { QuarterGoal, QuarterKeyResult, QuarterReport } from './quarter-document.ts';

// How a quarter is laid out on a page, shared by the HTML pages and every text export so they
// agree: goals under their headings, "Dependencies on" lines, dated monthly notes, KR columns.

export interface GoalGroup<G extends QuarterGoal> {
  label: string | null;
  goals: G[];
  /**
   * Dependencies every goal of the group shares, written once after it as the goals pages do
   * ("Dependencies on: SRE, Performance"); empty when the goals differ, and each says its own.
   */
  shared: string[];
}

/** Top-level goals in page order, grouped under consecutive identical headings. */
export function goalGroups<G extends QuarterGoal>(goals: readonly G[]): GoalGroup<G>[] {
  const groups: GoalGroup<G>[] = [];
  for (const goal of goals) {
    const last = groups.at(-1);
    if (last && last.label === goal.group) last.goals.push(goal);
    else groups.push({ label: goal.group, goals: [goal], shared: [] });
  }
  for (const group of groups) {
    const first = group.goals[0]?.depends_on ?? [];
    if (first.length && group.goals.every((g) => sameList(g.depends_on, first)))
      group.shared = first;
  }
  return groups;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** `January` ... `December`, as `monthName` writes them. */
const MONTHS = Array.from(
  { length: 12 },
  (_, i) => monthName(`2000-${String(i + 1).padStart(2, '0')}`).split(' ')[0] as string,
);

/** `July 23, 2019` for a day, `August 2019` for a month: how the goals pages date their notes. */
export function longDate(dayOrMonth: string): string {
  const [year, month, day] = dayOrMonth.split('-').map(Number) as [number, number, number?];
  const name = MONTHS[month - 1] as string;
  return day === undefined ? `${name} ${year}` : `${name} ${day}, ${year}`;
}

/** Reads `longDate`'s output back: `2019-07-23` or `2019-08`; undefined otherwise. */
export function parseLongDate(text: string): string | undefined {
  const match = /^([A-Z][a-z]+)(?: (\d{1,2}),)? (\d{4})$/.exec(text.trim());
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[1] as string) + 1;
  if (month === 0) return undefined;
  const prefix = `${match[3]}-${String(month).padStart(2, '0')}`;
  return match[2] ? `${prefix}-${(match[2] as string).padStart(2, '0')}` : prefix;
}

/** The date a monthly report is shown under: the day it was written, else its month. */
export function reportDate(report: Pick<QuarterReport, 'month' | 'on'>): string {
  return longDate(report.on ?? report.month);
}

/** `July - September 2019` for a quarter starting and ending on these days. */
export function monthRange(startsOn: string, endsOn: string): string {
  const start = longDate(startsOn.slice(0, 7)).split(' ');
  const end = longDate(endsOn.slice(0, 7));
  return start[1] === end.split(' ')[1] ? `${start[0]} - ${end}` : `${start.join(' ')} - ${end}`;
}

export interface QuarterCell {
  /** `Q1` ... `Q4` of the objective's fiscal year. */
  quarter: string;
  /** The quarter's status in the review's words, when it gives one ("On track", "0 (Q2)"). */
  text: string | null;
  /** Else the last value recorded in the quarter, else the last status; neither when nothing was. */
  value: number | null;
  status: Status | null;
}

/** A key result's value (or status) at each quarter of its fiscal year: the review decks' columns. */
export function quarterCells(
  kr: Pick<QuarterKeyResult, 'values' | 'statuses' | 'quarters'>,
  objectiveCycle: string,
  fiscal: FiscalSettings,
): QuarterCell[] {
  const cycle = parseCycle(objectiveCycle);
  if (!cycle) return [];
  return ([1, 2, 3, 4] as const).map((quarter) => {
    const { startsOn, endsBefore } = cycleDays({ fiscalYear: cycle.fiscalYear, quarter }, fiscal);
    const inQuarter = (on: string) => on >= startsOn && on < endsBefore;
    const text = kr.quarters.find((q) => q.quarter === quarter)?.text ?? null;
    const value = text === null ? kr.values.filter((v) => inQuarter(v.on)).at(-1) : undefined;
    const status =
      text === null && !value ? kr.statuses.filter((s) => inQuarter(s.on)).at(-1) : undefined;
    return {
      quarter: `Q${quarter}`,
      text,
      value: value?.value ?? null,
      status: status?.status ?? null,
    };
  });
}

/** The quarter columns of an objective's year, with nothing in them (table headers). */
export function quarterColumns(objectiveCycle: string, fiscal: FiscalSettings): string[] {
  return quarterCells({ values: [], statuses: [], quarters: [] }, objectiveCycle, fiscal).map(
    (cell) => cell.quarter,
  );
}

/** A key result's baseline or target as the page shows it: the number with its unit, or words. */
export function krFigure(
  value: number | null,
  words: string | null,
  unit: string | null,
  format: (value: number) => string,
): string {
  if (value !== null) return `${format(value)}${unit ? ` ${unit}` : ''}`;
  return words ?? '';
}

/** A number as an export writes it: exactly (a re-import must read the same value back). */
export function exactNumber(value: number): string {
  return String(value);
}
