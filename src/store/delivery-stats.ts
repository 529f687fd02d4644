import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { queryRows } from '../db/rows.ts';
import { deliveryState } from '../db/schema/enums.ts';

export type DeliveryState = (typeof deliveryState.enumValues)[number];

/** Outbox rows still to be sent: new, being sent, or failed and waiting for a retry. */
export const WAITING_STATES: readonly DeliveryState[] = ['pending', 'sending', 'failed'];

export function createDeliveryStatsStore(db: Db) {
  return {
    /** How many outbox rows are in each state (every state, zero included). */
    async countsByState(): Promise<Map<DeliveryState, number>> {
      const rows = await queryRows<{ state: DeliveryState; count: number }>(
        db,
        sql`select state, count(*)::int as count from deliveries group by state`,
      );
      const counts = new Map<DeliveryState, number>(deliveryState.enumValues.map((s) => [s, 0]));
      for (const row of rows) counts.set(row.state, Number(row.count));
      return counts;
    },
  };
}
