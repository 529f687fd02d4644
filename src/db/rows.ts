import { type SQL, sql } from 'drizzle-orm';
import type { Db } from './database.ts';

/**
 * Runs raw SQL and returns its rows. postgres.js answers with an array of rows and PGlite with
 * `{ rows }`; this is the one place that knows. The driver-neutral `Db` types the answer
 * `unknown`, so the caller names the row type: `RawRow` of a type derived from the schema.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/**
 * A row of `T` as raw SQL returns it. Drizzle sets both drivers to hand timestamps over as text
 * (its column types parse them, and raw SQL has none), so every instant is a string until
 * `new Date` or `instant` reads it.
 */
export type RawRow<T> = {
  [K in keyof T]: T[K] extends Date
    ? string
    : Date extends T[K]
      ? Exclude<T[K], Date> | string
      : T[K];
};

/** A nullable instant of a raw row, read. */
export const instant = (value: string | null): Date | null =>
  value === null ? null : new Date(value);

/**
 * The first row of a query that returns one whenever it succeeds (an insert's `returning`, a
 * row the same transaction just wrote); a query that found none is a bug, reported as one.
 */
export function firstRow<T>(rows: readonly T[]): T {
  const [row] = rows;
  if (row === undefined) throw new Error('expected a row, the query returned none');
  return row;
}

/** `1, 2, 3` for an `in (...)` list; `null` when empty, so `x in (null)` matches nothing. */
export function idList(values: readonly number[]): SQL {
  return values.length
    ? sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )
    : sql`null`;
}
