import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { queryRows } from '../db/rows.ts';
import { deliveries, identities, outboxPace } from '../db/schema/index.ts';
import { paceKey } from '../domain/keys.ts';
import { type ChatTransport, isChatTransport } from '../domain/transports.ts';
import type { Reply } from '../reply/document.ts';

// The outbox: every outgoing message is first a row with an idempotency key, then sent once by
// a worker that claims it. Send slots are reserved in `outbox_pace`, so the rate limits hold for
// all instances together.

/** What a delivery carries, as stored with it. */
export type OutboundContent =
  /** Any reply document: digests, nudges, notices. */
  | { type: 'document'; reply: Reply }
  /** A monthly prompt (`reminder` 0 is the prompt itself); the adapter renders it natively. */
  | { type: 'prompt'; promptId: number; reminder: number };

export type DeliveryKind = 'prompt' | 'reminder' | 'digest' | 'nudge';
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed' | 'dead' | 'skipped';

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

export interface DeliveryRow {
  id: number;
  key: string;
  kind: DeliveryKind;
  transport: ChatTransport | null;
  target: string;
  personId: number | null;
  content: OutboundContent;
  state: DeliveryState;
  attempts: number;
  notBefore: Date;
  claimedBy: string | null;
  lastError: string | null;
  skipReason: string | null;
  sentMessageId: string | null;
  sentAt: Date | null;
  note: string | null;
  runId: number | null;
  createdAt: Date;
}

/** Which claim of a delivery: its attempt number fences off a claim another instance took over. */
export type Claim = Pick<DeliveryRow, 'id' | 'attempts'>;

/** A delivery claimed for sending, with the slot it may go out at. */
export interface Claimed {
  delivery: DeliveryRow;
  /** Milliseconds until its send slot (on the database clock). */
  waitMs: number;
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

const deliveryColumns = {
  id: deliveries.id,
  key: deliveries.idempotencyKey,
  kind: deliveries.kind,
  transport: deliveries.transport,
  target: deliveries.target,
  personId: deliveries.personId,
  content: deliveries.payload,
  state: deliveries.state,
  attempts: deliveries.attempts,
  notBefore: deliveries.notBefore,
  claimedBy: deliveries.claimedBy,
  lastError: deliveries.lastError,
  skipReason: deliveries.skipReason,
  sentMessageId: deliveries.sentMessageId,
  sentAt: deliveries.sentAt,
  note: deliveries.note,
  runId: deliveries.runId,
  createdAt: deliveries.createdAt,
};

const RAW_COLUMNS = sql`d.id, d.idempotency_key as key, d.kind, d.transport, d.target, d.person_id as "personId",
  d.payload as content, d.state, d.attempts, d.not_before as "notBefore", d.claimed_by as "claimedBy",
  d.last_error as "lastError", d.skip_reason as "skipReason", d.sent_message_id as "sentMessageId",
  d.sent_at as "sentAt", d.note, d.run_id as "runId", d.created_at as "createdAt"`;

type RawDelivery = Omit<DeliveryRow, 'notBefore' | 'sentAt' | 'createdAt' | 'content'> & {
  notBefore: string | Date;
  sentAt: string | Date | null;
  createdAt: string | Date;
  content: unknown;
};

/** Rows from raw SQL: instants as Dates, the content as it was stored. */
function fromRaw(row: RawDelivery): DeliveryRow {
  return {
    ...row,
    content: reviveContent(row.content),
    notBefore: new Date(row.notBefore),
    sentAt: row.sentAt === null ? null : new Date(row.sentAt),
    createdAt: new Date(row.createdAt),
  };
}

/** Rows from the query builder: the text columns narrowed, the content revived. */
function fromSelected(
  row: {
    [K in keyof DeliveryRow]: K extends 'kind'
      ? string
      : K extends 'transport'
        ? string | null
        : K extends 'content'
          ? unknown
          : DeliveryRow[K];
  },
): DeliveryRow {
  return {
    ...row,
    kind: row.kind as DeliveryKind,
    transport: row.transport as ChatTransport | null,
    content: reviveContent(row.content),
  };
}

/** JSON turned a reply's dates into strings; the renderers want Dates back. */
function reviveContent(stored: unknown): OutboundContent {
  const content = (typeof stored === 'string' ? JSON.parse(stored) : stored) as OutboundContent;
  if (content.type !== 'document') return content;
  const revive = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(revive);
    if (value && typeof value === 'object') {
      const entries = Object.entries(value).map(([k, v]) => [k, revive(v)] as const);
      const object = Object.fromEntries(entries) as Record<string, unknown>;
      if (object.kind === 'date' && typeof object.at === 'string') object.at = new Date(object.at);
      return object;
    }
    return value;
  };
  return { type: 'document', reply: revive(content.reply) as Reply };
}

const seconds = (ms: number) => sql`make_interval(secs => ${ms / 1000})`;

/** Thrown inside a claim's transaction to roll its slot reservation back. */
class NothingToClaim extends Error {}

/** Rows per insert statement: well under Postgres' 65,535 bind parameters. */
const BATCH = 500;

export function createOutboxStore(db: Db) {
  /**
   * Records the outcome of a claimed delivery, only while this claim still holds it (no other
   * instance took it over meanwhile); false when it no longer does.
   */
  const settle = async (
    claim: Claim,
    instanceId: string,
    values: Partial<Record<keyof typeof deliveries.$inferInsert, unknown>>,
  ): Promise<boolean> => {
    const rows = await db
      .update(deliveries)
      .set(values as typeof deliveries.$inferInsert)
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
  };

  /** Ready to go on a transport: pending or failed and due, or claimed by an instance that died. */
  const ready = (transport: ChatTransport, leaseMs: number) =>
    sql`d.transport = ${transport}
        and ((d.state in ('pending', 'failed') and d.not_before <= now())
             or (d.state = 'sending' and d.claimed_at < now() - ${seconds(leaseMs)}))`;

  const claimOn = async (
    transport: ChatTransport,
    options: ClaimOptions,
  ): Promise<Claimed | { waitMs: number } | undefined> => {
    const transportKey = paceKey.transport(transport);
    const interval = seconds(options.transportIntervalMs);
    await db
      .insert(outboxPace)
      .values({ key: transportKey, nextAt: sql`now()` })
      .onConflictDoNothing();
    try {
      return await db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        const [reserved] = await queryRows<{ slot: string | Date }>(
          t,
          sql`update outbox_pace set next_at = greatest(next_at, clock_timestamp() - ${seconds(options.burstMs)}) + ${interval}
              where key = ${transportKey} and next_at <= clock_timestamp() + ${seconds(options.lookaheadMs)}
              returning next_at - ${interval} as slot`,
        );
        if (!reserved) {
          const [pace] = await queryRows<{ waitMs: number }>(
            t,
            sql`select greatest(0, extract(epoch from next_at - clock_timestamp()) * 1000 - ${options.lookaheadMs})::float8 as "waitMs"
                from outbox_pace where key = ${transportKey}`,
          );
          const [any] = await queryRows<{ id: number }>(
            t,
            sql`select d.id from deliveries d where ${ready(transport, options.leaseMs)} limit 1`,
          );
          return any ? { waitMs: Number(pace?.waitMs ?? 0) } : undefined;
        }
        const slot = sql`${new Date(reserved.slot).toISOString()}::timestamptz`;
        const [candidate] = await queryRows<RawDelivery>(
          t,
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
          t,
          sql`insert into outbox_pace (key, next_at)
              values (${paceKey.target(transport, candidate.target)}, ${slot} + ${seconds(options.targetIntervalMs)})
              on conflict (key) do update set next_at = greatest(outbox_pace.next_at, ${slot}) + ${seconds(options.targetIntervalMs)}`,
        );
        const [claimed] = await queryRows<{ attempts: number; waitMs: number }>(
          t,
          sql`update deliveries set state = 'sending', claimed_by = ${options.instanceId},
                     claimed_at = now(), attempts = attempts + 1
              where id = ${candidate.id}
              returning attempts, greatest(0, extract(epoch from ${slot} - clock_timestamp()) * 1000)::float8 as "waitMs"`,
        );
        return {
          delivery: fromRaw({
            ...candidate,
            state: 'sending',
            attempts: claimed?.attempts ?? candidate.attempts + 1,
            claimedBy: options.instanceId,
          }),
          waitMs: Number(claimed?.waitMs ?? 0),
          retaken: candidate.state === 'sending',
        };
      });
    } catch (error) {
      if (!(error instanceof NothingToClaim)) throw error;
      // Ready deliveries whose destinations are all busy: wait for the first to be free.
      const [blocked] = await queryRows<{ waitMs: number | null }>(
        db,
        sql`select (extract(epoch from min(p.next_at) - clock_timestamp()) * 1000)::float8 as "waitMs"
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
     * Queues messages (and records skips) by idempotency key: a key already queued is left as it
     * is, except that a skip becomes a message when it is queued again with somewhere to go
     * (the person linked an account, came back, was reactivated).
     */
    async enqueue(
      rows: readonly NewDelivery[],
    ): Promise<Map<string, { id: number; state: DeliveryState; fresh: boolean }>> {
      const result = new Map<string, { id: number; state: DeliveryState; fresh: boolean }>();
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
              ...(row.notBefore ? { notBefore: row.notBefore } : {}),
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

    /**
     * Claims the next delivery that may go now on one of `transports`, with its send slot: the
     * transport's next free slot is reserved first (its row lock orders every instance's claims),
     * then a delivery whose destination is free by that slot is taken. Undefined when nothing is
     * ready; `{ waitMs }` when something is ready but must wait for its transport or destination.
     */
    async claim(options: ClaimOptions): Promise<Claimed | { waitMs: number } | undefined> {
      let wait: number | undefined;
      for (const transport of options.transports) {
        const claimed = await claimOn(transport, options);
        if (claimed && 'delivery' in claimed) return claimed;
        if (claimed) wait = Math.min(wait ?? claimed.waitMs, claimed.waitMs);
      }
      return wait === undefined ? undefined : { waitMs: wait };
    },

    /** Records a sent message; false when the claim was lost to another instance meanwhile. */
    markSent: (
      claim: Claim,
      instanceId: string,
      sent: { messageId: string; note?: string | undefined },
    ) =>
      settle(claim, instanceId, {
        state: 'sent',
        sentMessageId: sent.messageId,
        sentAt: sql`now()`,
        lastError: null,
        ...(sent.note ? { note: sent.note } : {}),
      }),

    /** A transient failure: tried again after `retryInMs`. */
    markFailed: (claim: Claim, instanceId: string, error: string, retryInMs: number) =>
      settle(claim, instanceId, {
        state: 'failed',
        lastError: error,
        notBefore: sql`now() + ${seconds(retryInMs)}`,
      }),

    /** A permanent failure (or one retried for too long): dead-lettered, never tried again. */
    markDead: (claim: Claim, instanceId: string, error: string) =>
      settle(claim, instanceId, { state: 'dead', lastError: error }),

    /** Nothing to send after all (a reminder whose prompt was answered meanwhile). */
    markSkipped: (claim: Claim, instanceId: string, reason: string) =>
      settle(claim, instanceId, { state: 'skipped', skipReason: reason }),

    /** Holds a transport's sending for `ms` (a rate limit's Retry-After), across instances. */
    async pauseTransport(transport: ChatTransport, ms: number): Promise<void> {
      await queryRows(
        db,
        sql`insert into outbox_pace (key, next_at) values (${paceKey.transport(transport)}, now() + ${seconds(ms)})
            on conflict (key) do update set next_at = greatest(outbox_pace.next_at, now() + ${seconds(ms)})`,
      );
    },

    /** Makes a person's waiting messages due now (they came online); how many. */
    async wakePerson(personId: number): Promise<number> {
      const rows = await db
        .update(deliveries)
        .set({ notBefore: sql`now()` })
        .where(and(eq(deliveries.personId, personId), eq(deliveries.state, 'failed')))
        .returning({ id: deliveries.id });
      return rows.length;
    },

    /** Makes the messages that failed on a transport due now (it reconnected); how many. */
    async wakeTransport(transport: ChatTransport): Promise<number> {
      const rows = await db
        .update(deliveries)
        .set({ notBefore: sql`now()` })
        .where(and(eq(deliveries.transport, transport), eq(deliveries.state, 'failed')))
        .returning({ id: deliveries.id });
      return rows.length;
    },

    /** Forgets destination slots that passed long ago (one row per destination ever paced). */
    async prunePace(): Promise<void> {
      await db
        .delete(outboxPace)
        .where(
          sql`${outboxPace.key} like 'target:%' and ${outboxPace.nextAt} < now() - interval '1 hour'`,
        );
    },

    /** The chat accounts of some people, by person, oldest link first. */
    async accounts(
      personIds: readonly number[],
    ): Promise<Map<number, { transport: ChatTransport; account: string }[]>> {
      const accounts = new Map<number, { transport: ChatTransport; account: string }[]>();
      for (let start = 0; start < personIds.length; start += BATCH) {
        const rows = await db
          .select({
            personId: identities.personId,
            transport: identities.transport,
            account: identities.externalId,
          })
          .from(identities)
          .where(inArray(identities.personId, personIds.slice(start, start + BATCH)))
          .orderBy(asc(identities.id));
        for (const { personId, transport, account } of rows)
          if (isChatTransport(transport))
            accounts.set(personId, [...(accounts.get(personId) ?? []), { transport, account }]);
      }
      return accounts;
    },

    async byKey(key: string): Promise<DeliveryRow | undefined> {
      const [row] = await db
        .select(deliveryColumns)
        .from(deliveries)
        .where(eq(deliveries.idempotencyKey, key));
      return row ? fromSelected(row) : undefined;
    },

    /** Deliveries to or about a person (and those of the prompts given in their place), newest first. */
    async forPerson(
      personId: number,
      promptKeys: readonly string[],
      limit: number,
    ): Promise<DeliveryRow[]> {
      const rows = await db
        .select(deliveryColumns)
        .from(deliveries)
        .where(
          or(
            eq(deliveries.personId, personId),
            promptKeys.length ? inArray(deliveries.idempotencyKey, [...promptKeys]) : sql`false`,
          ),
        )
        .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
        .limit(limit);
      return rows.map(fromSelected);
    },

    /** The latest deliveries in some states, newest first. */
    async latest(states: readonly DeliveryState[], limit: number): Promise<DeliveryRow[]> {
      const rows = await db
        .select(deliveryColumns)
        .from(deliveries)
        .where(inArray(deliveries.state, [...states]))
        .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
        .limit(limit);
      return rows.map(fromSelected);
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
