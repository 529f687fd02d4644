import { inArray, sql } from 'drizzle-orm';
import { deliveries } from '../../db/schema/index.ts';
import type { ChatTransport } from '../../domain/transports.ts';
import {
  BATCH,
  type DeliveryKind,
  type DeliveryState,
  type OutboundContent,
  type OutboxContext,
} from './delivery.ts';

export interface NewDelivery {
  key: string;
  kind: DeliveryKind;
  /** Null for a skipped delivery that had nowhere to go. */
  transport: ChatTransport | null;
  /** A channel id, or the person's account (the adapter resolves people itself). */
  target: string;
  /** Set for a message to a person. */
  personId: number | null;
  content: OutboundContent;
  /** Not before this instant (a prompt waiting for an away manager); default: now. */
  notBefore?: Date;
  /** Set to record a skip instead of a message: why nothing is sent. */
  skipReason?: string;
  note?: string;
  runId?: number | null;
}

export type Enqueued = Map<string, { id: number; state: DeliveryState; fresh: boolean }>;

export function enqueueing({ db, clock }: OutboxContext) {
  return {
    /**
     * Queues messages (and records skips) by idempotency key: a key already queued is left as it
     * is, except that a skip becomes a message when it is queued again with somewhere to go
     * (the person linked an account, came back, was reactivated).
     */
    async enqueue(rows: readonly NewDelivery[]): Promise<Enqueued> {
      const result: Enqueued = new Map();
      const now = clock.now();
      for (let start = 0; start < rows.length; start += BATCH) {
        const chunk = rows.slice(start, start + BATCH);
        const written = await db
          .insert(deliveries)
          .values(
            chunk.map((row) => ({
              idempotencyKey: row.key,
              kind: row.kind,
              transport: row.transport,
              target: row.target,
              personId: row.personId,
              payload: row.content,
              state: row.skipReason === undefined ? ('pending' as const) : ('skipped' as const),
              skipReason: row.skipReason ?? null,
              note: row.note ?? null,
              runId: row.runId ?? null,
              notBefore: row.notBefore ?? now,
              createdAt: now,
            })),
          )
          .onConflictDoUpdate({
            target: deliveries.idempotencyKey,
            set: {
              transport: sql`excluded.transport`,
              target: sql`excluded.target`,
              payload: sql`excluded.payload`,
              state: sql`excluded.state`,
              skipReason: sql`null`,
              note: sql`excluded.note`,
              runId: sql`excluded.run_id`,
              notBefore: sql`excluded.not_before`,
            },
            setWhere: sql`${deliveries.state} = 'skipped' and excluded.state = 'pending'`,
          })
          .returning({ key: deliveries.idempotencyKey });
        const fresh = new Set(written.map((row) => row.key));
        const all = await db
          .select({ id: deliveries.id, key: deliveries.idempotencyKey, state: deliveries.state })
          .from(deliveries)
          .where(
            inArray(
              deliveries.idempotencyKey,
              chunk.map((row) => row.key),
            ),
          );
        for (const row of all)
          result.set(row.key, { id: row.id, state: row.state, fresh: fresh.has(row.key) });
      }
      return result;
    },
  };
}
