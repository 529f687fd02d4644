import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { inboundEvents } from '../db/schema/index.ts';
import type { ChatTransport } from '../domain/transports.ts';

// Chats redeliver events they think were lost, and two instances may each receive a copy: the
// first to insert an event id handles it, every other copy is acknowledged and dropped.

export function createInboundEventStore(db: Db) {
  return {
    /** True for the first sight of the event, false for every redelivery. */
    async claim(transport: ChatTransport, eventId: string): Promise<boolean> {
      const rows = await db
        .insert(inboundEvents)
        .values({ transport, eventId })
        .onConflictDoNothing()
        .returning({ eventId: inboundEvents.eventId });
      return rows.length === 1;
    },

    /** Forgets one id: what it claimed was not done after all, so it may come again. */
    async release(transport: ChatTransport, eventId: string): Promise<void> {
      await db
        .delete(inboundEvents)
        .where(and(eq(inboundEvents.transport, transport), eq(inboundEvents.eventId, eventId)));
    },

    /** Forgets ids older than any redelivery can be (chats retry for minutes, not days). */
    async prune(before: Date): Promise<number> {
      const rows = await db
        .delete(inboundEvents)
        .where(lt(inboundEvents.receivedAt, before))
        .returning({ eventId: inboundEvents.eventId });
      return rows.length;
    },
  };
}

export type InboundEventStore = ReturnType<typeof createInboundEventStore>;
