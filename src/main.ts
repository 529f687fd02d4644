import type { Logger } from 'pino';
import { createCommandRegistry } from '../commands/index.ts';
import { createAnswerCache } from './chat/answer-cache.ts';
import type { Actor, Services } from './chat/command.ts';
import { createDispatcher, type Dispatch } from './chat/dispatch.ts';
import type { Config } from './config/load-config.ts';
import { createDataVersion, type DataVersion } from './db/data-version.ts';
import { type Database, type OpenOptions, openDatabase } from './db/database.ts';
import { DEFAULT_CACHE_DIR } from './db/pglite-template.ts';
import { departments } from './db/schema/index.ts';
import type { FiscalSettings } from './domain/fiscal-calendar.ts';
import { suggest } from './domain/text.ts';
import { createHttpServer, type HttpServer } from './http/server.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createStore } from './store/store.ts';
import type { ChatAdapter } from './transports/chat-adapter.ts';

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
  /** The clock every command and job reads: pinned by OKRBOT_NOW, else the system's. */
  readonly clock: () => Date;
  stop(): Promise<void>;
}

/** The composition root: opens the database, loads demo data when empty, wires the commands. */
export async function createBot(config: Config, logger: Logger): Promise<Bot> {
  const started = performance.now();
  const version = createDataVersion();
  const database = await openDatabase({
    ...databaseOptions(config, logger),
    onQuery: version.observe,
  });
  try {
    // Other processes' and instances' writes reach this one as notifications.
    await database.listenForChanges(version.bump);
    const fiscal = { startMonth: config.fiscalYearStartMonth };
    logger.debug(
      { ms: Math.round(performance.now() - started), database: database.location },
      'database ready',
    );
    if (config.demo) await loadDemoIfEmpty(database, fiscal, config.timeZone, logger);
    const services: Services = {
      ...createStore(database.db),
      registry: createCommandRegistry(),
    };
    const pinned = config.now;
    const clock = pinned ? () => new Date(pinned) : () => new Date();
    const metrics = createMetrics();
    const dispatch = createDispatcher({
      services,
      clock,
      timeZone: config.timeZone,
      rules: { staleDays: config.staleDays },
      fiscal,
      logger,
      onCommand: (command, actor, seconds) =>
        metrics.commandSeconds.observe(seconds, { command, transport: actor.transport }),
      cache: createAnswerCache(version),
    });
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
      clock,
      stop: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The parts of a running bot that face the outside: the HTTP server and the chat adapters. */
export interface Frontends {
  readonly http: HttpServer | undefined;
  readonly adapters: readonly ChatAdapter[];
  stop(): Promise<void>;
}

/**
 * Starts the configured chat adapters (and the HTTP server they need); none when Slack and IRC
 * are not configured, and the shell chat is the way in.
 */
export async function startFrontends(bot: Bot): Promise<Frontends> {
  const { config, logger } = bot;
  const adapters: ChatAdapter[] = [];
  const needsHttp = config.slack !== undefined && config.slack.appToken === undefined;
  const http = needsHttp
    ? createHttpServer({ port: config.http.port, host: config.http.host, logger })
    : undefined;
  const stop = async () => {
    for (const adapter of [...adapters].reverse())
      await adapter.stop().catch((err) => logger.warn({ err }, 'adapter did not stop cleanly'));
    await http?.close();
  };
  try {
    if (http) {
      // `address`, not `url`: the logger hides fields named url (they may hold passwords).
      const address = await http.listen();
      logger.info({ address }, 'HTTP server listening');
    }
    // Each adapter's libraries load only when it is configured: the shell starts without them.
    if (config.slack) {
      const { createSlackAdapter } = await import('./transports/slack/slack-adapter.ts');
      adapters.push(createSlackAdapter(bot, config.slack, http));
    }
    for (const adapter of adapters) await adapter.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { http, adapters, stop };
}

/** How the configuration opens the database, for the bot and the one-shot subcommands alike. */
export function databaseOptions(config: Config, logger: Logger): OpenOptions {
  return {
    url: config.databaseUrl,
    dataDir: config.dataDir,
    cacheDir: config.cacheDir ?? DEFAULT_CACHE_DIR,
    logger,
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
  const { importDemo } = await import('./import/demo.ts');
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

/** Thrown when OKRBOT_AS names nobody. */
export class UnknownPersonError extends Error {}

/** The shell's actor: the person OKRBOT_AS names, or the local operator. */
export async function shellActor(
  services: Services,
  actAs: string | undefined,
  admins: readonly string[] = [],
): Promise<Actor> {
  if (!actAs)
    return { person: undefined, isAdmin: true, transport: 'shell', label: 'local operator' };
  const person = await services.people.findByHandle(actAs);
  if (!person) {
    const close = suggest(actAs, await services.people.handles(), 3);
    throw new UnknownPersonError(
      `OKRBOT_AS=${actAs}: nobody has that handle.${close.length ? ` Did you mean ${close.join(', ')}?` : ''} Handles are names in lower case with dashes, e.g. nuria-ruiz.`,
    );
  }
  return {
    person,
    isAdmin: person.isAdmin || admins.includes(person.handle),
    transport: 'shell',
    label: person.handle,
  };
}
