import { sql } from 'drizzle-orm';
import type { OutboxContext } from './delivery.ts';
import { type Claim, settle } from './settle.ts';

export function releasing({ db }: OutboxContext) {
  return {
    /**
     * Gives back a claim that sent nothing (its instance is stopping): ready again at once for
     * any instance, with the attempt it took uncounted, so nobody waits out its lease.
     */
    release: (claim: Claim, instanceId: string) =>
      settle(db, claim, instanceId, {
        state: 'pending',
        claimedBy: null,
        claimedAt: null,
        attempts: sql`attempts - 1`,
      }),
  };
}
