import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterHealth, ChatAdapter } from '../../src/core/chat-adapter.ts';
import { openDatabase } from '../../src/db/database.ts';
import { DEFAULT_CACHE_DIR } from '../../src/db/pglite-template.ts';
import { deliveries } from '../../src/db/schema/index.ts';
import { createMetrics } from '../../src/runtime/metrics.ts';
import { registerOperations } from '../../src/web/operations.ts';
import {
  createPostgresDatabase,
  createTestDatabase,
  drivers,
  dropPostgresDatabase,
  type TestDatabase,
} from '../support/databases.ts';
import { silentLogger, startTestServer } from '../support/http-fixture.ts';
import { parsePrometheusStrict } from '../support/prometheus-text.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

/** A chat adapter whose health the test sets. */
function fakeAdapter(transport: 'slack' | 'irc', health: AdapterHealth): ChatAdapter {
  return {
    transport,
    start: async () => {},
    stop: async () => {},
    health: () => health,
    deliver: async () => ({ ok: true, messageId: 'x' }),
  };
}

interface HealthBody {
  status: string;
  checks: {
    database: { ok: boolean; error?: string };
    adapters: { transport: string; connected: boolean; detail: string }[];
    scheduler?: { lastTick: string | null };
  };
}

async function health(url: string): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as HealthBody };
}

describe.each(drivers())('/healthz and /metrics (%s)', (driver) => {
  let database: TestDatabase;
  let server: { url: string; close(): Promise<void> };
  const metrics = createMetrics();
  const adapters: ChatAdapter[] = [];
  const tick = new Date('2019-08-28T12:05:00Z');

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    server = await startTestServer((http) =>
      registerOperations(http, {
        db: database.db,
        metrics,
        logger: silentLogger,
        adapters: () => adapters,
        operator: () => true,
        lastTick: () => tick,
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('is healthy with the database answering and every adapter connected, and shows the last tick', async () => {
    adapters.splice(
      0,
      adapters.length,
      fakeAdapter('irc', {
        connected: true,
        detail: 'connected to irc.test as okrbot',
        reconnects: 2,
      }),
    );
    const { status, body } = await health(server.url);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.adapters).toEqual([
      {
        transport: 'irc',
        connected: true,
        detail: 'connected to irc.test as okrbot',
        reconnects: 2,
      },
    ]);
    expect(body.checks.scheduler).toEqual({ lastTick: '2019-08-28T12:05:00.000Z' });
  });

  it('answers 503 while an adapter is disconnected', async () => {
    adapters.push(
      fakeAdapter('slack', {
        connected: false,
        detail: 'socket closed, reconnecting',
        reconnects: 5,
      }),
    );
    const { status, body } = await health(server.url);
    expect(status).toBe(503);
    expect(body.status).toBe('unhealthy');
    adapters.pop();
    expect((await health(server.url)).status).toBe(200);
  });

  it('serves Prometheus text a parser reads: counters, the latency histogram, outbox gauges', async () => {
    metrics.commandSeconds.observe(0.004, { command: 'status', transport: 'shell' });
    metrics.commandSeconds.observe(0.3, { command: 'status', transport: 'shell' });
    metrics.promptsSent.inc({ transport: 'irc' }, 3);
    metrics.repliesRecorded.inc({ transport: 'irc' });
    metrics.adapterReconnects.inc({ transport: 'irc' }, 2);
    const row = (key: string, state: 'pending' | 'sending' | 'sent' | 'failed' | 'dead') => ({
      idempotencyKey: key,
      kind: 'digest',
      transport: 'irc' as const,
      target: '#okr',
      payload: {},
      state,
    });
    await database.db
      .insert(deliveries)
      .values([
        row('a', 'pending'),
        row('b', 'pending'),
        row('c', 'sending'),
        row('d', 'failed'),
        row('e', 'sent'),
        row('f', 'dead'),
      ]);
    adapters.splice(
      0,
      adapters.length,
      fakeAdapter('irc', { connected: true, detail: 'ok', reconnects: 0 }),
    );

    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const families = parsePrometheusTextFormat(text);
    // The strict reader checks what the package does not: syntax of every line, complete and
    // cumulative histograms, no repeated series.
    const strict = parsePrometheusStrict(text);
    const latency = strict.get('okrbot_command_duration_seconds')?.samples ?? [];
    expect(latency.find((s) => s.name.endsWith('_count'))).toMatchObject({
      labels: { command: 'status', transport: 'shell' },
      value: 2,
    });
    const family = (name: string) => families.find((f) => f.name === name);
    const value = (name: string, labels: Record<string, string> = {}) =>
      Number(
        family(name)?.metrics.find((m) =>
          Object.entries(labels).every(
            ([k, v]) => (m as { labels?: Record<string, string> }).labels?.[k] === v,
          ),
        )?.value,
      );

    expect(family('okrbot_command_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(family('okrbot_command_duration_seconds')?.metrics[0]?.buckets).toMatchObject({
      '0.005': '1',
      '0.5': '2',
      '+Inf': '2',
    });
    expect(value('okrbot_prompts_sent_total', { transport: 'irc' })).toBe(3);
    expect(value('okrbot_replies_recorded_total', { transport: 'irc' })).toBe(1);
    expect(value('okrbot_adapter_reconnects_total', { transport: 'irc' })).toBe(2);
    expect(family('okrbot_deliveries')?.type).toBe('GAUGE');
    expect(value('okrbot_deliveries', { state: 'pending' })).toBe(2);
    expect(value('okrbot_deliveries', { state: 'sent' })).toBe(1);
    expect(value('okrbot_deliveries', { state: 'skipped' })).toBe(0);
    // Waiting to be sent: pending, sending, and failed awaiting a retry.
    expect(value('okrbot_outbox_depth')).toBe(4);
    expect(value('okrbot_adapter_connected', { transport: 'irc' })).toBe(1);
  });
});

describe('/healthz when the database stops', () => {
  it('turns 503 once the embedded database is closed', async () => {
    const database = await openDatabase({
      url: undefined,
      dataDir: 'memory://',
      cacheDir: DEFAULT_CACHE_DIR,
    });
    const server = await startTestServer((http) =>
      registerOperations(http, {
        db: database.db,
        metrics: createMetrics(),
        logger: silentLogger,
        adapters: () => [],
        operator: () => true,
      }),
    );
    try {
      expect((await health(server.url)).status).toBe(200);
      await database.close();
      const { status, body } = await health(server.url);
      expect(status).toBe(503);
      expect(body.checks.database.ok).toBe(false);
      // Prometheus still gets the counters; the outbox gauges are left out.
      const metrics = await fetch(`${server.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('# TYPE okrbot_command_duration_seconds histogram');
    } finally {
      await server.close();
    }
  });

  it.runIf(drivers().includes('postgres'))(
    'turns 503 when Postgres drops or stalls, and 200 again when it is back',
    async () => {
      const url = new URL(await createPostgresDatabase());
      const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
      const proxied = new URL(url);
      proxied.port = String(proxy.port);
      const database = await openDatabase({ url: proxied.toString(), dataDir: 'unused' });
      const server = await startTestServer((http) =>
        registerOperations(http, {
          db: database.db,
          metrics: createMetrics(),
          logger: silentLogger,
          adapters: () => [],
          operator: () => true,
          databaseTimeoutMs: 500,
        }),
      );
      try {
        expect((await health(server.url)).status).toBe(200);
        proxy.drop();
        const dropped = await health(server.url);
        expect(dropped.status).toBe(503);
        expect(dropped.body.checks.database.ok).toBe(false);

        proxy.restore();
        expect((await health(server.url)).status).toBe(200);

        // A hung server: the check gives up after its timeout rather than hanging with it.
        proxy.stall();
        const stalled = await health(server.url);
        expect(stalled.status).toBe(503);
        expect(stalled.body.checks.database.error).toContain('within 500 ms');

        proxy.drop();
        proxy.restore();
        expect((await health(server.url)).status).toBe(200);
      } finally {
        await server.close();
        proxy.drop();
        await database.close().catch(() => {});
        await proxy.close();
        await dropPostgresDatabase(url.toString());
      }
    },
  );
});
