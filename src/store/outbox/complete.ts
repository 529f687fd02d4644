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

    /** Nothing to send after all (a reminder whose prompt was answered meanwhile). */
    markSkipped: (claim: Claim, instanceId: string, reason: string) =>
      settle(db, claim, instanceId, { state: 'skipped', skipReason: reason }),
  };
}
