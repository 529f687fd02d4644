import type { Db } from '../../db/database.ts';
import type { Clock } from '../../runtime/clock.ts';
import { claiming } from './claim.ts';
import { completing } from './complete.ts';
import { enqueueing } from './enqueue.ts';
import { failing } from './fail.ts';
import { pacing } from './pace.ts';
import { reading } from './read.ts';
import { releasing } from './release.ts';
import { waking } from './wake.ts';

// The outbox: every outgoing message is first a row with an idempotency key, then sent once by
// a worker that claims it. Send slots are reserved in `outbox_pace`, so the rate limits hold for
// all instances together. One file per operation, as graphile-worker keeps its SQL.

export type { Claimed, ClaimOptions, ClaimWait } from './claim.ts';
export type {
  DeliveryKind,
  DeliveryRow,
  DeliveryState,
  OutboundContent,
} from './delivery.ts';
export type { Enqueued, NewDelivery } from './enqueue.ts';
export type { Claim } from './settle.ts';

/** The outbox over one database, reading every instant from `clock` (the database's, in okrbot). */
export function createOutboxStore(db: Db, clock: Clock) {
  const context = { db, clock };
  return {
    ...enqueueing(context),
    ...claiming(context),
    ...completing(context),
    ...failing(context),
    ...releasing(context),
    ...pacing(context),
    ...waking(context),
    ...reading(context),
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
