import { z } from 'zod';
import { isDay } from '../domain/fiscal-calendar.ts';
import { isValidTimeZone } from '../domain/time-zone.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const flag = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      ctx.addIssue({
        code: 'custom',
        message: 'expected 1 or 0 (or true/false, on/off)',
      });
      return z.NEVER;
    });

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

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
  OKRBOT_FISCAL_YEAR_START: optionalText
    .transform((value) => (value === undefined ? 7 : Number(value)))
    .refine((value) => Number.isInteger(value) && value >= 1 && value <= 12, {
      message: 'expected a month number from 1 (January) to 12 (December)',
    }),
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
  OKRBOT_STALE_DAYS: optionalText
    .transform((value) => (value === undefined ? 35 : Number(value)))
    .refine((value) => Number.isInteger(value) && value >= 1 && value <= 366, {
      message: 'expected a whole number of days from 1 to 366',
    }),
  OKRBOT_NOW: optionalText.refine((value) => value === undefined || isIsoInstant(value), {
    message: 'expected an ISO 8601 instant such as 2019-08-28T12:00:00Z',
  }),
  LOG_LEVEL: optionalText
    .transform((value) => value?.toLowerCase() ?? 'info')
    .refine((value) => (LOG_LEVELS as readonly string[]).includes(value), {
      message: `expected one of ${LOG_LEVELS.join(', ')}`,
    }),
});

function isIsoInstant(value: string): boolean {
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
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const got = env[name];
        const shown = got === undefined ? '' : ` (got "${isSecret(name) ? redact(got) : got}")`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
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
  };
}
