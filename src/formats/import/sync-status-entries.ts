import { and, inArray, isNotNull, sql } from 'drizzle-orm';
import { statusEntries } from '../../db/schema/index.ts';
import type { Status } from '../../domain/status.ts';
import type { ImportContext } from './import-context.ts';

export interface DesiredEntry {
  at: Date;
  status: Status;
  note: string | undefined;
}

type Subject = 'goalId' | 'keyResultId';

/**
 * Brings a file's status history into the database without rewriting it: an entry whose date
 * already has the same status and note is unchanged; a different one is recorded as a new
 * entry on that date (so the history shows the correction and the latest entry wins), and
 * nothing recorded from chat is touched.
 */
export async function syncStatusEntries(
  context: ImportContext,
  subject: Subject,
  desired: ReadonlyMap<number, DesiredEntry[]>,
): Promise<void> {
  const ids = [...desired.keys()];
  if (ids.length === 0) return;
  const column = subject === 'goalId' ? statusEntries.goalId : statusEntries.keyResultId;
  const existing = await context.tx
    .select({
      subjectId: column,
      at: statusEntries.at,
      status: statusEntries.status,
      note: statusEntries.note,
    })
    .from(statusEntries)
    .where(and(isNotNull(column), inArray(column, ids), sql`${statusEntries.source} = 'import'`))
    .orderBy(statusEntries.at, statusEntries.id);
  // The latest imported entry of each (subject, day): later ids overwrite earlier ones.
  const latest = new Map<string, { status: Status; note: string | null }>();
  for (const row of existing) latest.set(`${row.subjectId}|${row.at.getTime()}`, row);

  const inserts: (typeof statusEntries.$inferInsert)[] = [];
  for (const [subjectId, entries] of desired) {
    for (const entry of lastPerInstant(entries)) {
      const found = latest.get(`${subjectId}|${entry.at.getTime()}`);
      if (found && found.status === entry.status && (found.note ?? null) === (entry.note ?? null)) {
        context.summary.add('status entries', 'unchanged');
        continue;
      }
      context.summary.add('status entries', 'created');
      inserts.push({
        [subject]: subjectId,
        status: entry.status,
        note: entry.note ?? null,
        at: entry.at,
        source: 'import',
      });
    }
  }
  for (let i = 0; i < inserts.length; i += 500) {
    await context.tx.insert(statusEntries).values(inserts.slice(i, i + 500));
  }
}

/** Two entries on one day: the later in the file is what the file means. */
function lastPerInstant(entries: DesiredEntry[]): DesiredEntry[] {
  const byInstant = new Map<number, DesiredEntry>();
  for (const entry of entries) byInstant.set(entry.at.getTime(), entry);
  return [...byInstant.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
}
