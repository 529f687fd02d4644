import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/core/command.ts';
import { openDatabase } from '../../src/db/database.ts';
import { queryRows } from '../../src/db/rows.ts';
import { createOutboxHooks } from '../../src/jobs/outbox/outbox-hooks.ts';
import { paragraph, reply } from '../../src/reply/document.ts';
import type { NewDelivery } from '../../src/store/outbox.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { createRecordingAdapter } from '../support/recording-adapter.ts';
import {
  importYaml,
  link,
  outboxRows,
  resetOperations,
  servicesOf,
  silent,
  testWorker,
} from '../support/scheduling.ts';

const ORGANISATION = `
department: Tech
department_slug: tech
cycle: FY2026-27 Q2
teams:
  - name: Alpha
    managers: [Ana One, Ben Two]
    goals: [{ title: Ship it }]
`;

const document = (text: string) => ({ type: 'document', reply: reply(paragraph(text)) }) as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(drivers())('the outbox (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;
  let ana: number;
  let ben: number;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    services = servicesOf(database.db);
    await importYaml(database.db, ORGANISATION);
    await link(services, [
      ['ana-one', 'slack', 'U0ANA0001'],
      ['ben-two', 'slack', 'U0BEN0001'],
    ]);
    ana = (await services.people.findByHandle('ana-one'))?.id as number;
    ben = (await services.people.findByHandle('ben-two'))?.id as number;
  });
  afterAll(() => database?.close());
  beforeEach(() => resetOperations(database.db));

  const toChannel = (key: string, channel = 'C0CHANNEL1'): NewDelivery => ({
    key,
    kind: 'digest',
    transport: 'slack',
    target: channel,
    personId: null,
    content: document(key),
  });
  const toPerson = (key: string, personId: number): NewDelivery => ({
    key,
    kind: 'nudge',
    transport: 'slack',
    target: personId === ana ? 'U0ANA0001' : 'U0BEN0001',
    personId,
    content: document(key),
  });
  const state = async (key: string) =>
    (await outboxRows(database.db)).find((row) => row.key === key);

  it('sends each message once, to a person or a channel, and records its id', async () => {
    await services.outbox.enqueue([
      toPerson('n:1', ana),
      toPerson('n:2', ben),
      toChannel('d:1'),
      toChannel('d:2', 'C0CHANNEL2'),
    ]);
    const adapter = createRecordingAdapter('slack');
    await testWorker(services, [adapter]).drain();
    await testWorker(services, [adapter]).drain();
    expect(adapter.keys().sort()).toEqual(['d:1', 'd:2', 'n:1', 'n:2']);
    expect(adapter.sent.find((s) => s.key === 'n:1')?.message.to).toEqual({
      kind: 'person',
      personId: ana,
    });
    expect(adapter.sent.find((s) => s.key === 'd:2')?.message.to).toEqual({
      kind: 'channel',
      channel: 'C0CHANNEL2',
    });
    const rows = await outboxRows(database.db);
    expect(rows.every((r) => r.state === 'sent' && r.sentMessageId?.startsWith('m'))).toBe(true);
    // Queuing the same keys again changes nothing.
    const again = await services.outbox.enqueue([toPerson('n:1', ana), toChannel('d:1')]);
    expect([...again.values()].map((r) => [r.state, r.fresh])).toEqual([
      ['sent', false],
      ['sent', false],
    ]);
  });

  it('records where a prompt went, so replies in its thread find it', async () => {
    const [team] = await queryRows<{ id: number }>(database.db, sql`select id from teams`);
    const prompt = await services.prompts.ensure({
      teamId: team?.id as number,
      personId: ana,
      month: '2026-11',
      dueAt: new Date('2026-11-20T09:00:00Z'),
    });
    await services.outbox.enqueue([
      {
        key: 'prompt:alpha:ana-one:2026-11',
        kind: 'prompt',
        transport: 'slack',
        target: 'U0ANA0001',
        personId: ana,
        content: { type: 'prompt', promptId: prompt.id, reminder: 0 },
      },
    ]);
    const adapter = createRecordingAdapter('slack');
    adapter.deliver = async () => ({
      ok: true,
      messageId: '1700000000.000100',
      conversation: 'D0ANA',
    });
    await testWorker(services, [adapter]).drain();
    expect(await services.prompts.byMessage('slack', 'D0ANA', '1700000000.000100')).toMatchObject({
      id: prompt.id,
    });
    expect((await state('prompt:alpha:ana-one:2026-11'))?.note).toBeNull();
  });

  it('retries transient failures with backoff and dead-letters permanent ones', async () => {
    await services.outbox.enqueue([toChannel('retry'), toChannel('broken', 'C0BROKEN1')]);
    const adapter = createRecordingAdapter('slack');
    adapter.failNext(
      { ok: false, retry: 'later', error: 'ratelimited' },
      2,
      (m) => m.key === 'retry',
    );
    adapter.failNext(
      { ok: false, retry: 'never', error: 'channel_not_found' },
      1,
      (m) => m.key === 'broken',
    );
    const worker = testWorker(services, [adapter], { retryBaseMs: 100 });
    await worker.drain();
    expect(await state('retry')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await state('broken')).toMatchObject({ state: 'dead', attempts: 1 });
    for (let i = 0; i < 50 && (await state('retry'))?.state !== 'sent'; i++) {
      await sleep(100);
      await worker.drain();
    }
    expect(await state('retry')).toMatchObject({ state: 'sent', attempts: 3 });
    expect(adapter.keys()).toEqual(['retry']);
  });

  it('honours Retry-After for the whole transport, across instances', async () => {
    await services.outbox.enqueue([toChannel('first'), toChannel('second', 'C0CHANNEL2')]);
    const adapter = createRecordingAdapter('slack');
    adapter.failNext({ ok: false, retry: 'later', error: 'ratelimited', retryAfterMs: 1200 }, 1);
    const started = performance.now();
    const worker = testWorker(services, [adapter], { retryBaseMs: 10 });
    await worker.drain();
    for (let i = 0; i < 40 && adapter.sent.length < 2; i++) {
      await sleep(100);
      await worker.drain();
    }
    expect(adapter.keys().sort()).toEqual(['first', 'second']);
    // Neither went out before the pause was over.
    for (const sent of adapter.sent) expect(sent.at - started).toBeGreaterThanOrEqual(1100);
  });

  it('gives up on a message still failing after three days', async () => {
    await services.outbox.enqueue([toChannel('old')]);
    await queryRows(database.db, sql`update deliveries set created_at = now() - interval '4 days'`);
    const adapter = createRecordingAdapter('slack');
    adapter.failNext({ ok: false, retry: 'later', error: 'fatal_error' }, 1);
    await testWorker(services, [adapter]).drain();
    expect(await state('old')).toMatchObject({ state: 'dead' });
    expect((await services.outbox.byKey('old'))?.lastError).toBe(
      'gave up after 1 attempts: fatal_error',
    );
  });

  const claimAndDie = async () => {
    const claimed = await services.outbox.claim({
      transports: ['slack'],
      instanceId: 'dead-instance',
      leaseMs: 60_000,
      transportIntervalMs: 0,
      targetIntervalMs: 0,
      lookaheadMs: 1000,
      burstMs: 0,
    });
    if (!claimed || !('delivery' in claimed)) throw new Error('nothing claimed');
    return claimed.delivery;
  };

  it('takes over a message claimed by an instance that died before sending it, once', async () => {
    await services.outbox.enqueue([toChannel('orphan')]);
    await claimAndDie();
    const adapter = createRecordingAdapter('slack', { keyCheck: true });
    const worker = testWorker(services, [adapter], { leaseMs: 300 });
    await worker.drain();
    expect(adapter.sent).toEqual([]);
    await sleep(400);
    await worker.drain();
    expect(adapter.keys()).toEqual(['orphan']);
    expect(await state('orphan')).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('does not send again a message that left before its instance died: the key is checked', async () => {
    await services.outbox.enqueue([toChannel('left')]);
    const adapter = createRecordingAdapter('slack', { keyCheck: true });
    const delivery = await claimAndDie();
    await adapter.deliver({
      key: delivery.key,
      to: { kind: 'channel', channel: delivery.target },
      content: delivery.content,
    });
    await sleep(400);
    await testWorker(services, [adapter], { leaseMs: 300 }).drain();
    expect(adapter.keys()).toEqual(['left']);
    expect(await state('left')).toMatchObject({
      state: 'sent',
      note: 'found already delivered after an interrupted attempt; not sent again',
    });
    // A transport that cannot check repeats that one message, and only it.
    await services.outbox.enqueue([toChannel('blind'), toChannel('other', 'C0OTHER01')]);
    const blind = createRecordingAdapter('slack');
    const lost = await claimAndDie();
    await blind.deliver({
      key: lost.key,
      to: { kind: 'channel', channel: lost.target },
      content: lost.content,
    });
    await sleep(400);
    await testWorker(services, [blind], { leaseMs: 300 }).drain();
    expect(blind.keys().sort()).toEqual(['blind', 'blind', 'other']);
  });

  it('checks the key before retrying a send whose response was lost', async () => {
    await services.outbox.enqueue([toChannel('lost-response')]);
    const adapter = createRecordingAdapter('slack', { keyCheck: true });
    adapter.loseResponseOnce();
    const worker = testWorker(services, [adapter], { retryBaseMs: 50 });
    await worker.drain();
    expect(await state('lost-response')).toMatchObject({ state: 'failed' });
    await sleep(150);
    await worker.drain();
    expect(adapter.keys()).toEqual(['lost-response']);
    expect(await state('lost-response')).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('never lets an instance record over a claim another instance took over', async () => {
    await services.outbox.enqueue([toChannel('contested')]);
    const first = await claimAndDie();
    await queryRows(
      database.db,
      sql`update deliveries set claimed_at = now() - interval '2 minutes'`,
    );
    const adapter = createRecordingAdapter('slack');
    await testWorker(services, [adapter]).drain();
    expect(await services.outbox.markSent(first, 'dead-instance', { messageId: 'stale' })).toBe(
      false,
    );
    expect(await state('contested')).toMatchObject({ state: 'sent', sentMessageId: 'm1' });
  });

  it('sends to a person who was offline as soon as the adapter says they came online', async () => {
    await services.outbox.enqueue([toPerson('to-ana', ana)]);
    const adapter = createRecordingAdapter('slack');
    adapter.offline.add(ana);
    const hooks = createOutboxHooks(services.outbox, silent);
    const worker = testWorker(services, [adapter], { hooks, retryBaseMs: 60 * 60_000, pollMs: 20 });
    worker.start();
    try {
      for (let i = 0; i < 50 && (await state('to-ana'))?.state !== 'failed'; i++) await sleep(20);
      expect(await state('to-ana')).toMatchObject({ state: 'failed' });
      adapter.offline.delete(ana);
      await hooks.personOnline(ana);
      for (let i = 0; i < 100 && adapter.sent.length === 0; i++) await sleep(20);
      expect(adapter.keys()).toEqual(['to-ana']);
    } finally {
      await worker.stop();
    }
  });

  it('retries what failed on a transport as soon as it reconnects', async () => {
    await services.outbox.enqueue([toChannel('while-down')]);
    const adapter = createRecordingAdapter('slack');
    adapter.failNext({ ok: false, retry: 'later', error: 'not connected' }, 1);
    const hooks = createOutboxHooks(services.outbox, silent);
    const worker = testWorker(services, [adapter], { hooks, retryBaseMs: 60 * 60_000 });
    await worker.drain();
    expect(await state('while-down')).toMatchObject({ state: 'failed' });
    await hooks.transportReady('slack');
    await worker.drain();
    expect(adapter.keys()).toEqual(['while-down']);
  });

  // Timings and several connections: Postgres only (defined there, not skipped elsewhere).
  if (driver === 'postgres') {
    // On PGlite the database runs inside this process and holds up its timers while it works, so
    // sends can bunch behind their slots there; the slots themselves are the same on both.
    it('paces messages per channel and per transport, whichever instance sends', async () => {
      await services.outbox.enqueue([
        ...[1, 2, 3].map((n) => toChannel(`same:${n}`)),
        ...Array.from({ length: 20 }, (_, n) => toChannel(`spread:${n}`, `C0SPREAD${n}`)),
      ]);
      const adapter = createRecordingAdapter('slack');
      const options = { rate: 10, targetIntervalMs: 400 };
      await Promise.all([
        testWorker(services, [adapter], { ...options, instanceId: 'w1' }).drain(),
        testWorker(services, [adapter], { ...options, instanceId: 'w2' }).drain(),
      ]);
      expect(adapter.keys()).toHaveLength(23);
      const times = (prefix: string) =>
        adapter.sent.filter((s) => s.key.startsWith(prefix)).map((s) => s.at);
      const gaps = (values: number[]) => values.slice(1).map((v, i) => v - (values[i] as number));
      // Slots are exact; sends follow them within the latency of a claim.
      for (const gap of gaps(times('same:'))) expect(gap).toBeGreaterThanOrEqual(300);
      // 10 a second, of which at most a second's worth may be made up for in a burst.
      const all = adapter.sent.map((s) => s.at).sort((a, b) => a - b);
      expect((all.at(-1) as number) - (all[0] as number)).toBeGreaterThanOrEqual(
        ((23 - 1 - 10) / 10) * 1000,
      );
    });

    describe('with several instances on Postgres', () => {
      it('shares the work between three instances: every message exactly once', async () => {
        const count = 300;
        await services.outbox.enqueue(
          Array.from({ length: count }, (_, i) =>
            toChannel(`fan:${i}`, `C0FAN${String(i).padStart(4, '0')}`),
          ),
        );
        const pools = await Promise.all(
          [1, 2, 3].map(() => openDatabase({ url: database.url as string, dataDir: 'unused' })),
        );
        const adapter = createRecordingAdapter('slack');
        try {
          await Promise.all(
            pools.map((pool, i) =>
              testWorker(servicesOf(pool.db), [adapter], { instanceId: `i${i}` }).drain(),
            ),
          );
        } finally {
          await Promise.all(pools.map((pool) => pool.close()));
        }
        expect(adapter.keys()).toHaveLength(count);
        expect(new Set(adapter.keys()).size).toBe(count);
      });
    });
  }
});
