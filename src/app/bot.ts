import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { createAnswerCache } from '../core/answer-cache.ts';
import { type Adapter, type ChatAdapter, isChatAdapter } from '../core/chat-adapter.ts';
import type { Services } from '../core/command.ts';
import { createDispatcher, type Dispatch } from '../core/dispatch.ts';
import { createRunningWork } from '../core/running-work.ts';
import { databaseNow } from '../db/clock.ts';
import { createDataVersion, type DataVersion } from '../db/data-version.ts';
import { type Database, type OpenOptions, openDatabase } from '../db/database.ts';
import { DEFAULT_CACHE_DIR } from '../db/pglite-template.ts';
import { departments } from '../db/schema/index.ts';
import type { FiscalSettings } from '../domain/fiscal-calendar.ts';
import { cycleAt, dayIn } from '../domain/fiscal-calendar.ts';
import { type ChatTransport, isChatTransport, type TransportId } from '../domain/transports.ts';
import { paths } from '../features/dashboard-paths.ts';
import type { Department } from '../features/lookups.ts';
import { startHousekeeping } from '../jobs/housekeeping.ts';
import { createOutboxHooks, type OutboxHooks } from '../jobs/outbox/outbox-hooks.ts';
import { createOutboxWorker, type OutboxWorker } from '../jobs/outbox/outbox-worker.ts';
import { createScheduler, type Scheduler } from '../jobs/scheduler/scheduler.ts';
import { type Clock, type OffsetClock, pinnedClock, startOffsetClock } from '../runtime/clock.ts';
import { createHttpServer, type HttpServer, PortInUseError } from '../runtime/http-server.ts';
import { createMetrics, type Metrics } from '../runtime/metrics.ts';
import { createAccessGuard, readersOnly } from '../web/access.ts';
import { featuredQuarter, registerDashboard } from '../web/dashboard/routes.ts';
import { registerOperations } from '../web/operations.ts';
import { publishesAfterDigest, type WikiConfig } from '../wiki/wiki-config.ts';
import { createWikiPublisher, type WikiPublisherOptions } from '../wiki/wiki-publisher.ts';
import { createAdapterContext } from './adapter-context.ts';
import type { Config } from './config/load-config.ts';
import { createServices } from './services.ts';
import { AVAILABLE_TRANSPORTS } from './transports.ts';

export interface Bot {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly services: Services;
  readonly dispatch: Dispatch;
  readonly fiscal: FiscalSettings;
  readonly metrics: Metrics;
  /** Moves when data answers are made of changes (in any process). */
  readonly version: DataVersion;
  /**
   * This process's one clock: the database's, read once and kept as an offset from the process
   * clock (refreshed every minute), so every instance agrees on send slots, leases and retries.
   * The outbox, housekeeping and every wait run on it.
   */
  readonly time: Clock;
  /**
   * What okrbot calls now (commands, the dashboard, due times): OKRBOT_NOW when pinned, else
   * `time`. A pin moves the calendar only: the outbox keeps pacing on `time`.
   */
  readonly clock: () => Date;
  /** Names this process in schedule runs and delivery claims (OKRBOT_INSTANCE_ID). */
  readonly instanceId: string;
  /** The scheduler (started by startFrontends when schedules should run; `okrbot run` uses it). */
  readonly scheduler: Scheduler;
  /**
   * What adapters tell the outbox (through their context): someone came online, so waiting
   * messages go at once.
   */
  readonly outbox: OutboxHooks;
  stop(): Promise<void>;
}

/** The composition root: opens the database, loads demo data when empty, wires the commands. */
export async function createBot(
  config: Config,
  logger: Logger,
  /** False for a process that only queues (`okrbot run`): it does not say it delivers. */
  { delivers = true }: { delivers?: boolean } = {},
): Promise<Bot> {
  const started = performance.now();
  const version = createDataVersion();
  const database = await openDatabase({
    ...databaseOptions(config, logger),
    onQuery: version.observe,
    announce: delivers ? configuredTransports(config) : [],
  });
  let time: OffsetClock | undefined;
  try {
    time = await startOffsetClock(() => databaseNow(database.db), {
      onRefreshError: (err) =>
        logger.warn({ err }, 'could not read the database clock; keeping the last offset'),
    });
    // Other processes' and instances' writes reach this one as notifications.
    await database.listenForChanges(version.bump);
    const fiscal = { startMonth: config.fiscalYearStartMonth };
    logger.debug(
      { ms: Math.round(performance.now() - started), database: database.location },
      'database ready',
    );
    if (config.demo) await loadDemoIfEmpty(database, fiscal, config.timeZone, logger);
    const metrics = createMetrics();
    const services = createServices(database.db, { metrics, clock: time });
    const calendar = config.now ? pinnedClock(config.now, time) : time;
    const clock = () => calendar.now();
    const dispatch = createDispatcher({
      services,
      clock,
      timeZone: config.timeZone,
      rules: { staleDays: config.staleDays },
      fiscal,
      logger,
      publicUrl: config.publicUrl,
      onCommand: (command, actor, seconds) =>
        metrics.commandSeconds.observe(seconds, { command, transport: actor.transport }),
      cache: createAnswerCache(version),
    });
    const instanceId = config.instanceId ?? `${hostname()}:${process.pid}`;
    const outbox = createOutboxHooks(services.outbox, logger);
    const scheduler = createScheduler({
      deps: {
        store: services,
        transports: configuredTransports(config),
        fiscal,
        rules: { staleDays: config.staleDays },
        publicUrl: config.publicUrl,
        logger,
      },
      instanceId,
      // Due times come from the database's clock, the same for every instance.
      clock: calendar,
      onQueued: outbox.queued,
      ...(config.wiki && {
        afterDigest: publishAfterDigest(config.wiki, {
          db: database.db,
          services,
          fiscal,
          taskUrl: config.taskUrl,
          clock,
          logger,
        }),
      }),
    });
    addSchedulerGauge(metrics, scheduler);
    await warnAboutUnknownAdmins(services, config.admins, logger);
    logger.info(
      { database: database.location, ms: Math.round(performance.now() - started) },
      'okrbot ready',
    );
    return {
      config,
      logger,
      database,
      services,
      dispatch,
      fiscal,
      metrics,
      version,
      time,
      clock,
      instanceId,
      scheduler,
      outbox,
      async stop() {
        time?.stop();
        await database.close();
      },
    };
  } catch (error) {
    time?.stop();
    await database.close();
    throw error;
  }
}

/**
 * After a department's weekly digest: its quarter page on the wiki, when WIKI_PUBLISH_AFTER_DIGEST
 * names it (people's edits read first, as `okrbot wiki publish` does).
 */
function publishAfterDigest(
  wiki: WikiConfig,
  parts: Omit<WikiPublisherOptions, 'config'> & { logger: Logger },
): (department: Department, due: Date) => Promise<void> {
  const publisher = createWikiPublisher({ config: wiki, ...parts });
  return async (department, due) => {
    if (!publishesAfterDigest(wiki, department.slug)) return;
    const quarter = cycleAt(due, parts.fiscal, department.timeZone);
    const report = await publisher.publish(department, quarter as Required<typeof quarter>);
    parts.logger.info(
      { department: department.slug, page: report.title, outcome: report.outcome },
      `wiki page ${report.outcome}: ${report.fromWiki.length} edits read from the wiki`,
    );
  };
}

/** The parts of a running bot that face the outside: the HTTP server and the adapters. */
export interface Frontends {
  /** Undefined when the local chat runs without it (its port was taken). */
  readonly http: HttpServer | undefined;
  /** The chat adapters (the ones messages go out on), in the order they started. */
  readonly adapters: readonly ChatAdapter[];
  /** Whether this process runs the schedules (`bot.scheduler.lastTickAt` says when it last ticked). */
  readonly scheduling: boolean;
  /** Resolves when an adapter asks okrbot to stop (the local chat ended). */
  readonly stopRequested: Promise<void>;
  /**
   * Stops taking work (no new connections, no claims), finishes what was taken (commands
   * acknowledged, the scheduler's tick, messages handed to an adapter) and gives back the
   * messages claimed but not sent, then stops the adapters and the HTTP server. Running commands
   * get most of OKRBOT_STOP_TIMEOUT; the database stays open for them (the bot's stop closes it).
   */
  stop(): Promise<void>;
}

/**
 * Starts the HTTP server (dashboard, /healthz, /metrics, and chat requests), the configured
 * adapters, the outbox worker that sends through the chat ones, and the scheduler; with no chat
 * transport configured the local chat is the way in.
 */
export async function startFrontends(bot: Bot): Promise<Frontends> {
  const { config, logger } = bot;
  const adapters: Adapter[] = [];
  const chatAdapters = () => adapters.filter(isChatAdapter);
  const chatTransports = configuredTransports(config);
  // With no chat transport nothing could be delivered: schedules wait for `okrbot run`.
  const scheduling =
    config.scheduler === 'on' || (config.scheduler === 'auto' && chatTransports.length > 0);
  let http: HttpServer | undefined = createHttpServer({
    port: config.http.port,
    host: config.http.host,
    logger,
  });
  // Slack's route (its adapter registers it) is outside these rules: its signature is its check.
  const access = createAccessGuard(config.http.access, logger);
  if (access.closed) logger.warn(`the dashboard's pages are closed: ${access.closed}`);
  registerOperations(http, {
    db: bot.database.db,
    metrics: bot.metrics,
    logger,
    adapters: chatAdapters,
    operator: access.operator,
    transports: chatTransports,
    ...(scheduling && { lastTick: () => bot.scheduler.lastTickAt }),
  });
  registerDashboard(readersOnly(http, access), {
    version: bot.version,
    services: bot.services,
    clock: bot.clock,
    fiscal: bot.fiscal,
    taskUrl: config.taskUrl,
  });
  let requestStop = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  // Made once the adapters exist: it sends through them.
  let worker: OutboxWorker | undefined;
  const work = createRunningWork(config.workLimit);
  const stopHousekeeping = startHousekeeping(bot.services, logger, bot.time);
  const stop = async () => {
    stopHousekeeping();
    http?.stopListening();
    const [finished] = await Promise.all([
      // Most of the stop's time, so the adapters and the database still close in it.
      work.settled(config.stopTimeoutMs * 0.75),
      bot.scheduler.stop(),
      worker?.stop(),
    ]);
    if (!finished) logger.warn({ running: work.size }, 'stopping with chat commands still running');
    for (const adapter of [...adapters].reverse())
      await adapter.stop().catch((err) => logger.warn({ err }, 'adapter did not stop cleanly'));
    await http?.close();
  };
  try {
    try {
      await announceDashboard(bot, await http.listen());
    } catch (error) {
      // A newcomer's `npm start` chat must not die because port 3000 is taken; a bot that
      // serves a chat network or is watched through /healthz must.
      if (!(error instanceof PortInUseError) || chatTransports.length > 0) throw error;
      logger.warn(`${error.message} Going on without the dashboard.`);
      http = undefined;
    }
    const parts = {
      services: bot.services,
      dispatch: bot.dispatch,
      admins: config.admins,
      logger,
      metrics: bot.metrics,
      clock: bot.clock,
      fiscal: bot.fiscal,
      publicUrl: config.publicUrl,
      dataVersion: bot.version,
      http,
      chatTransports,
      work,
      // Someone the outbox found offline is back: their messages go now.
      personOnline: (personId: number) => void bot.outbox.personOnline(personId),
      requestStop,
    };
    for (const transport of AVAILABLE_TRANSPORTS) {
      const context = createAdapterContext(transport.id, parts);
      const adapter = await transport.create(config.transports, context);
      if (adapter) adapters.push(adapter);
    }
    for (const adapter of chatAdapters()) await adapter.start();
    worker = createOutboxWorker({
      store: bot.services,
      adapters: chatAdapters(),
      hooks: bot.outbox,
      instanceId: bot.instanceId,
      clock: bot.time,
      rate: config.outbox.rate,
      targetIntervalMs: config.outbox.channelIntervalMs,
      leaseMs: config.outbox.leaseMs,
      logger,
      metrics: bot.metrics,
      crashAt: config.crashAt,
    });
    worker.start();
    if (scheduling) bot.scheduler.start();
    logger.info(
      { instance: bot.instanceId, transports: chatTransports, scheduling },
      scheduling ? 'scheduler and outbox running' : 'outbox running; schedules are off here',
    );
    // The local chat starts last: its prompt comes after the start-up logs, and its first line
    // may ask for anything the rest runs.
    for (const adapter of adapters.filter((a) => !isChatAdapter(a))) await adapter.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { http, adapters: chatAdapters(), scheduling, stopRequested, stop };
}

/** The transports messages can go out on: the configured chat transports. */
export function configuredTransports(config: Config): ChatTransport[] {
  return AVAILABLE_TRANSPORTS.filter((transport) => config.transports[transport.id] !== undefined)
    .map((transport): TransportId => transport.id)
    .filter(isChatTransport);
}

/** /metrics: when this instance's scheduler last ticked (the outbox's gauges are the HTTP server's). */
function addSchedulerGauge(metrics: Metrics, scheduler: Scheduler): void {
  metrics.gauge({
    name: 'okrbot_scheduler_last_tick_timestamp_seconds',
    help: 'When this instance last finished a scheduler tick (0: never)',
    read: async () => [{ value: (scheduler.lastTickAt?.getTime() ?? 0) / 1000 }],
  });
}

/** Says where the dashboard is, with each department's current quarter page (up to three). */
async function announceDashboard(bot: Bot, address: string): Promise<void> {
  const base = bot.config.publicUrl ?? address;
  const departments = (await bot.services.teams.departments()).slice(0, 3);
  const pages: string[] = [];
  for (const department of departments) {
    const cycles = await bot.services.quarter.cyclesOf(department.id);
    const featured = featuredQuarter(cycles, dayIn(bot.clock(), department.timeZone));
    if (featured)
      pages.push(
        `${department.name} ${featured.label}: ${base}${paths.cycle(department.slug, featured.label)}`,
      );
  }
  bot.logger.info(
    { address, ...(bot.config.publicUrl && { publicAddress: bot.config.publicUrl }) },
    `dashboard at ${base}/${pages.length ? ` (${pages.join(', ')})` : ''}`,
  );
}

/** How the configuration opens the database, for the bot and the one-shot subcommands alike. */
export function databaseOptions(config: Config, logger: Logger): OpenOptions {
  return {
    url: config.databaseUrl,
    dataDir: config.dataDir,
    cacheDir: config.cacheDir ?? DEFAULT_CACHE_DIR,
    logger,
    crashAt: config.crashAt,
    fsync: config.embeddedFsync,
  };
}

async function loadDemoIfEmpty(
  database: Database,
  fiscal: FiscalSettings,
  timeZone: string,
  logger: Logger,
): Promise<void> {
  const [any] = await database.db.select({ id: departments.id }).from(departments).limit(1);
  if (any) return;
  const started = performance.now();
  // The importer (and its YAML parser) loads only when there is something to import.
  const { importDemo } = await import('../formats/import/demo.ts');
  const results = await importDemo(database.db, { fiscal, defaultTimeZone: timeZone });
  for (const [file, summary] of results)
    logger.debug({ file, result: summary.describe() }, 'demo file imported');
  logger.info(
    { files: results.size, ms: Math.round(performance.now() - started) },
    'empty database: loaded the demo quarters from seeds/ (set OKRBOT_DEMO=0 to start empty)',
  );
}

/** A typo in OKRBOT_ADMINS would silently leave someone without rights: say so at start. */
async function warnAboutUnknownAdmins(
  services: Services,
  admins: readonly string[],
  logger: Logger,
): Promise<void> {
  if (admins.length === 0) return;
  const known = new Set(await services.people.handles());
  const unknown = admins.filter((handle) => !known.has(handle));
  if (unknown.length)
    logger.warn({ unknown }, 'OKRBOT_ADMINS names handles nobody has; check the spelling');
}
