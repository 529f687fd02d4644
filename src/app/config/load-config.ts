import { z } from 'zod';
import { isDay } from '../../domain/fiscal-calendar.ts';
import { isValidTimeZone } from '../../domain/time-zone.ts';
import { type Env, envProblems, readSection, redact } from '../../runtime/config-section.ts';
import { CRASH_POINTS, type CrashPoint } from '../../runtime/crash-point.ts';
import {
  flag,
  httpUrl,
  optionalText,
  positiveNumber,
  wholeNumber,
} from '../../runtime/env-fields.ts';
import { type AccessConfig, accessConfig } from '../../web/access-config.ts';
import { type WikiConfig, wikiConfig } from '../../wiki/wiki-config.ts';
import { AVAILABLE_TRANSPORTS, type TransportSettings } from '../transports.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.object({
  DATABASE_URL: optionalText.refine(
    (value) => value === undefined || /^postgres(ql)?:\/\//.test(value),
    {
      message: 'expected a postgres:// or postgresql:// connection URL',
    },
  ),
  OKRBOT_DATA_DIR: optionalText.transform((value) => value ?? './data'),
  OKRBOT_CACHE_DIR: optionalText,
  OKRBOT_EMBEDDED_FSYNC: flag(true),
  OKRBOT_TIMEZONE: optionalText
    .transform((value) => value ?? 'UTC')
    .refine(isValidTimeZone, {
      message: 'expected an IANA time zone such as UTC or Europe/Berlin',
    }),
  OKRBOT_FISCAL_YEAR_START: wholeNumber(
    1,
    12,
    7,
    'expected a month number from 1 (January) to 12 (December)',
  ),
  OKRBOT_DEMO: flag(true),
  OKRBOT_ADMINS: optionalText
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((handle) => handle.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine((handles) => handles.every((handle) => /^[a-z0-9][a-z0-9-]*$/.test(handle)), {
      message:
        'expected comma-separated handles such as nuria-ruiz,mark-bergsma (lower case, digits and dashes)',
    }),
  OKRBOT_STALE_DAYS: wholeNumber(1, 366, 35, 'expected a whole number of days from 1 to 366'),
  OKRBOT_NOW: optionalText.refine((value) => value === undefined || isIsoInstant(value), {
    message: 'expected an ISO 8601 instant such as 2019-08-28T12:00:00Z',
  }),
  OKRBOT_PUBLIC_URL: httpUrl(
    'expected the http(s) address people open the dashboard at, e.g. https://okr.example.org',
  ),
  OKRBOT_TASK_URL: httpUrl(
    'expected the http(s) address task ids are appended to, e.g. https://phabricator.wikimedia.org/',
    true,
  ).transform((value) => value ?? 'https://phabricator.wikimedia.org/'),
  PORT: wholeNumber(0, 65535, 3000, 'expected a TCP port from 1 to 65535 (0 picks a free one)'),
  HOST: optionalText,

  OKRBOT_INSTANCE_ID: optionalText.refine(
    (value) => value === undefined || /^[\w.:@/-]{1,100}$/.test(value),
    { message: 'expected a short name without spaces, such as okrbot-1 or host-a:1234' },
  ),
  OKRBOT_SCHEDULER: optionalText
    .transform((value) => value?.toLowerCase() ?? 'auto')
    .refine((value) => ['auto', 'on', 'off'].includes(value), {
      message: 'expected auto (run schedules when a chat transport is configured), on or off',
    }),
  OKRBOT_OUTBOX_RATE: positiveNumber(
    10,
    1000,
    'expected messages per second per transport, for all instances together (e.g. 10 or 0.5)',
  ),
  OKRBOT_OUTBOX_CHANNEL_INTERVAL: optionalText
    .transform((value) => (value === undefined ? 1 : Number(value)))
    .refine((value) => Number.isFinite(value) && value >= 0 && value <= 60, {
      message: 'expected seconds between two messages to one channel or person, from 0 to 60',
    }),
  OKRBOT_OUTBOX_LEASE: wholeNumber(
    1,
    3600,
    60,
    'expected seconds after which an unfinished send is taken over, from 1 to 3600',
  ),
  OKRBOT_STOP_TIMEOUT: wholeNumber(
    1,
    600,
    8,
    'expected seconds a stopping okrbot may take to finish its running work and close, from 1 to 600',
  ),
  OKRBOT_WORK_LIMIT: wholeNumber(
    1,
    100_000,
    100,
    'expected how many chat commands one instance works on at once before answering "busy" (e.g. 100)',
  ),
  OKRBOT_CRASH_AT: optionalText.refine(
    (value) => value === undefined || (CRASH_POINTS as readonly string[]).includes(value),
    { message: `expected ${CRASH_POINTS.join(', ')} (a test seam: leave it unset)` },
  ),

  LOG_LEVEL: optionalText
    .transform((value) => value?.toLowerCase() ?? 'info')
    .refine((value) => (LOG_LEVELS as readonly string[]).includes(value), {
      message: `expected one of ${LOG_LEVELS.join(', ')}`,
    }),
});

/** `2019-08-28T12:00:00Z`, `2019-08-28`: an ISO 8601 instant whose day exists as written. */
export function isIsoInstant(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
    value,
  );
  // Date.parse rolls 2019-02-31 over into March; the day must exist as written.
  return match !== null && isDay(match[1] as string) && !Number.isNaN(Date.parse(value));
}

export interface Config {
  /** Postgres connection URL; undefined means the embedded database. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Cache of the migrated empty embedded database; undefined means the default place. */
  readonly cacheDir: string | undefined;
  /** The embedded database's commits wait for the disk (fsync), not only for the kernel. */
  readonly embeddedFsync: boolean;
  readonly timeZone: string;
  readonly fiscalYearStartMonth: number;
  readonly demo: boolean;
  /** Handles of the people who may change anything and run the admin commands. */
  readonly admins: readonly string[];
  /** An open item with no update for longer than this many days is stale. */
  readonly staleDays: number;
  /** A pinned clock for demos and tests. */
  readonly now: Date | undefined;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** The HTTP server: chat requests, health, metrics and the dashboard. */
  readonly http: HttpConfig;
  /** Where people reach the dashboard; chat answers link to it when set. */
  readonly publicUrl: string | undefined;
  /** Task ids (`T208612`) are links to this address with the id appended. */
  readonly taskUrl: string;
  /** Each transport's own settings (see app/transports.ts); undefined where it is off. */
  readonly transports: TransportSettings;
  /** Names this process in schedule runs and delivery claims; undefined: host name and pid. */
  readonly instanceId: string | undefined;
  /** `auto`: schedules run when a chat transport is configured. */
  readonly scheduler: 'auto' | 'on' | 'off';
  readonly outbox: OutboxConfig;
  /**
   * How long a stop (SIGTERM, SIGINT) may take: running commands finish, claims are released,
   * adapters and the database close; past it the process exits 1.
   */
  readonly stopTimeoutMs: number;
  /** Chat commands one instance works on at once; beyond, a command is answered "busy". */
  readonly workLimit: number;
  /** Test seam: kill the process at this point (an outbox send, the database's start). */
  readonly crashAt: CrashPoint | undefined;
  /** Publishing the quarter pages to a MediaWiki; undefined when WIKI_API_URL is unset. */
  readonly wiki: WikiConfig | undefined;
}

export interface OutboxConfig {
  /** Messages per second on each transport, for all instances together. */
  readonly rate: number;
  /** Least time between two messages to one channel or person. */
  readonly channelIntervalMs: number;
  /** A send claimed longer ago than this is taken over by another instance. */
  readonly leaseMs: number;
}

export interface HttpConfig {
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Default: 127.0.0.1 for the shell demo, 0.0.0.0 when Slack or IRC is configured. */
  readonly host: string;
  /** Who may read the dashboard, /metrics and the detail of /healthz. */
  readonly access: AccessConfig;
}

/** Every variable that was wrong, each with what was expected. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`,
    );
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; pure, so tests pass their own env. */
export function loadConfig(env: Env): Config {
  const parsed = schema.safeParse(env);
  const base = parsed.success
    ? { databaseUrl: parsed.data.DATABASE_URL, dataDir: parsed.data.OKRBOT_DATA_DIR }
    : undefined;
  const transports = AVAILABLE_TRANSPORTS.map((transport) => ({
    id: transport.id,
    ...transport.read(env, base),
  }));
  const wiki = readSection(wikiConfig, env, base);
  // A chat network makes okrbot a service: its pages are then for others to reach.
  const serving = transports.some((t) => t.id !== 'shell' && t.settings !== undefined);
  const host = (parsed.success && parsed.data.HOST) || (serving ? '0.0.0.0' : '127.0.0.1');
  const accessBase = { serving, host };
  const access = readSection(accessConfig, env, accessBase);
  const problems = [
    ...(parsed.success ? [] : envProblems(parsed.error.issues, env)),
    ...transports.flatMap((transport) => transport.problems),
    ...wiki.problems,
    ...access.problems,
  ];
  if (!parsed.success || !access.settings || problems.length > 0) throw new ConfigError(problems);
  const value = parsed.data;
  return Object.freeze({
    databaseUrl: value.DATABASE_URL,
    dataDir: value.OKRBOT_DATA_DIR,
    cacheDir: value.OKRBOT_CACHE_DIR,
    embeddedFsync: value.OKRBOT_EMBEDDED_FSYNC,
    timeZone: value.OKRBOT_TIMEZONE,
    fiscalYearStartMonth: value.OKRBOT_FISCAL_YEAR_START,
    demo: value.OKRBOT_DEMO,
    admins: Object.freeze(value.OKRBOT_ADMINS),
    staleDays: value.OKRBOT_STALE_DAYS,
    now: value.OKRBOT_NOW ? new Date(value.OKRBOT_NOW) : undefined,
    logLevel: value.LOG_LEVEL as Config['logLevel'],
    http: Object.freeze({ port: value.PORT, host, access: access.settings }),
    publicUrl: value.OKRBOT_PUBLIC_URL?.replace(/\/+$/, ''),
    taskUrl: value.OKRBOT_TASK_URL,
    transports: Object.freeze(
      Object.fromEntries(transports.map(({ id, settings }) => [id, settings])),
    ) as TransportSettings,
    instanceId: value.OKRBOT_INSTANCE_ID,
    scheduler: value.OKRBOT_SCHEDULER as Config['scheduler'],
    outbox: Object.freeze({
      rate: value.OKRBOT_OUTBOX_RATE,
      channelIntervalMs: value.OKRBOT_OUTBOX_CHANNEL_INTERVAL * 1000,
      leaseMs: value.OKRBOT_OUTBOX_LEASE * 1000,
    }),
    stopTimeoutMs: value.OKRBOT_STOP_TIMEOUT * 1000,
    workLimit: value.OKRBOT_WORK_LIMIT,
    crashAt: value.OKRBOT_CRASH_AT as CrashPoint | undefined,
    wiki: wiki.settings,
  });
}

/** The configuration as it may be logged. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    database: config.databaseUrl
      ? redact(config.databaseUrl)
      : `embedded (${config.dataDir}${config.embeddedFsync ? '' : ', fsync off'})`,
    timeZone: config.timeZone,
    fiscalYearStartMonth: config.fiscalYearStartMonth,
    demo: config.demo,
    now: config.now?.toISOString() ?? '(system clock)',
    logLevel: config.logLevel,
    http: `${config.http.host}:${config.http.port}`,
    access: accessConfig.describe(config.http.access),
    publicUrl: config.publicUrl ?? '(none)',
    taskUrl: config.taskUrl,
    ...Object.fromEntries(
      AVAILABLE_TRANSPORTS.map((transport) => [
        transport.id,
        transport.describe(config.transports),
      ]),
    ),
    instanceId: config.instanceId ?? '(host name and process id)',
    scheduler: config.scheduler,
    outbox: {
      rate: config.outbox.rate,
      channelIntervalMs: config.outbox.channelIntervalMs,
      leaseMs: config.outbox.leaseMs,
    },
    stopTimeoutMs: config.stopTimeoutMs,
    workLimit: config.workLimit,
    ...(config.crashAt ? { crashAt: config.crashAt } : {}),
    wiki: config.wiki ? wikiConfig.describe(config.wiki) : '(off)',
  };
}
