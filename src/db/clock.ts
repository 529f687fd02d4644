import { sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { firstRow, queryRows } from './rows.ts';

/**
 * The database's clock. Every instance of a cluster reads the same one, so due times and
 * leases agree even when a machine's own clock is ahead or jumps back. `clock_timestamp()`, not
 * `now()`: the moment of reading, not of the transaction's start.
 */
export async function databaseNow(db: Db): Promise<Date> {
  const { now } = firstRow(
    await queryRows<{ now: string | Date }>(db, sql`select clock_timestamp() as now`),
  );
  return new Date(now);
}
