import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { queryRows, type RawRow } from '../db/rows.ts';
import type { people, statusEntries } from '../db/schema/index.ts';

export type StatusEntryRow = Pick<
  typeof statusEntries.$inferSelect,
  'status' | 'note' | 'at' | 'source'
> & { personName: (typeof people.$inferSelect)['name'] | null };

/** Every status entry of a goal or key result up to `now`, oldest first. */
export async function statusHistory(
  db: Db,
  subject: 'goal' | 'key result',
  id: number,
  now: Date,
): Promise<StatusEntryRow[]> {
  const column = subject === 'goal' ? sql`se.goal_id` : sql`se.key_result_id`;
  const rows = await queryRows<RawRow<StatusEntryRow>>(
    db,
    sql`select se.status, se.note, se.at, se.source, p.name as "personName"
        from status_entries se left join people p on p.id = se.person_id
        where ${column} = ${id} and se.at <= ${now.toISOString()}::timestamptz
        order by se.at, se.id`,
  );
  return rows.map((row) => ({ ...row, at: new Date(row.at) }));
}
