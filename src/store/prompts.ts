import { and, desc, eq, gte, type InferModelFromColumns, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { firstRow } from '../db/rows.ts';
import { prompts } from '../db/schema/index.ts';
import type { ChatTransport } from '../domain/transports.ts';

const promptColumns = {
  id: prompts.id,
  teamId: prompts.teamId,
  personId: prompts.personId,
  month: prompts.month,
  onBehalfOfId: prompts.onBehalfOfId,
  dueAt: prompts.dueAt,
  remindersSent: prompts.remindersSent,
  answeredAt: prompts.answeredAt,
  transport: prompts.transport,
  conversationId: prompts.conversationId,
  messageId: prompts.messageId,
};

export type PromptRow = InferModelFromColumns<typeof promptColumns>;

/** Monthly prompts: one per (team, person, month), whatever retries or instances do. */
export function createPromptStore(db: Db) {
  return {
    /** The prompt for (team, person, month), created on first ask. */
    async ensure(
      values: Pick<
        typeof prompts.$inferInsert,
        'teamId' | 'personId' | 'month' | 'dueAt' | 'onBehalfOfId'
      >,
    ): Promise<PromptRow> {
      await db.insert(prompts).values(values).onConflictDoNothing();
      return firstRow(
        await db
          .select(promptColumns)
          .from(prompts)
          .where(
            and(
              eq(prompts.teamId, values.teamId),
              eq(prompts.personId, values.personId),
              eq(prompts.month, values.month),
            ),
          ),
      );
    },

    async get(id: number): Promise<PromptRow | undefined> {
      const [row] = await db.select(promptColumns).from(prompts).where(eq(prompts.id, id));
      return row;
    },

    /** The prompt a chat message is (a thread reply points at its parent message). */
    async byMessage(
      transport: ChatTransport,
      conversationId: string,
      messageId: string,
    ): Promise<PromptRow | undefined> {
      const [row] = await db
        .select(promptColumns)
        .from(prompts)
        .where(
          and(
            eq(prompts.transport, transport),
            eq(prompts.conversationId, conversationId),
            eq(prompts.messageId, messageId),
          ),
        );
      return row;
    },

    /** Where the prompt was posted, so replies in its thread find it. */
    async delivered(
      id: number,
      transport: ChatTransport,
      conversationId: string,
      messageId: string | null,
    ): Promise<void> {
      await db
        .update(prompts)
        .set({ transport, conversationId, messageId })
        .where(eq(prompts.id, id));
    },

    /** Records the first answer; later answers leave the first instant. */
    async answered(id: number, at: Date): Promise<void> {
      await db
        .update(prompts)
        .set({ answeredAt: sql`coalesce(${prompts.answeredAt}, ${at.toISOString()}::timestamptz)` })
        .where(eq(prompts.id, id));
    },

    /** How many monthly prompts a person got from `fromMonth` (yyyy-mm) on, and answered. */
    async participation(
      personId: number,
      fromMonth: string,
    ): Promise<{ asked: number; answered: number }> {
      const [row] = await db
        .select({
          asked: sql<number>`count(*)::int`,
          answered: sql<number>`count(${prompts.answeredAt})::int`,
        })
        .from(prompts)
        .where(and(eq(prompts.personId, personId), gte(prompts.month, fromMonth)));
      return { asked: Number(row?.asked ?? 0), answered: Number(row?.answered ?? 0) };
    },

    /** A person's unanswered prompts, newest first. */
    async openFor(personId: number): Promise<PromptRow[]> {
      return db
        .select(promptColumns)
        .from(prompts)
        .where(and(eq(prompts.personId, personId), isNull(prompts.answeredAt)))
        .orderBy(desc(prompts.dueAt), desc(prompts.id));
    },
  };
}

export type PromptStore = ReturnType<typeof createPromptStore>;
