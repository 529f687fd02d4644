import type { Db } from '../../db/database.ts';
import { type Day, type FiscalSettings, startOfDayIn } from '../../domain/fiscal-calendar.ts';
import type { ImportSummary } from './import-summary.ts';

/** What every step of one import shares: the transaction, the counts and the lookups so far. */
export interface ImportContext {
  readonly tx: Db;
  readonly summary: ImportSummary;
  readonly fiscal: FiscalSettings;
  /** The department's zone: dates in the file are days there. */
  readonly timeZone: string;
  readonly departmentId: number;
  /** Person id by the name used in the file. */
  readonly personIds: ReadonlyMap<string, number>;
  /** Team id by slug or alias key (slugified). */
  readonly teamIds: ReadonlyMap<string, number>;
  /** Cycle id by canonical label. */
  readonly cycleIds: ReadonlyMap<string, number>;
  /** Problems found while writing; any of them rolls the import back. */
  readonly problems: string[];
}

export function instantOf(context: ImportContext, day: Day): Date {
  return startOfDayIn(day, context.timeZone);
}

/** Two values the same for the purpose of "did the file change it" (null and undefined alike). */
export function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return (a ?? null) === (b ?? null);
}
