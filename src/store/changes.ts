import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { firstRow, queryRows } from '../db/rows.ts';
import {
  auditLog,
  metricValues,
  reportNotes,
  statusEntries,
  statusReports,
} from '../db/schema/index.ts';
import type { Status } from '../domain/status.ts';
import { LOCAL_TRANSPORT, TRANSPORT_IDS, type TransportId } from '../domain/transports.ts';

export interface Change {
  personId: number | null;
  at: Date;
  source: TransportId;
}

/** The first key of the advisory locks on a report's note positions (the second is its id). */
const NOTE_POSITION_LOCK = 0x6f6b72;

/** How long `undo` reaches back, measured on the database clock (a pinned demo clock does not move). */
export const UNDO_WINDOW_MINUTES = 10;

export type UndoneChange =
  | { kind: 'status'; label: string; status: Status }
  | { kind: 'metric'; label: string; value: number }
  | { kind: 'note'; text: string };

/** `T211248`, `G12` or `TCB-KR2`: how a user names what was changed. */
async function subjectLabel(
  db: Db,
  goalId: number | null,
  keyResultId: number | null,
): Promise<string> {
  const [row] = await queryRows<{ label: string }>(
    db,
    goalId !== null
      ? sql`select coalesce(task_ids[1], 'G' || id) as label from goals where id = ${goalId}`
      : sql`select o.code || '-' || kr.code as label from key_results kr join objectives o on o.id = kr.objective_id where kr.id = ${keyResultId}`,
  );
  return row?.label ?? 'an item';
}

/** Writes from chat: each change is one row plus its audit record, in one transaction. */
export function createChangeStore(db: Db) {
  async function audit(tx: Db, change: Change, action: string, detail: Record<string, unknown>) {
    await tx
      .insert(auditLog)
      .values({ personId: change.personId, source: change.source, action, detail });
  }

  return {
    async recordStatus(
      subject: { goalId: number } | { keyResultId: number },
      status: Status,
      note: string | undefined,
      change: Change,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(statusEntries)
          .values({
            ...subject,
            status,
            note: note ?? null,
            personId: change.personId,
            at: change.at,
            source: change.source,
          })
          .returning({ id: statusEntries.id });
        await audit(tx, change, 'status', {
          ...subject,
          status,
          note,
          entryId: row?.id,
        });
      });
    },

    /**
     * "correction: 3 in progress": replaces the person's latest status on the subject (from the
     * last 31 days) with this one, so the history shows what they meant, not the slip; records
     * it as new when there is none. True when an earlier status was replaced.
     */
    async correctStatus(
      subject: { goalId: number } | { keyResultId: number },
      status: Status,
      note: string | undefined,
      change: Change,
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const on =
          'goalId' in subject
            ? eq(statusEntries.goalId, subject.goalId)
            : eq(statusEntries.keyResultId, subject.keyResultId);
        const [last] = await tx
          .select({ id: statusEntries.id, status: statusEntries.status })
          .from(statusEntries)
          .where(
            and(
              on,
              change.personId === null
                ? sql`${statusEntries.personId} is null`
                : eq(statusEntries.personId, change.personId),
              sql`${statusEntries.at} > ${change.at.toISOString()}::timestamptz - interval '31 days'`,
            ),
          )
          .orderBy(sql`${statusEntries.at} desc, ${statusEntries.id} desc`)
          .limit(1);
        if (last) await tx.delete(statusEntries).where(eq(statusEntries.id, last.id));
        const [row] = await tx
          .insert(statusEntries)
          .values({
            ...subject,
            status,
            note: note ?? null,
            personId: change.personId,
            at: change.at,
            source: change.source,
          })
          .returning({ id: statusEntries.id });
        await audit(tx, change, 'correct', {
          ...subject,
          status,
          note,
          entryId: row?.id,
          replaced: last ?? null,
        });
        return last !== undefined;
      });
    },

    async recordMetric(
      keyResultId: number,
      value: number,
      note: string | undefined,
      change: Change,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(metricValues)
          .values({
            keyResultId,
            value,
            note: note ?? null,
            personId: change.personId,
            at: change.at,
            source: change.source,
          })
          .returning({ id: metricValues.id });
        await audit(tx, change, 'metric', {
          keyResultId,
          value,
          note,
          metricId: row?.id,
        });
      });
    },

    /** Adds a note to a team's report for a month, creating the report when it is the first. */
    async addNote(teamId: number, month: string, text: string, change: Change): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .insert(statusReports)
          .values({ teamId, month, personId: change.personId })
          .onConflictDoNothing();
        const { id: reportId } = firstRow(
          await tx
            .select({ id: statusReports.id })
            .from(statusReports)
            .where(
              and(
                eq(statusReports.teamId, teamId),
                eq(statusReports.month, month),
                // Chat notes go to the month's undated report; dated ones come from pages.
                isNull(statusReports.reportedOn),
              ),
            ),
        );
        // Notes from chat number their own positions after the imported ones of their source.
        // Writers of one report take turns (a lock held until commit): reading the highest
        // position and inserting the next must not interleave, or one of them collides.
        await tx.execute(sql`select pg_advisory_xact_lock(${NOTE_POSITION_LOCK}, ${reportId})`);
        const [last] = await tx
          .select({ position: sql<number>`coalesce(max(${reportNotes.position}), -1)` })
          .from(reportNotes)
          .where(and(eq(reportNotes.reportId, reportId), eq(reportNotes.source, change.source)));
        await tx.insert(reportNotes).values({
          reportId,
          position: Number(last?.position ?? -1) + 1,
          text,
          personId: change.personId,
          at: change.at,
          source: change.source,
        });
        await audit(tx, change, 'note', { teamId, month, text });
      });
    },

    /**
     * Reverts the person's most recent change from chat (status, value or note) if it was
     * made in the last ten minutes; undefined when there is none.
     */
    async undoLast(personId: number | null, change: Change): Promise<UndoneChange | undefined> {
      return db.transaction(async (tx) => {
        // The local operator is nobody in particular: their changes carry no person.
        const mine =
          personId === null
            ? sql`person_id is null and source = ${LOCAL_TRANSPORT}`
            : sql`person_id = ${personId} and source in (${sql.join(
                TRANSPORT_IDS.map((id) => sql`${id}`),
                sql`, `,
              )})`;
        const recent = sql`${mine} and created_at > now() - make_interval(mins => ${UNDO_WINDOW_MINUTES})`;
        const [last] = await queryRows<{ kind: UndoneChange['kind']; id: number }>(
          tx,
          sql`select kind, id from (
                select 'status' as kind, id, created_at from status_entries where ${recent}
                union all select 'metric', id, created_at from metric_values where ${recent}
                union all select 'note', id, created_at from report_notes where ${recent}
              ) changes order by created_at desc, id desc limit 1`,
        );
        if (!last) return undefined;
        let undone: UndoneChange;
        if (last.kind === 'status') {
          const entry = firstRow(
            await tx.delete(statusEntries).where(eq(statusEntries.id, last.id)).returning(),
          );
          undone = {
            kind: 'status',
            label: await subjectLabel(tx, entry.goalId, entry.keyResultId),
            status: entry.status,
          };
        } else if (last.kind === 'metric') {
          const value = firstRow(
            await tx.delete(metricValues).where(eq(metricValues.id, last.id)).returning(),
          );
          undone = {
            kind: 'metric',
            label: await subjectLabel(tx, null, value.keyResultId),
            value: value.value,
          };
        } else {
          const note = firstRow(
            await tx.delete(reportNotes).where(eq(reportNotes.id, last.id)).returning(),
          );
          undone = { kind: 'note', text: note.text };
        }
        await audit(tx, change, 'undo', undone);
        return undone;
      });
    },
  };
}

export type ChangeStore = ReturnType<typeof createChangeStore>;
