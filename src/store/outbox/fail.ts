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

    /** A permanent failure (or one retried for too long): dead-lettered, never tried again. */
    markDead: (claim: Claim, instanceId: string, error: string) =>
      settle(db, claim, instanceId, { state: 'dead', lastError: error }),
  };
}
