import { sql } from 'drizzle-orm';
import pino from 'pino';
import { createServices } from '../../src/app/services.ts';
import type { ChatAdapter } from '../../src/core/chat-adapter.ts';
import type { Services } from '../../src/core/command.ts';
import type { Db } from '../../src/db/database.ts';
import { queryRows } from '../../src/db/rows.ts';
import type { ChatTransport } from '../../src/domain/transports.ts';
import { importQuarter } from '../../src/formats/import/import-quarter.ts';
import { parseQuarterFile } from '../../src/formats/import/quarter-file.ts';
import { createOutboxHooks } from '../../src/jobs/outbox/outbox-hooks.ts';
import {
  createOutboxWorker,
  type OutboxWorker,
  type OutboxWorkerOptions,
} from '../../src/jobs/outbox/outbox-worker.ts';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler/scheduler.ts';
import { type Clock, systemClock } from '../../src/runtime/clock.ts';

// Helpers for scheduler and outbox tests: a small organisation from YAML, the services, and
// what ended up in the outbox.

export const fiscal = { startMonth: 7 };
export const silent = pino({ level: 'silent' });

/** The services over a database; the outbox on `clock` (the process's when none is given). */
export function servicesOf(db: Db, clock?: Clock): Services {
  return createServices(db, { ...(clock && { clock }) });
}

export async function importYaml(db: Db, yaml: string): Promise<void> {
  await importQuarter(db, parseQuarterFile(yaml, 'test.yaml'), 'test.yaml', {
    fiscal,
    defaultTimeZone: 'UTC',
  });
}

/** Links chat accounts: `[['nuria-ruiz', 'slack', 'U0NURIA01']]`. */
export async function link(
  services: Services,
  accounts: readonly (readonly [string, ChatTransport, string])[],
): Promise<void> {
  for (const [handle, transport, id] of accounts) {
    const person = await services.people.findByHandle(handle);
    if (!person) throw new Error(`no person ${handle}`);
    await services.admin.linkIdentity(person.id, transport, id, {
      personId: null,
      at: new Date(),
      source: 'shell',
    });
  }
}

export function testScheduler(
  services: Services,
  options: {
    instanceId?: string;
    transports?: ChatTransport[];
    runLeaseMs?: number;
    runRetryAfterMs?: number;
    /** For tests that start it; the others pass `now` to tick. */
    clock?: Clock;
  } = {},
): Scheduler {
  return createScheduler({
    deps: {
      store: services,
      transports: options.transports ?? ['slack', 'irc'],
      fiscal,
      rules: { staleDays: 35 },
      publicUrl: undefined,
      logger: silent,
    },
    instanceId: options.instanceId ?? 'test-1',
    clock: options.clock ?? {
      now() {
        throw new Error('tests pass `now` to tick');
      },
      sleep: systemClock.sleep,
    },
    ...(options.runLeaseMs === undefined ? {} : { runLeaseMs: options.runLeaseMs }),
    ...(options.runRetryAfterMs === undefined ? {} : { runRetryAfterMs: options.runRetryAfterMs }),
  });
}

export interface OutboxRow {
  key: string;
  kind: string;
  state: string;
  transport: string | null;
  target: string;
  handle: string | null;
  skipReason: string | null;
  note: string | null;
  notBefore: Date;
  sentMessageId: string | null;
  lastError: string | null;
  attempts: number;
}

export async function outboxRows(db: Db, kind?: string): Promise<OutboxRow[]> {
  return queryRows<OutboxRow>(
    db,
    sql`select d.idempotency_key as key, d.kind, d.state, d.transport, d.target, p.handle,
               d.skip_reason as "skipReason", d.note, d.not_before as "notBefore",
               d.sent_message_id as "sentMessageId", d.last_error as "lastError", d.attempts
        from deliveries d left join people p on p.id = d.person_id
        where ${kind === undefined ? sql`true` : sql`d.kind = ${kind}`}
        order by d.id`,
  );
}

export async function runRows(
  db: Db,
): Promise<{ key: string; dueAt: Date; state: string; detail: string | null; attempts: number }[]> {
  const rows = await queryRows<{
    key: string;
    dueAt: string | Date;
    state: string;
    detail: string | null;
    attempts: number;
  }>(
    db,
    sql`select schedule_key as key, due_at as "dueAt", state, detail, attempts from schedule_runs order by due_at, id`,
  );
  return rows.map((row) => ({ ...row, dueAt: new Date(row.dueAt) }));
}

/** Forgets every run, message, prompt and nudge: each test starts from the same organisation. */
export async function resetOperations(db: Db): Promise<void> {
  await queryRows(
    db,
    sql`truncate nudges, deliveries, schedule_runs, prompts, outbox_pace restart identity cascade`,
  );
}

/**
 * An outbox worker over recording adapters, fast retries, ready to `drain()`. Its clock must be
 * the one its services' outbox was made with (the process's by default).
 */
export function testWorker(
  services: Services,
  adapters: readonly ChatAdapter[],
  options: Partial<
    Pick<
      OutboxWorkerOptions,
      | 'instanceId'
      | 'rate'
      | 'targetIntervalMs'
      | 'leaseMs'
      | 'retryBaseMs'
      | 'hooks'
      | 'pollMs'
      | 'clock'
    >
  > = {},
): OutboxWorker {
  return createOutboxWorker({
    store: services,
    adapters,
    hooks: createOutboxHooks(services.outbox, silent),
    instanceId: 'worker-1',
    clock: systemClock,
    rate: 1000,
    targetIntervalMs: 0,
    leaseMs: 60_000,
    retryBaseMs: 50,
    logger: silent,
    ...options,
  });
}
