import { asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { deliveries, identities } from '../../db/schema/index.ts';
import { type ChatTransport, isChatTransport } from '../../domain/transports.ts';
import {
  BATCH,
  type DeliveryRow,
  type DeliveryState,
  type OutboxContext,
  toDeliveryRow,
} from './delivery.ts';

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

export function reading({ db }: OutboxContext) {
  return {
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
      return row ? toDeliveryRow(row) : undefined;
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
      return rows.map(toDeliveryRow);
    },

    /** The latest deliveries in some states, newest first. */
    async latest(states: readonly DeliveryState[], limit: number): Promise<DeliveryRow[]> {
      const rows = await db
        .select(deliveryColumns)
        .from(deliveries)
        .where(inArray(deliveries.state, [...states]))
        .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
        .limit(limit);
      return rows.map(toDeliveryRow);
    },
  };
}
