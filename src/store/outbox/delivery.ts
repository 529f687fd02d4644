import { sql } from 'drizzle-orm';
import type { Db } from '../../db/database.ts';
import type { deliveries } from '../../db/schema/index.ts';
import type { ChatTransport } from '../../domain/transports.ts';
import type { Reply } from '../../reply/document.ts';
import type { Clock } from '../../runtime/clock.ts';

// What every outbox operation shares: the delivery row as callers see it, and the context the
// operations run in. Every instant an operation writes or compares comes from the clock (the
// database's, shared by all instances; a test's own in tests), never from SQL's now().

export interface OutboxContext {
  db: Db;
  clock: Clock;
}

/** What a delivery carries, as stored with it. */
export type OutboundContent =
  /** Any reply document: digests, nudges, notices. */
  | { type: 'document'; reply: Reply }
  /** A monthly prompt (`reminder` 0 is the prompt itself); the adapter renders it natively. */
  | { type: 'prompt'; promptId: number; reminder: number };

export type DeliveryKind = 'prompt' | 'reminder' | 'digest' | 'nudge';

type DeliveryRecord = typeof deliveries.$inferSelect;

export type DeliveryState = DeliveryRecord['state'];

/** A delivery as the outbox hands it out: the table's row, its key and content named for callers. */
export type DeliveryRow = Omit<
  DeliveryRecord,
  'idempotencyKey' | 'payload' | 'kind' | 'workspace' | 'claimedAt'
> & {
  key: string;
  kind: DeliveryKind;
  transport: ChatTransport | null;
  content: OutboundContent;
};

/** An instant from the clock as an SQL value (both drivers read ISO text the same way). */
export const instant = (at: Date) => sql`${at.toISOString()}::timestamptz`;

export const seconds = (ms: number) => sql`make_interval(secs => ${ms / 1000})`;

/** Rows per statement: well under Postgres' 65,535 bind parameters. */
export const BATCH = 500;

/** The columns of `deliveries d` under DeliveryRow's names, for raw SQL. */
export const RAW_COLUMNS = sql`d.id, d.idempotency_key as key, d.kind, d.transport, d.target, d.person_id as "personId",
  d.payload as content, d.state, d.attempts, d.not_before as "notBefore", d.claimed_by as "claimedBy",
  d.last_error as "lastError", d.skip_reason as "skipReason", d.sent_message_id as "sentMessageId",
  d.sent_at as "sentAt", d.note, d.run_id as "runId", d.created_at as "createdAt"`;

/** A row as raw SQL returns it: instants may be text, the content as it was stored. */
export type RawDelivery = Omit<
  DeliveryRow,
  'notBefore' | 'sentAt' | 'createdAt' | 'content' | 'kind' | 'transport'
> & {
  kind: string;
  transport: string | null;
  notBefore: string | Date;
  sentAt: string | Date | null;
  createdAt: string | Date;
  content: unknown;
};

/** Rows from raw SQL or the query builder: instants as Dates, the text columns narrowed, the content revived. */
export function toDeliveryRow(row: RawDelivery): DeliveryRow {
  return {
    ...row,
    kind: row.kind as DeliveryKind,
    transport: row.transport as ChatTransport | null,
    content: reviveContent(row.content),
    notBefore: new Date(row.notBefore),
    sentAt: row.sentAt === null ? null : new Date(row.sentAt),
    createdAt: new Date(row.createdAt),
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
