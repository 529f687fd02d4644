import { and, eq } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/database.ts';
import { deliveries } from '../../db/schema/index.ts';
import type { DeliveryRow } from './delivery.ts';

/** Which claim of a delivery: its attempt number fences off a claim another instance took over. */
export type Claim = Pick<DeliveryRow, 'id' | 'attempts'>;

/**
 * Records the outcome of a claimed delivery, only while this claim still holds it (no other
 * instance took it over meanwhile); false when it no longer does.
 */
export async function settle(
  db: Db,
  claim: Claim,
  instanceId: string,
  values: PgUpdateSetSource<typeof deliveries>,
): Promise<boolean> {
  const rows = await db
    .update(deliveries)
    .set(values)
    .where(
      and(
        eq(deliveries.id, claim.id),
        eq(deliveries.state, 'sending'),
        eq(deliveries.claimedBy, instanceId),
        eq(deliveries.attempts, claim.attempts),
      ),
    )
    .returning({ id: deliveries.id });
  return rows.length > 0;
}
