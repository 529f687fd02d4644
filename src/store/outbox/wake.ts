import { and, eq } from 'drizzle-orm';
import { deliveries } from '../../db/schema/index.ts';
import type { ChatTransport } from '../../domain/transports.ts';
import type { OutboxContext } from './delivery.ts';

export function waking({ db, clock }: OutboxContext) {
  return {
    /** Makes a person's waiting messages due now (they came online); how many. */
    async wakePerson(personId: number): Promise<number> {
      const rows = await db
        .update(deliveries)
        .set({ notBefore: clock.now() })
        .where(and(eq(deliveries.personId, personId), eq(deliveries.state, 'failed')))
        .returning({ id: deliveries.id });
      return rows.length;
    },

    /** Makes the messages that failed on a transport due now (it reconnected); how many. */
    async wakeTransport(transport: ChatTransport): Promise<number> {
      const rows = await db
        .update(deliveries)
        .set({ notBefore: clock.now() })
        .where(and(eq(deliveries.transport, transport), eq(deliveries.state, 'failed')))
        .returning({ id: deliveries.id });
      return rows.length;
    },
  };
}
