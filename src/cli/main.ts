import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { deliveriesOverview, explainPerson } from '../chat/deliveries-report.ts';
import { ConfigError, describeConfig, isIsoInstant, loadConfig } from '../config/load-config.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { migratePgliteClient, openDatabase } from '../db/database.ts';
import { buildPgliteTemplate, DEFAULT_CACHE_DIR } from '../db/pglite-template.ts';
import { suggest } from '../domain/text.ts';
import { PortInUseError } from '../http/server.ts';
import { importQuarterFile } from '../import/import-quarter.ts';
import { QuarterFileError } from '../import/quarter-file.ts';
import { createLogger } from '../logger.ts';
import {
  configuredTransports,
  createBot,
  databaseOptions,
  shellActor,
  startFrontends,
  UnknownPersonError,
} from '../main.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { renderText } from '../reply/render-text.ts';
import { describeSummary } from '../scheduler/job-context.ts';
import { runShell } from '../transports/shell.ts';

const USAGE = `Usage: okrbot [command]

Commands:
  start            run the bot (the default); with no Slack or IRC configured, a chat in this terminal
  migrate          bring the database schema up to date and exit
  import FILE...   load quarter files (YAML, see seeds/README.md); importing again changes nothing
  prepare          build the cached empty database that new embedded data directories start from
                   (npm install runs it; okrbot works without it, only its first start is slower)
  run SCHEDULE [--department SLUG]... [--at ISO]
                   run a schedule now (prompt, digest, overdue or reminders) for one department
                   or all; messages already sent are never sent again; running bots send them
  deliveries [--why HANDLE]
                   what okrbot sent, skipped or failed to send (for one person, and why)
  help             this text

Configuration comes from the environment; see .env.example.`;

/** The okrbot command line; returns the exit code. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command = 'start', ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start(env);
      case 'migrate':
        return await migrate(env);
      case 'import':
        return await importFiles(rest, env);
      case 'prepare':
        return await prepare(env);
      case 'run':
        return await runSchedule(rest, env);
      case 'deliveries':
        return await deliveries(rest, env);
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      case '--version':
      case '-v':
        process.stdout.write(`${await version()}\n`);
        return 0;
      default:
        process.stderr.write(`okrbot: unknown command "${command}"\n\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`okrbot ${command}: ${error.message}\n`);
      return 2;
    }
    if (
      error instanceof ConfigError ||
      error instanceof QuarterFileError ||
      error instanceof DataDirLockedError ||
      error instanceof PortInUseError ||
      error instanceof UnknownPersonError
    ) {
      process.stderr.write(`okrbot: ${error.message}\n`);
      return error instanceof ConfigError ? 2 : 1;
    }
    throw error;
  }
}

async function start(env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  logger.debug({ config: describeConfig(config) }, 'configuration');
  const bot = await createBot(config, logger);
  try {
    const frontends = await startFrontends(bot);
    try {
      if (frontends.adapters.length > 0) {
        await stopSignal(logger);
        return 0;
      }
      // No Slack or IRC: the chat is this terminal (or the lines piped in).
      const actor = await shellActor(bot.services, config.actAs, config.admins);
      await runShell({
        dispatch: bot.dispatch,
        actor,
        input: process.stdin,
        output: process.stdout,
        historyFile: config.databaseUrl ? undefined : join(config.dataDir, 'shell_history'),
      });
      return 0;
    } finally {
      await frontends.stop();
    }
  } finally {
    await bot.stop();
  }
}

/** Resolves on SIGTERM or SIGINT, so the bot stops its adapters and closes the database. */
function stopSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

async function migrate(env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(databaseOptions(config, logger));
  await database.close();
  process.stdout.write(`Schema of ${database.location} is up to date.\n`);
  return 0;
}

async function prepare(env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig(env);
  const cacheDir = config.cacheDir ?? DEFAULT_CACHE_DIR;
  const started = performance.now();
  const { path, built } = await buildPgliteTemplate(cacheDir, migratePgliteClient);
  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  process.stdout.write(
    built
      ? `Built the database template ${path} in ${took}.\n`
      : `The database template is up to date: ${path}\n`,
  );
  return 0;
}

async function importFiles(files: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (files.length === 0) {
    process.stderr.write(
      'okrbot import: name one or more quarter files, e.g. okrbot import seeds/fy2019-20-q1-technology.yaml\n',
    );
    return 2;
  }
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(databaseOptions(config, logger));
  try {
    for (const file of files) {
      const summary = await importQuarterFile(database.db, file, {
        fiscal: { startMonth: config.fiscalYearStartMonth },
        defaultTimeZone: config.timeZone,
      });
      process.stdout.write(`${file}: ${summary.describe()}\n`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

/** A command line that cannot be run as written; exit code 2, like an unknown command. */
class UsageError extends Error {}

/** `--name value` and `--name=value` options, and the words that are not options. */
function parseOptions(
  args: readonly string[],
  known: readonly string[],
): { words: string[]; options: Map<string, string[]> } {
  const words: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s);
    if (!known.includes(name))
      throw new UsageError(
        `unknown option --${name} (known: ${known.map((k) => `--${k}`).join(', ')})`,
      );
    const value = inline ?? args[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { words, options };
}

const RUNNABLE = ['prompt', 'digest', 'overdue', 'reminders'] as const;

async function runSchedule(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { words, options } = parseOptions(args, ['department', 'at']);
  const [kind = '', ...extra] = words;
  if (!(RUNNABLE as readonly string[]).includes(kind) || extra.length)
    throw new UsageError(
      `name one schedule: ${RUNNABLE.join(', ')}; e.g. okrbot run digest --department technology`,
    );
  const at = options.get('at')?.at(-1);
  if (at !== undefined && !isIsoInstant(at))
    throw new UsageError(`--at ${at}: expected an ISO 8601 instant such as 2019-08-26T09:00:00Z`);
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const bot = await createBot(config, logger);
  try {
    const known = await bot.services.teams.departments();
    const wanted = options.get('department') ?? [];
    const departments: string[] = [];
    for (const name of wanted) {
      const found = await bot.services.teams.findDepartment(name);
      if (!found) {
        process.stderr.write(
          `okrbot run: no department "${name}" (there are: ${known.map((d) => d.slug).join(', ') || 'none'})\n`,
        );
        return 1;
      }
      departments.push(found.slug);
    }
    const results = await bot.scheduler.runNow(kind as (typeof RUNNABLE)[number], {
      departments,
      ...(at ? { at: new Date(at) } : {}),
    });
    for (const { department, summary } of results)
      process.stdout.write(
        `${kind} ${department || '(no departments)'}: ${describeSummary(summary)}\n`,
      );
    if (configuredTransports(config).length === 0)
      process.stdout.write(
        'No chat transport is configured (Slack or IRC), so every message to a person is recorded as skipped.\n',
      );
    else process.stdout.write('Queued messages are sent by the running okrbot instances.\n');
    return results.some((r) => r.summary.notes.some((n) => n.startsWith('failed'))) ? 1 : 0;
  } finally {
    await bot.stop();
  }
}

async function deliveries(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { words, options } = parseOptions(args, ['why']);
  if (words.length) throw new UsageError('usage: okrbot deliveries [--why HANDLE]');
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const bot = await createBot(config, logger);
  try {
    const now = bot.clock();
    const handle = options.get('why')?.at(-1);
    if (handle === undefined) {
      process.stdout.write(
        `${renderText(await deliveriesOverview(config.timeZone, bot.services))}\n`,
      );
      return 0;
    }
    const person = await bot.services.people.findByHandle(handle);
    if (!person) {
      const close = suggest(handle, await bot.services.people.handles(), 3);
      process.stderr.write(
        `okrbot deliveries: nobody has the handle "${handle}".${close.length ? ` Did you mean ${close.join(', ')}?` : ''}\n`,
      );
      return 1;
    }
    const story = await explainPerson(person, now, config.timeZone, bot.services);
    process.stdout.write(`${renderText(story)}\n`);
    return 0;
  } finally {
    await bot.stop();
  }
}

async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
