import { type SQL, sql } from 'drizzle-orm';
import type { Db } from './database.ts';

/**
 * Runs raw SQL and returns its rows. postgres.js answers with an array of rows and PGlite with
 * `{ rows }`; this is the one place that knows.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
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
