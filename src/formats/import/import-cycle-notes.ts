import { and, eq, gte, isNull } from 'drizzle-orm';
import { cycleNotes, krQuarterStatuses } from '../../db/schema/index.ts';
import type { ImportContext } from './import-context.ts';
import type { ObjectiveInput } from './quarter-file.ts';

type NoteInput = NonNullable<ObjectiveInput['notes']>[number];

/**
 * A review's dated notes (work delivered, wins, challenges, themes) of the department's cycle
 * or of one objective, by position: the file is their truth, as for a report's notes.
 */
export async function importCycleNotes(
  context: ImportContext,
  place: { cycleId: number; objectiveId: number | null },
  notes: readonly NoteInput[],
): Promise<void> {
  const { tx, summary } = context;
  const where = and(
    eq(cycleNotes.departmentId, context.departmentId),
    eq(cycleNotes.cycleId, place.cycleId),
    place.objectiveId === null
      ? isNull(cycleNotes.objectiveId)
      : eq(cycleNotes.objectiveId, place.objectiveId),
    eq(cycleNotes.source, 'import'),
  );
  const existing = new Map(
    (await tx.select().from(cycleNotes).where(where)).map((row) => [row.position, row]),
  );
  for (const [position, note] of notes.entries()) {
    const fields = { kind: note.kind, on: note.on ?? null, text: note.text };
    const row = existing.get(position);
    if (!row) {
      await tx.insert(cycleNotes).values({
        departmentId: context.departmentId,
        ...place,
        position,
        source: 'import',
        ...fields,
      });
      summary.add('notes', 'created');
    } else if (row.kind !== fields.kind || row.on !== fields.on || row.text !== fields.text) {
      await tx.update(cycleNotes).set(fields).where(eq(cycleNotes.id, row.id));
      summary.add('notes', 'updated');
    } else {
      summary.add('notes', 'unchanged');
    }
  }
  const removed = await tx
    .delete(cycleNotes)
    .where(and(where, gte(cycleNotes.position, notes.length)))
    .returning({ id: cycleNotes.id });
  if (removed.length) summary.add('notes', 'removed', removed.length);
}

/** A key result's quarter statuses in words (`quarters: { Q1: ... }`). */
export async function importQuarterStatuses(
  context: ImportContext,
  keyResultId: number,
  quarters: Partial<Record<'Q1' | 'Q2' | 'Q3' | 'Q4', string>>,
): Promise<void> {
  const { tx, summary } = context;
  const existing = new Map(
    (
      await tx
        .select()
        .from(krQuarterStatuses)
        .where(eq(krQuarterStatuses.keyResultId, keyResultId))
    ).map((row) => [row.quarter, row]),
  );
  for (const [label, text] of Object.entries(quarters)) {
    if (text === undefined) continue;
    const quarter = Number(label.slice(1));
    const row = existing.get(quarter);
    existing.delete(quarter);
    if (!row) {
      await tx.insert(krQuarterStatuses).values({ keyResultId, quarter, text, source: 'import' });
      summary.add('quarter statuses', 'created');
    } else if (row.text !== text) {
      await tx.update(krQuarterStatuses).set({ text }).where(eq(krQuarterStatuses.id, row.id));
      summary.add('quarter statuses', 'updated');
    } else {
      summary.add('quarter statuses', 'unchanged');
    }
  }
  for (const row of existing.values()) {
    await tx.delete(krQuarterStatuses).where(eq(krQuarterStatuses.id, row.id));
    summary.add('quarter statuses', 'removed');
  }
}
