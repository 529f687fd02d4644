import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { proposals } from '../db/schema/index.ts';

// Proposals shown with buttons: any instance may receive the click, so they live here, and a
// proposal is decided once (a double click, or Slack redelivering, records nothing twice).

export type ProposalRow = typeof proposals.$inferSelect;

export function createProposalStore(db: Db) {
  return {
    async add(
      rows: readonly Pick<
        ProposalRow,
        'promptId' | 'teamId' | 'personId' | 'reading' | 'line' | 'doubt'
      >[],
    ): Promise<number[]> {
      if (rows.length === 0) return [];
      const added = await db
        .insert(proposals)
        .values([...rows])
        .returning({ id: proposals.id });
      return added.map((row) => row.id);
    },

    /** Decides a proposal for the person it was made to; undefined when it was decided before. */
    async decide(
      id: number,
      personId: number,
      decision: 'recorded' | 'skipped',
      at: Date,
    ): Promise<ProposalRow | undefined> {
      const [row] = await db
        .update(proposals)
        .set({ decision, decidedAt: sql`${at.toISOString()}::timestamptz` })
        .where(
          and(eq(proposals.id, id), eq(proposals.personId, personId), isNull(proposals.decision)),
        )
        .returning();
      return row;
    },

    /** Undoes a decision whose recording failed, so the button works again. */
    async reopen(id: number): Promise<void> {
      await db
        .update(proposals)
        .set({ decision: null, decidedAt: null })
        .where(eq(proposals.id, id));
    },

    async byId(id: number): Promise<ProposalRow | undefined> {
      const [row] = await db.select().from(proposals).where(eq(proposals.id, id));
      return row;
    },
  };
}

export type ProposalStore = ReturnType<typeof createProposalStore>;
