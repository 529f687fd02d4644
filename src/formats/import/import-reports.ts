import { and, eq, gte, inArray } from 'drizzle-orm';
import { firstRow } from '../../db/rows.ts';
import { reportNotes, statusReports } from '../../db/schema/index.ts';
import { slugify } from '../../domain/text.ts';
import { type ImportContext, instantOf, same } from './import-context.ts';
import type { QuarterFile } from './quarter-file.ts';

/** The dated monthly notes of each team; a month may have several reports, one per day. */
export async function importReports(context: ImportContext, file: QuarterFile): Promise<void> {
  const { tx, summary } = context;
  for (const team of file.teams ?? []) {
    if (!team.reports?.length) continue;
    const teamId = context.teamIds.get(slugify(team.slug ?? team.name)) as number;
    const months = team.reports.map((r) => r.month);
    const existing = new Map(
      (
        await tx
          .select()
          .from(statusReports)
          .where(and(eq(statusReports.teamId, teamId), inArray(statusReports.month, months)))
      ).map((row) => [`${row.month}|${row.reportedOn ?? ''}`, row]),
    );
    for (const report of team.reports) {
      const reportedOn = report.on ?? null;
      const status = report.status ?? null;
      let row = existing.get(`${report.month}|${reportedOn ?? ''}`);
      if (!row) {
        row = firstRow(
          await tx
            .insert(statusReports)
            .values({ teamId, month: report.month, reportedOn, status })
            .returning(),
        );
        summary.add('reports', 'created');
      } else if (!same(row.status, status)) {
        await tx.update(statusReports).set({ status }).where(eq(statusReports.id, row.id));
        summary.add('reports', 'updated');
      } else {
        summary.add('reports', 'unchanged');
      }
      await importNotes(
        context,
        row.id,
        report.notes,
        instantOf(context, report.on ?? `${report.month}-01`),
      );
    }
  }
}

async function importNotes(
  context: ImportContext,
  reportId: number,
  notes: readonly { text: string; level: number }[],
  at: Date,
): Promise<void> {
  const { tx, summary } = context;
  const existing = new Map(
    (
      await tx
        .select()
        .from(reportNotes)
        .where(and(eq(reportNotes.reportId, reportId), eq(reportNotes.source, 'import')))
    ).map((row) => [row.position, row]),
  );
  const inserts: (typeof reportNotes.$inferInsert)[] = [];
  for (const [position, { text, level }] of notes.entries()) {
    const row = existing.get(position);
    if (!row) {
      inserts.push({ reportId, position, text, level, at, source: 'import' });
      summary.add('report notes', 'created');
    } else if (row.text !== text || row.level !== level || row.at.getTime() !== at.getTime()) {
      await tx.update(reportNotes).set({ text, level, at }).where(eq(reportNotes.id, row.id));
      summary.add('report notes', 'updated');
    } else {
      summary.add('report notes', 'unchanged');
    }
  }
  if (inserts.length) await tx.insert(reportNotes).values(inserts);
  // Notes the file no longer has (it was shortened) go; notes added from chat stay.
  const removed = await tx
    .delete(reportNotes)
    .where(
      and(
        eq(reportNotes.reportId, reportId),
        eq(reportNotes.source, 'import'),
        gte(reportNotes.position, notes.length),
      ),
    )
    .returning({ id: reportNotes.id });
  if (removed.length) summary.add('report notes', 'removed', removed.length);
}
