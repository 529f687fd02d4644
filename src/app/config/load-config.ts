import { z } from 'zod';
import { isDay } from '../../domain/fiscal-calendar.ts';
import { isValidTimeZone } from '../../domain/time-zone.ts';
import { CRASH_POINTS, type CrashPoint } from '../../runtime/crash-point.ts';
import {
  flag,
  httpUrl,
  optionalText,
  positiveNumber,
  wholeNumber,
} from '../../runtime/env-fields.ts';
import { IRC_ACCOUNT, IRC_CHANNEL, IRC_NICK } from '../../transports/irc/names.ts';

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
  OKRBOT_AS: optionalText,
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
  HOST: optionalText.transform((value) => value ?? '0.0.0.0'),

  SLACK_BOT_TOKEN: optionalText.refine((value) => value === undefined || /^xoxb-/.test(value), {
    message: 'expected a bot token starting with xoxb- (OAuth & Permissions page of the app)',
  }),
  SLACK_SIGNING_SECRET: optionalText.refine(
    (value) => value === undefined || /^[0-9a-f]{16,}$/i.test(value),
    { message: 'expected the hexadecimal signing secret from the Basic Information page' },
  ),
  SLACK_APP_TOKEN: optionalText.refine((value) => value === undefined || /^xapp-/.test(value), {
    message: 'expected an app-level token starting with xapp- (for Socket Mode)',
  }),
  SLACK_API_URL: httpUrl('expected the http(s) base URL of the Slack Web API', true).transform(
    (value) => value ?? 'https://slack.com/api/',
  ),

  IRC_HOST: optionalText.refine(
    (value) => value === undefined || /^[A-Za-z0-9.:_-]+$/.test(value),
    {
      message: 'expected a host name or address such as irc.libera.chat',
    },
  ),
  IRC_PORT: wholeNumber(1, 65535, undefined, 'expected a TCP port from 1 to 65535'),
  IRC_TLS: flag(true),
  IRC_TLS_VERIFY: flag(true),
  IRC_NICK: optionalText
    .transform((value) => value ?? 'okrbot')
    .refine((value) => IRC_NICK.test(value), {
      message:
        'expected an IRC nick: letters, digits and []\\`_^{|}-, not starting with a digit or -',
    }),
  IRC_SASL_ACCOUNT: optionalText.refine((value) => value === undefined || IRC_ACCOUNT.test(value), {
    message: 'expected a services account name without spaces',
  }),
  IRC_SASL_PASSWORD: optionalText,
  IRC_CHANNELS: optionalText
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((channel) => channel.trim())
        .filter(Boolean),
    )
    .refine((channels) => channels.every((channel) => IRC_CHANNEL.test(channel)), {
      message: 'expected comma-separated channel names such as #okr,#analytics',
    }),
  IRC_FORMATTING: flag(true),
  IRC_FLOOD_BURST: wholeNumber(1, 100, 4, 'expected a whole number of lines from 1 to 100'),
  IRC_FLOOD_RATE: positiveNumber(
    1,
    100,
    'expected lines per second, a number above 0 (e.g. 1 or 0.5)',
  ),

  OKRBOT_INSTANCE_ID: optionalText.refine(
    (value) => value === undefined || /^[\w.:@/-]{1,100}$/.test(value),
    { message: 'expected a short name without spaces, such as okrbot-1 or host-a:1234' },
  ),
  OKRBOT_SCHEDULER: optionalText
    .transform((value) => value?.toLowerCase() ?? 'auto')
    .refine((value) => ['auto', 'on', 'off'].includes(value), {
      message: 'expected auto (run schedules when Slack or IRC is configured), on or off',
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

/** Settings that only make sense together; checked on the raw values, beside each variable's own check. */
function combinationProblems(env: Readonly<Record<string, string | undefined>>): string[] {
  const set = (name: string) => Boolean(env[name]?.trim());
  const problems: string[] = [];
  if (!set('SLACK_BOT_TOKEN')) {
    for (const name of ['SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'])
      if (set(name))
        problems.push(`${name}: is set but SLACK_BOT_TOKEN is not; Slack needs the bot token`);
  } else if (!set('SLACK_SIGNING_SECRET') && !set('SLACK_APP_TOKEN')) {
    problems.push(
      'SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN to verify requests (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (!set('IRC_HOST')) {
    for (const name of ['IRC_SASL_ACCOUNT', 'IRC_SASL_PASSWORD', 'IRC_CHANNELS'])
      if (set(name)) problems.push(`${name}: is set but IRC_HOST is not; IRC needs a server`);
  } else if (set('IRC_SASL_ACCOUNT') && !set('IRC_SASL_PASSWORD')) {
    problems.push('IRC_SASL_PASSWORD: is required with IRC_SASL_ACCOUNT to log in');
  }
  return problems;
}

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
  readonly timeZone: string;
  readonly fiscalYearStartMonth: number;
  readonly demo: boolean;
  /** Handle of the person the shell chat speaks as; undefined means the local operator. */
  readonly actAs: string | undefined;
  /** Handles of the people who may change anything and run the admin commands. */
  readonly admins: readonly string[];
  /** An open item with no update for longer than this many days is stale. */
  readonly staleDays: number;
  /** A pinned clock for demos and tests. */
  readonly now: Date | undefined;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** The HTTP server: Slack's requests, health, metrics and the dashboard. */
  readonly http: HttpConfig;
  /** Where people reach the dashboard; chat answers link to it when set. */
  readonly publicUrl: string | undefined;
  /** Task ids (`T208612`) are links to this address with the id appended. */
  readonly taskUrl: string;
  /** Set when SLACK_BOT_TOKEN is. */
  readonly slack: SlackConfig | undefined;
  /** Set when IRC_HOST is. */
  readonly irc: IrcConfig | undefined;
  /** Names this process in schedule runs and delivery claims; undefined: host name and pid. */
  readonly instanceId: string | undefined;
  /** `auto`: schedules run when a chat transport is configured. */
  readonly scheduler: 'auto' | 'on' | 'off';
  readonly outbox: OutboxConfig;
  /** Test seam: kill the process at this point (an outbox send, the database's start). */
  readonly crashAt: CrashPoint | undefined;
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
  readonly host: string;
}

export interface SlackConfig {
  readonly botToken: string;
  /** Verifies the HTTP receiver's requests; Socket Mode needs none. */
  readonly signingSecret: string | undefined;
  /** Set: Socket Mode, no public URL needed. */
  readonly appToken: string | undefined;
  /** Base of the Web API, ending in `/`. */
  readonly apiUrl: string;
}

export interface IrcConfig {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** Verify the server's certificate (on unless explicitly turned off). */
  readonly tlsVerify: boolean;
  readonly nick: string;
  /** SASL PLAIN login; with a password, a failed login stops the adapter. */
  readonly sasl: { readonly account: string; readonly password: string } | undefined;
  readonly channels: readonly string[];
  /** Bold headings and coloured status badges (mIRC codes); off: plain text. */
  readonly formatting: boolean;
  /** Flood control: lines sent at once, then lines per second. */
  readonly floodBurst: number;
  readonly floodRate: number;
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
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = schema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues).map((issue) => {
      const name = issue.path.join('.');
      const got = env[name];
      const shown = got === undefined ? '' : ` (got "${isSecret(name) ? redact(got) : got}")`;
      return `${name}: ${issue.message}${shown}`;
    }),
    ...combinationProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const value = parsed.data;
  return Object.freeze({
    databaseUrl: value.DATABASE_URL,
    dataDir: value.OKRBOT_DATA_DIR,
    cacheDir: value.OKRBOT_CACHE_DIR,
    timeZone: value.OKRBOT_TIMEZONE,
    fiscalYearStartMonth: value.OKRBOT_FISCAL_YEAR_START,
    demo: value.OKRBOT_DEMO,
    actAs: value.OKRBOT_AS,
    admins: Object.freeze(value.OKRBOT_ADMINS),
    staleDays: value.OKRBOT_STALE_DAYS,
    now: value.OKRBOT_NOW ? new Date(value.OKRBOT_NOW) : undefined,
    logLevel: value.LOG_LEVEL as Config['logLevel'],
    http: Object.freeze({ port: value.PORT, host: value.HOST }),
    publicUrl: value.OKRBOT_PUBLIC_URL?.replace(/\/+$/, ''),
    taskUrl: value.OKRBOT_TASK_URL,
    slack: value.SLACK_BOT_TOKEN
      ? Object.freeze({
          botToken: value.SLACK_BOT_TOKEN,
          signingSecret: value.SLACK_SIGNING_SECRET,
          appToken: value.SLACK_APP_TOKEN,
          apiUrl: value.SLACK_API_URL,
        })
      : undefined,
    irc: value.IRC_HOST
      ? Object.freeze({
          host: value.IRC_HOST,
          port: value.IRC_PORT ?? (value.IRC_TLS ? 6697 : 6667),
          tls: value.IRC_TLS,
          tlsVerify: value.IRC_TLS_VERIFY,
          nick: value.IRC_NICK,
          sasl: value.IRC_SASL_PASSWORD
            ? Object.freeze({
                account: value.IRC_SASL_ACCOUNT ?? value.IRC_NICK,
                password: value.IRC_SASL_PASSWORD,
              })
            : undefined,
          channels: Object.freeze(value.IRC_CHANNELS),
          formatting: value.IRC_FORMATTING,
          floodBurst: value.IRC_FLOOD_BURST,
          floodRate: value.IRC_FLOOD_RATE,
        })
      : undefined,
    instanceId: value.OKRBOT_INSTANCE_ID,
    scheduler: value.OKRBOT_SCHEDULER as Config['scheduler'],
    outbox: Object.freeze({
      rate: value.OKRBOT_OUTBOX_RATE,
      channelIntervalMs: value.OKRBOT_OUTBOX_CHANNEL_INTERVAL * 1000,
      leaseMs: value.OKRBOT_OUTBOX_LEASE * 1000,
    }),
    crashAt: value.OKRBOT_CRASH_AT as CrashPoint | undefined,
  });
}

function isSecret(name: string): boolean {
  return /URL|TOKEN|SECRET|PASSWORD/.test(name);
}

/** Hides passwords inside URLs and whole secrets; what stays is enough to tell which one it is. */
export function redact(value: string): string {
  if (/^[a-z]+:\/\//i.test(value)) return value.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  return value.length <= 4 ? '***' : `${value.slice(0, 4)}***`;
}

/** The configuration as it may be logged. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    database: config.databaseUrl ? redact(config.databaseUrl) : `embedded (${config.dataDir})`,
    timeZone: config.timeZone,
    fiscalYearStartMonth: config.fiscalYearStartMonth,
    demo: config.demo,
    actAs: config.actAs ?? '(operator)',
    now: config.now?.toISOString() ?? '(system clock)',
    logLevel: config.logLevel,
    http: `${config.http.host}:${config.http.port}`,
    publicUrl: config.publicUrl ?? '(none)',
    taskUrl: config.taskUrl,
    slack: config.slack
      ? {
          mode: config.slack.appToken ? 'socket' : 'http',
          apiUrl: config.slack.apiUrl,
          botToken: redact(config.slack.botToken),
        }
      : '(off)',
    irc: config.irc
      ? {
          server: `${config.irc.host}:${config.irc.port}${config.irc.tls ? ' (TLS)' : ''}`,
          nick: config.irc.nick,
          account: config.irc.sasl?.account ?? '(none)',
          channels: config.irc.channels,
        }
      : '(off)',
    instanceId: config.instanceId ?? '(host name and process id)',
    scheduler: config.scheduler,
    outbox: {
      rate: config.outbox.rate,
      channelIntervalMs: config.outbox.channelIntervalMs,
      leaseMs: config.outbox.leaseMs,
    },
    ...(config.crashAt ? { crashAt: config.crashAt } : {}),
  };
}
