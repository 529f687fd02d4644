import type { IncomingMessage } from 'node:http';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../core/chat-adapter.ts';
import type { Db } from '../db/database.ts';
import type { HttpServer } from '../runtime/http-server.ts';
import type { Metrics } from '../runtime/metrics.ts';
import { createDeliveryStatsStore, WAITING_STATES } from '../store/delivery-stats.ts';
import { refuse } from './access.ts';

// /healthz for load balancers and readiness probes: ready once the database answers and every
// configured chat adapter is connected with its routes mounted (503 before, during start-up
// too). Probes get the bare answer (its status code says it all); the detail is for operators.
// /livez for liveness probes and process supervisors: the process is serving HTTP, so
// restarting it would not help. /metrics for Prometheus, for operators.

export interface OperationsDeps {
  db: Db;
  metrics: Metrics;
  logger: Logger;
  /** The running chat adapters (read on each request: they may start after the server). */
  adapters: () => readonly ChatAdapter[];
  /** The chat transports configured: one without a running adapter is not ready yet. */
  transports?: readonly string[];
  /** When the scheduler last ticked, once there is one. */
  lastTick?: () => Date | undefined;
  /** Whether a request may read /metrics and the detail of /healthz (the access rules). */
  operator: (request: IncomingMessage) => boolean;
  /** How long the database may take to answer `select 1` before it counts as down. */
  databaseTimeoutMs?: number;
}

export interface Health {
  status: 'ok' | 'unhealthy';
  checks: {
    database: { ok: boolean; ms: number; error?: string };
    adapters: { transport: string; connected: boolean; detail: string; reconnects: number }[];
    scheduler?: { lastTick: string | null };
  };
}

const DEFAULT_DATABASE_TIMEOUT_MS = 2000;

/** Is the database answering, within a short timeout (a stalled connection is a failure)? */
async function checkDatabase(db: Db, timeoutMs: number): Promise<Health['checks']['database']> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const query = db.execute(sql`select 1`);
  // A query that outlives the timeout must not become an unhandled rejection later.
  query.catch(() => {});
  try {
    await Promise.race([
      query,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer to select 1 within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, ms: Math.round(performance.now() - started), error: message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(deps: OperationsDeps): Promise<Health> {
  const database = await checkDatabase(
    deps.db,
    deps.databaseTimeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS,
  );
  const running = deps.adapters();
  const adapters = [
    ...running.map((adapter) => ({ transport: adapter.transport, ...adapter.health() })),
    ...(deps.transports ?? [])
      .filter((transport) => !running.some((adapter) => adapter.transport === transport))
      .map((transport) => ({
        transport,
        connected: false,
        detail: 'starting: not connected yet',
        reconnects: 0,
      })),
  ];
  const healthy = database.ok && adapters.every((adapter) => adapter.connected);
  return {
    status: healthy ? 'ok' : 'unhealthy',
    checks: {
      database,
      adapters,
      ...(deps.lastTick && { scheduler: { lastTick: deps.lastTick()?.toISOString() ?? null } }),
    },
  };
}

/** The gauges read from the database and adapters when Prometheus scrapes. */
export function registerGauges(deps: OperationsDeps): void {
  const stats = createDeliveryStatsStore(deps.db);
  // A database that is down must not break the scrape: the counters still matter then.
  const counts = () =>
    stats.countsByState().catch((err) => {
      deps.logger.warn({ err }, '/metrics could not count the outbox');
      return undefined;
    });
  deps.metrics.gauge({
    name: 'okrbot_deliveries',
    help: 'Outbox messages by state',
    read: async () =>
      [...((await counts()) ?? [])].map(([state, value]) => ({ labels: { state }, value })),
  });
  deps.metrics.gauge({
    name: 'okrbot_outbox_depth',
    help: `Outbox messages waiting to be sent (${WAITING_STATES.join(', ')})`,
    read: async () => {
      const byState = await counts();
      if (!byState) return [];
      return [{ value: WAITING_STATES.reduce((sum, s) => sum + (byState.get(s) ?? 0), 0) }];
    },
  });
  deps.metrics.gauge({
    name: 'okrbot_adapter_connected',
    help: 'Whether each chat adapter is connected (1) or not (0)',
    read: async () =>
      deps.adapters().map((adapter) => ({
        labels: { transport: adapter.transport },
        value: adapter.health().connected ? 1 : 0,
      })),
  });
}

export function registerOperations(http: HttpServer, deps: OperationsDeps): void {
  registerGauges(deps);
  http.route(['GET', 'HEAD'], '/healthz', async (request, response) => {
    const health = await checkHealth(deps);
    response.writeHead(health.status === 'ok' ? 200 : 503, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    const shown = deps.operator(request) ? health : { status: health.status };
    response.end(`${JSON.stringify(shown, null, 2)}\n`);
  });
  http.route(['GET', 'HEAD'], '/livez', (_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end('{"status":"alive"}\n');
  });
  http.route(['GET', 'HEAD'], '/metrics', async (request, response) => {
    if (!deps.operator(request)) return refuse(response, true);
    const body = await deps.metrics.render();
    response.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(body);
  });
}
