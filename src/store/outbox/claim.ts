import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import { outboxPace } from '../../db/schema/index.ts';
import { paceKey } from '../../domain/keys.ts';
import type { ChatTransport } from '../../domain/transports.ts';
import {
  type DeliveryRow,
  instant,
  type OutboxContext,
  RAW_COLUMNS,
  type RawDelivery,
  seconds,
  toDeliveryRow,
} from './delivery.ts';

// Claiming: the transport's next free send slot is reserved first (its row lock orders every
// instance's claims), then a ready delivery whose destination is free by that slot is taken.
// Each statement reads the clock when it is built, so a claim that waited for the lock judges
// slots by the time it got it.

/** A delivery claimed for sending, with the slot it may go out at. */
export interface Claimed {
  delivery: DeliveryRow;
  /**
   * When it may go out, on the clock: an instant rather than a wait, so time that passed while
   * the claim was answered is not waited for again.
   */
  slot: Date;
  /** It was claimed before by an instance that did not finish: it may have left already. */
  retaken: boolean;
}

export interface ClaimOptions {
  transports: readonly ChatTransport[];
  instanceId: string;
  /** A claim older than this was abandoned (its instance died) and is taken over. */
  leaseMs: number;
  /** Spacing of messages on one transport, across all instances. */
  transportIntervalMs: number;
  /** Spacing of messages to one channel or person. */
  targetIntervalMs: number;
  /** How far ahead of its send slot a delivery may be claimed. */
  lookaheadMs: number;
  /**
   * Slots left unused this long ago may still be taken (a token bucket's depth): a hiccup (an
   * instance dying with slots reserved, a stalled process) is made up for by a short burst, so
   * the rate holds on average. Destinations get no such burst.
   */
  burstMs: number;
}

/** Something is ready but must wait this long for its transport or destination. */
export type ClaimWait = { waitMs: number };

/** Thrown inside a claim's transaction to roll its slot reservation back. */
class NothingToClaim extends Error {}

export function claiming({ db, clock }: OutboxContext) {
  const now = () => instant(clock.now());

  /** Ready to go on a transport: pending or failed and due, or claimed by an instance that died. */
  const ready = (transport: ChatTransport, leaseMs: number) =>
    sql`d.transport = ${transport}
        and ((d.state in ('pending', 'failed') and d.not_before <= ${now()})
             or (d.state = 'sending' and d.claimed_at < ${now()} - ${seconds(leaseMs)}))`;

  const claimOn = async (
    transport: ChatTransport,
    options: ClaimOptions,
  ): Promise<Claimed | ClaimWait | undefined> => {
    const transportKey = paceKey.transport(transport);
    const interval = seconds(options.transportIntervalMs);
    await db
      .insert(outboxPace)
      .values({ key: transportKey, nextAt: clock.now() })
      .onConflictDoNothing();
    try {
      return await db.transaction(async (tx) => {
        const [reserved] = await queryRows<{ slot: string | Date }>(
          tx,
          sql`update outbox_pace set next_at = greatest(next_at, ${now()} - ${seconds(options.burstMs)}) + ${interval}
              where key = ${transportKey} and next_at <= ${now()} + ${seconds(options.lookaheadMs)}
              returning next_at - ${interval} as slot`,
        );
        if (!reserved) {
          const [pace] = await queryRows<{ waitMs: number }>(
            tx,
            sql`select greatest(0, extract(epoch from next_at - ${now()}) * 1000 - ${options.lookaheadMs})::float8 as "waitMs"
                from outbox_pace where key = ${transportKey}`,
          );
          const [any] = await queryRows<{ id: number }>(
            tx,
            sql`select d.id from deliveries d where ${ready(transport, options.leaseMs)} limit 1`,
          );
          return any ? { waitMs: Number(pace?.waitMs ?? 0) } : undefined;
        }
        const slotAt = new Date(reserved.slot);
        const slot = instant(slotAt);
        const [candidate] = await queryRows<RawDelivery>(
          tx,
          sql`select ${RAW_COLUMNS} from deliveries d
              where ${ready(transport, options.leaseMs)}
                and not exists (select 1 from outbox_pace p
                                where p.key = 'target:' || d.transport || ':' || d.target and p.next_at > ${slot})
              order by d.not_before, d.id
              limit 1
              for update of d skip locked`,
        );
        // Nothing can use the slot: give it back (the rollback undoes the reservation).
        if (!candidate) throw new NothingToClaim();
        await queryRows(
          tx,
          sql`insert into outbox_pace (key, next_at)
              values (${paceKey.target(transport, candidate.target)}, ${slot} + ${seconds(options.targetIntervalMs)})
              on conflict (key) do update set next_at = greatest(outbox_pace.next_at, ${slot}) + ${seconds(options.targetIntervalMs)}`,
        );
        const [claimed] = await queryRows<{ attempts: number }>(
          tx,
          sql`update deliveries set state = 'sending', claimed_by = ${options.instanceId},
                     claimed_at = ${now()}, attempts = attempts + 1
              where id = ${candidate.id}
              returning attempts`,
        );
        return {
          delivery: toDeliveryRow({
            ...candidate,
            state: 'sending',
            attempts: claimed?.attempts ?? candidate.attempts + 1,
            claimedBy: options.instanceId,
          }),
          slot: slotAt,
          retaken: candidate.state === 'sending',
        };
      });
    } catch (error) {
      if (!(error instanceof NothingToClaim)) throw error;
      // Ready deliveries whose destinations are all busy: wait for the first to be free.
      const [blocked] = await queryRows<{ waitMs: number | null }>(
        db,
        sql`select (extract(epoch from min(p.next_at) - ${now()}) * 1000)::float8 as "waitMs"
            from deliveries d join outbox_pace p on p.key = 'target:' || d.transport || ':' || d.target
            where ${ready(transport, options.leaseMs)}`,
      );
      return blocked?.waitMs === null || blocked?.waitMs === undefined
        ? undefined
        : { waitMs: Math.max(0, Number(blocked.waitMs)) };
    }
  };

  return {
    /**
     * Claims the next delivery that may go now on one of `transports`, with its send slot.
     * Undefined when nothing is ready; `{ waitMs }` when something is ready but must wait for
     * its transport or destination.
     */
    async claim(options: ClaimOptions): Promise<Claimed | ClaimWait | undefined> {
      let wait: number | undefined;
      for (const transport of options.transports) {
        const claimed = await claimOn(transport, options);
        if (claimed && 'delivery' in claimed) return claimed;
        if (claimed) wait = Math.min(wait ?? claimed.waitMs, claimed.waitMs);
      }
      return wait === undefined ? undefined : { waitMs: wait };
    },
  };
}
