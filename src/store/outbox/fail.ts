import { and, eq, inArray } from 'drizzle-orm';
import { deliveries } from '../../db/schema/index.ts';
import type { ChatTransport } from '../../domain/transports.ts';
import type { OutboxContext } from './delivery.ts';
import { type Claim, settle } from './settle.ts';

export function failing({ db, clock }: OutboxContext) {
  return {
    /** A transient failure: tried again after `retryInMs`. */
    markFailed: (claim: Claim, instanceId: string, error: string, retryInMs: number) =>
      settle(db, claim, instanceId, {
        state: 'failed',
        lastError: error,
        notBefore: new Date(clock.now().getTime() + retryInMs),
      }),

    /**
     * Everything waiting to go on a transport that can no longer send (the app was uninstalled):
     * dead-lettered with the reason, at once; how many.
     */
    async markTransportDead(transport: ChatTransport, reason: string): Promise<number> {
      const rows = await db
        .update(deliveries)
        .set({ state: 'dead', lastError: reason })
        .where(
          and(
            eq(deliveries.transport, transport),
            inArray(deliveries.state, ['pending', 'failed']),
          ),
        )
        .returning({ id: deliveries.id });
      return rows.length;
    },

    /** A permanent failure (or one retried for too long): dead-lettered, never tried again. */
    markDead: (claim: Claim, instanceId: string, error: string) =>
      settle(db, claim, instanceId, { state: 'dead', lastError: error }),
  };
}
