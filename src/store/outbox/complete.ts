import { and, eq, inArray, isNull } from 'drizzle-orm';
import { deliveries } from '../../db/schema/index.ts';
import type { OutboxContext } from './delivery.ts';
import { type Claim, settle } from './settle.ts';

export function completing({ db, clock }: OutboxContext) {
  return {
    /** Records a sent message; false when the claim was lost to another instance meanwhile. */
    markSent: (
      claim: Claim,
      instanceId: string,
      sent: { messageId: string; note?: string | undefined },
    ) =>
      settle(db, claim, instanceId, {
        state: 'sent',
        sentMessageId: sent.messageId,
        sentAt: clock.now(),
        lastError: null,
        ...(sent.note ? { note: sent.note } : {}),
      }),

    /**
     * The transport showed a message carrying this key (its own message, seen in an event): the
     * id is kept with a delivery not yet recorded as sent, so a retry after a lost response
     * knows it left without having to read the conversation's history.
     */
    async sawDelivered(key: string, messageId: string): Promise<boolean> {
      const rows = await db
        .update(deliveries)
        .set({ sentMessageId: messageId })
        .where(
          and(
            eq(deliveries.idempotencyKey, key),
            inArray(deliveries.state, ['pending', 'sending', 'failed']),
            isNull(deliveries.sentMessageId),
          ),
        )
        .returning({ id: deliveries.id });
      return rows.length > 0;
    },

    /** Nothing to send after all (a reminder whose prompt was answered meanwhile). */
    markSkipped: (claim: Claim, instanceId: string, reason: string) =>
      settle(db, claim, instanceId, { state: 'skipped', skipReason: reason }),
  };
}
