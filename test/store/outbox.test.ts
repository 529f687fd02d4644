import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/core/command.ts';
import { openDatabase } from '../../src/db/database.ts';
import { queryRows } from '../../src/db/rows.ts';
import { createOutboxHooks } from '../../src/jobs/outbox/outbox-hooks.ts';
import { paragraph, reply } from '../../src/reply/document.ts';
import type { NewDelivery } from '../../src/store/outbox/index.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { createManualClock, type ManualClock } from '../support/manual-clock.ts';
import { createRecordingAdapter, type RecordingAdapter } from '../support/recording-adapter.ts';
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

// Time is the test's: the outbox and its workers run on a manual clock, which moves only when a
// test advances it or a worker waits on it inside `clock.run`. Nothing here sleeps.

describe.each(drivers())('the outbox (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;
  let clock: ManualClock;
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
  beforeEach(async () => {
    await resetOperations(database.db);
    // The process's time to start with: rows other tables stamp with the database's now() agree.
    clock = createManualClock(new Date());
    services = servicesOf(database.db, clock);
  });

  /** A worker on the test's clock. */
  const worker = (adapter: RecordingAdapter, options: Parameters<typeof testWorker>[2] = {}) =>
    testWorker(services, [adapter], { clock, ...options });
  /** Sends everything that may go, moving the clock as far as pacing and pauses make it wait. */
  const drain = (draining: { drain(): Promise<void> }) => clock.run(draining.drain());
  const recording = (options: { keyCheck?: boolean } = {}) =>
    createRecordingAdapter('slack', { ...options, clock });

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
    const adapter = recording();
    await drain(worker(adapter));
    await drain(worker(adapter));
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
    const adapter = recording();
    adapter.deliver = async () => ({
      ok: true,
      messageId: '1700000000.000100',
      conversation: 'D0ANA',
    });
    await drain(worker(adapter));
    expect(await services.prompts.byMessage('slack', 'D0ANA', '1700000000.000100')).toMatchObject({
      id: prompt.id,
    });
    expect((await state('prompt:alpha:ana-one:2026-11'))?.note).toBeNull();
  });

  it('retries transient failures with backoff and dead-letters permanent ones', async () => {
    await services.outbox.enqueue([toChannel('retry'), toChannel('broken', 'C0BROKEN1')]);
    const adapter = recording();
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
    const retrying = worker(adapter, { retryBaseMs: 100 });
    await drain(retrying);
    expect(await state('retry')).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await state('broken')).toMatchObject({ state: 'dead', attempts: 1 });
    // Not before its backoff (100 ms, then 200, each ±20%).
    await clock.advance(50);
    await drain(retrying);
    expect(await state('retry')).toMatchObject({ state: 'failed', attempts: 1 });
    for (let i = 0; i < 10 && (await state('retry'))?.state !== 'sent'; i++) {
      await clock.advance(100);
      await drain(retrying);
    }
    expect(await state('retry')).toMatchObject({ state: 'sent', attempts: 3 });
    expect(adapter.keys()).toEqual(['retry']);
  });

  it('honours Retry-After for the whole transport, across instances', async () => {
    await services.outbox.enqueue([toChannel('first'), toChannel('second', 'C0CHANNEL2')]);
    const adapter = recording();
    adapter.failNext({ ok: false, retry: 'later', error: 'ratelimited', retryAfterMs: 1200 }, 1);
    const started = clock.now().getTime();
    const paused = worker(adapter, { retryBaseMs: 10 });
    await drain(paused);
    // Another instance, which never saw the 429, waits for the transport too.
    const other = worker(adapter, { instanceId: 'worker-2', retryBaseMs: 10 });
    for (let i = 0; i < 40 && adapter.sent.length < 2; i++) {
      await clock.advance(100);
      await drain(i % 2 ? paused : other);
    }
    expect(adapter.keys().sort()).toEqual(['first', 'second']);
    // Neither went out before the pause was over.
    for (const sent of adapter.sent) expect(sent.at - started).toBeGreaterThanOrEqual(1100);
  });

  it('gives up on a message still failing after three days', async () => {
    await services.outbox.enqueue([toChannel('old')]);
    await clock.advance(4 * 86_400_000);
    const adapter = recording();
    adapter.failNext({ ok: false, retry: 'later', error: 'fatal_error' }, 1);
    await drain(worker(adapter));
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
    const adapter = recording({ keyCheck: true });
    const survivor = worker(adapter, { leaseMs: 300 });
    await drain(survivor);
    expect(adapter.sent).toEqual([]);
    await clock.advance(299);
    await drain(survivor);
    expect(adapter.sent).toEqual([]);
    await clock.advance(2);
    await drain(survivor);
    expect(adapter.keys()).toEqual(['orphan']);
    expect(await state('orphan')).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('does not send again a message that left before its instance died: the key is checked', async () => {
    await services.outbox.enqueue([toChannel('left')]);
    const adapter = recording({ keyCheck: true });
    const delivery = await claimAndDie();
    await adapter.deliver({
      key: delivery.key,
      to: { kind: 'channel', channel: delivery.target },
      content: delivery.content,
    });
    await clock.advance(400);
    await drain(worker(adapter, { leaseMs: 300 }));
    expect(adapter.keys()).toEqual(['left']);
    expect(await state('left')).toMatchObject({
      state: 'sent',
      note: 'found already delivered after an interrupted attempt; not sent again',
    });
    // A transport that cannot check repeats that one message, and only it.
    await services.outbox.enqueue([toChannel('blind'), toChannel('other', 'C0OTHER01')]);
    const blind = recording();
    const lost = await claimAndDie();
    await blind.deliver({
      key: lost.key,
      to: { kind: 'channel', channel: lost.target },
      content: lost.content,
    });
    await clock.advance(400);
    await drain(testWorker(services, [blind], { clock, leaseMs: 300 }));
    expect(blind.keys().sort()).toEqual(['blind', 'blind', 'other']);
  });

  it('checks the key before retrying a send whose response was lost', async () => {
    await services.outbox.enqueue([toChannel('lost-response')]);
    const adapter = recording({ keyCheck: true });
    adapter.loseResponseOnce();
    const retrying = worker(adapter, { retryBaseMs: 50 });
    await drain(retrying);
    expect(await state('lost-response')).toMatchObject({ state: 'failed' });
    await clock.advance(150);
    await drain(retrying);
    expect(adapter.keys()).toEqual(['lost-response']);
    expect(await state('lost-response')).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('never sends blind when the check cannot tell: checks again, then gives up with the reason', async () => {
    await services.outbox.enqueue([toChannel('unreadable')]);
    const adapter = recording();
    let checks = 0;
    adapter.wasDelivered = async () => {
      checks++;
      throw new Error('Slack history unreadable (C0CHANNEL1: not_in_channel)');
    };
    adapter.loseResponseOnce();
    const retrying = worker(adapter, { retryBaseMs: 50 });
    await drain(retrying);
    for (let round = 0; round < 10 && (await state('unreadable'))?.state !== 'dead'; round++) {
      await clock.advance(60_000);
      await drain(retrying);
      if ((await state('unreadable'))?.state === 'failed')
        expect((await state('unreadable'))?.lastError).toContain(
          'could not check whether an earlier attempt already left (Slack history unreadable (C0CHANNEL1: not_in_channel)); checking again',
        );
    }
    expect(adapter.keys()).toEqual(['unreadable']);
    expect(checks).toBe(6);
    expect(await state('unreadable')).toMatchObject({
      state: 'dead',
      attempts: 7,
      lastError: expect.stringMatching(/^not sent again: could not check whether/),
    });
  });

  it('takes a message id seen for the key as delivered, and retries a refused post without a check', async () => {
    await services.outbox.enqueue([toChannel('seen')]);
    const adapter = recording();
    adapter.wasDelivered = async () => {
      throw new Error('history unreadable');
    };
    adapter.loseResponseOnce();
    const retrying = worker(adapter, { retryBaseMs: 50 });
    await drain(retrying);
    expect(await state('seen')).toMatchObject({ state: 'failed' });
    // The transport saw its own message with this key (a Slack event): the outbox keeps the id.
    expect(await services.outbox.sawDelivered('seen', 'm1')).toBe(true);
    await clock.advance(60_000);
    await drain(retrying);
    expect(adapter.keys()).toEqual(['seen']);
    expect(await state('seen')).toMatchObject({
      state: 'sent',
      sentMessageId: 'm1',
      note: 'found already delivered after an interrupted attempt; not sent again',
    });
    // A post the transport refused (a 429) certainly did not leave: sent again, no check needed.
    await services.outbox.enqueue([toChannel('refused')]);
    adapter.failNext({ ok: false, retry: 'later', error: 'rate limited', unsent: true });
    await drain(retrying);
    await clock.advance(60_000);
    await drain(retrying);
    expect(adapter.keys()).toEqual(['seen', 'refused']);
    expect(await state('refused')).toMatchObject({ state: 'sent' });
  });

  it('never lets an instance record over a claim another instance took over', async () => {
    await services.outbox.enqueue([toChannel('contested')]);
    const first = await claimAndDie();
    await clock.advance(2 * 60_000);
    const adapter = recording();
    await drain(worker(adapter));
    expect(await services.outbox.markSent(first, 'dead-instance', { messageId: 'stale' })).toBe(
      false,
    );
    expect(await state('contested')).toMatchObject({ state: 'sent', sentMessageId: 'm1' });
  });

  it('sends to a person who was offline as soon as the adapter says they came online', async () => {
    await services.outbox.enqueue([toPerson('to-ana', ana)]);
    const adapter = recording();
    adapter.offline.add(ana);
    const hooks = createOutboxHooks(services.outbox, silent);
    // The clock stands still (so no pacing either): only the adapter's word can make the
    // message go before its hour.
    const running = worker(adapter, {
      hooks,
      retryBaseMs: 60 * 60_000,
      rate: Number.POSITIVE_INFINITY,
    });
    running.start();
    try {
      await expect.poll(async () => (await state('to-ana'))?.state).toBe('failed');
      adapter.offline.delete(ana);
      await hooks.personOnline(ana);
      await expect.poll(() => adapter.keys()).toEqual(['to-ana']);
    } finally {
      await running.stop();
    }
  });

  it('retries what failed on a transport as soon as it reconnects', async () => {
    await services.outbox.enqueue([toChannel('while-down')]);
    const adapter = recording();
    adapter.failNext({ ok: false, retry: 'later', error: 'not connected' }, 1);
    const hooks = createOutboxHooks(services.outbox, silent);
    const retrying = worker(adapter, { hooks, retryBaseMs: 60 * 60_000 });
    await drain(retrying);
    expect(await state('while-down')).toMatchObject({ state: 'failed' });
    await hooks.transportReady('slack');
    await drain(retrying);
    expect(adapter.keys()).toEqual(['while-down']);
  });

  it('paces messages per channel and per transport, whichever instance sends', async () => {
    await services.outbox.enqueue([
      ...[1, 2, 3].map((n) => toChannel(`same:${n}`)),
      ...Array.from({ length: 20 }, (_, n) => toChannel(`spread:${n}`, `C0SPREAD${n}`)),
    ]);
    const adapter = recording();
    const options = { rate: 10, targetIntervalMs: 400 };
    await clock.run(
      Promise.all([
        worker(adapter, { ...options, instanceId: 'w1' }).drain(),
        worker(adapter, { ...options, instanceId: 'w2' }).drain(),
      ]),
    );
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

  // Several connections: Postgres only (defined there, not skipped elsewhere).
  if (driver === 'postgres') {
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
        // Real time: this one counts messages, not when they went.
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
