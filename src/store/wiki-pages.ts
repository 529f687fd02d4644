import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { queryRows } from '../db/rows.ts';
import { cycles, wikiPages } from '../db/schema/index.ts';

export type WikiPageRow = typeof wikiPages.$inferSelect;

/** A goal changed both in chat and on the wiki since okrbot's last revision. */
export interface WikiConflict {
  team: string;
  key: string;
  /** The goal as the wiki shows it (and keeps showing it until someone decides). */
  wiki: { title: string; status: string | null; note: string | null };
  user: string;
  at: string;
}

export interface RemovalRequest {
  goalId: number;
  ref: string;
  title: string;
  teamName: string;
  cycleLabel: string;
  requestedAt: Date;
  requestedBy: string | null;
}

export function createWikiPageStore(db: Db) {
  return {
    async find(departmentId: number, cycleId: number): Promise<WikiPageRow | undefined> {
      const [row] = await db
        .select()
        .from(wikiPages)
        .where(and(eq(wikiPages.departmentId, departmentId), eq(wikiPages.cycleId, cycleId)));
      return row;
    },

    /** Every page okrbot has written with its quarter, oldest quarter first. */
    async list(): Promise<
      (WikiPageRow & { cycleLabel: string; fiscalYear: number; quarter: number })[]
    > {
      const rows = await db
        .select({
          page: wikiPages,
          cycleLabel: cycles.label,
          fiscalYear: cycles.fiscalYear,
          quarter: cycles.quarter,
        })
        .from(wikiPages)
        .innerJoin(cycles, eq(cycles.id, wikiPages.cycleId))
        .orderBy(cycles.startsOn, wikiPages.departmentId);
      return rows.map((row) => ({
        ...row.page,
        cycleLabel: row.cycleLabel,
        fiscalYear: row.fiscalYear,
        quarter: row.quarter ?? 1,
      }));
    },

    /** Records the revision okrbot wrote or read last, and the conflicts still open. */
    async save(
      tx: Db,
      page: Pick<
        WikiPageRow,
        'departmentId' | 'cycleId' | 'title' | 'revisionId' | 'revisionAt' | 'text'
      > & {
        conflicts: WikiConflict[];
        syncedAt: Date;
      },
    ): Promise<void> {
      await tx
        .insert(wikiPages)
        .values(page)
        .onConflictDoUpdate({
          target: [wikiPages.departmentId, wikiPages.cycleId],
          set: {
            title: page.title,
            revisionId: page.revisionId,
            revisionAt: page.revisionAt,
            text: page.text,
            conflicts: page.conflicts,
            syncedAt: page.syncedAt,
          },
        });
    },

    /** Goals removed from a wiki page that wait for an admin's decision. */
    async removals(): Promise<RemovalRequest[]> {
      const rows = await queryRows<Omit<RemovalRequest, 'requestedAt'> & { requestedAt: string }>(
        db,
        sql`select g.id as "goalId", coalesce(g.task_ids[1], 'G' || g.id) as ref, g.title,
                   t.name as "teamName", c.label as "cycleLabel",
                   g.removal_requested_at as "requestedAt", p.name as "requestedBy"
            from goals g join teams t on t.id = g.team_id join cycles c on c.id = g.cycle_id
            left join people p on p.id = g.removal_requested_by
            where g.removal_requested_at is not null
            order by g.removal_requested_at, g.id`,
      );
      return rows.map((row) => ({ ...row, requestedAt: new Date(row.requestedAt) }));
    },
  };
}

export type WikiPageStore = ReturnType<typeof createWikiPageStore>;
