import { AdapterStartError } from '../../core/chat-adapter.ts';
import { UnknownPersonError } from '../../core/identity.ts';
import { BackupError } from '../../db/backup.ts';
import { DataDirLockedError } from '../../db/data-dir-lock.ts';
import { migratePgliteClient, openDatabase } from '../../db/database.ts';
import { EmbeddedDatabaseError } from '../../db/pglite-recovery.ts';
import { buildPgliteTemplate, DEFAULT_CACHE_DIR } from '../../db/pglite-template.ts';
import { importQuarterFile } from '../../formats/import/import-quarter.ts';
import { QuarterFileError } from '../../formats/import/quarter-file.ts';
import { isDiskFull } from '../../runtime/disk-full.ts';
import { PortInUseError } from '../../runtime/http-server.ts';
import { createLogger } from '../../runtime/logger.ts';
import { okrbotVersion } from '../../runtime/package-root.ts';
import { MediaWikiError } from '../../wiki/mediawiki-client.ts';
import { WikiPageError } from '../../wiki/publish-page.ts';
import { createBot, databaseOptions, type Frontends, startFrontends } from '../bot.ts';
import { ConfigError, describeConfig, loadConfig } from '../config/load-config.ts';
import { backupCommand, restoreCommand } from './backup-command.ts';
import { doctorCommand } from './doctor-command.ts';
import { ExportUsageError, exportCommand } from './export-command.ts';
import { deliveriesCommand, OperatorUsageError, runCommand } from './operator-commands.ts';
import { personCommand } from './person-command.ts';
import { listenForStopSignals } from './stop-signals.ts';
import { WikiUsageError, wikiCommand } from './wiki-command.ts';

const USAGE = `Usage: okrbot [command]

Commands:
  start            run the bot (the default); with no chat network configured, a chat in this terminal
  migrate          bring the database schema up to date and exit
  import FILE...   load quarter files: YAML (see seeds/README.md), or a wiki page or JSON file
                   from \`okrbot export\`; importing again changes nothing
  export CYCLE     a department's quarter as wikitext (the default), markdown, csv or json:
                   okrbot export "FY2019-20 Q1" [--format F] [--department D] [--output FILE]
                   [--as-of YYYY-MM-DD]
  prepare          build the cached empty database that new embedded data directories start from
                   (npm install runs it; okrbot works without it, only its first start is slower)
  run SCHEDULE [--department SLUG]... [--at ISO]
                   run a schedule now (prompt, digest, overdue or reminders) for one department
                   or all; messages already sent are never sent again; running bots send them
  deliveries [--why HANDLE]
                   what okrbot sent, skipped or failed to send (for one person, and why)
  person export HANDLE [--output FILE]
                   everything okrbot keeps about one person, as JSON (audited)
  person erase HANDLE [--remove-notes] --yes
                   erase a person: name, email and chat accounts removed, their history kept
                   as "A former member" (--remove-notes: without the notes they wrote); audited
  backup FILE      a consistent copy of the database: the embedded one's data directory (stop
                   okrbot first), or Postgres through pg_dump
  restore FILE     a backup into an empty data directory (OKRBOT_DATA_DIR) or an empty
                   Postgres database (DATABASE_URL, through pg_restore)
  doctor           the state of the database: where it is, its lock, what a killed process left,
                   whether it opens, its migrations and size; exit code 0 when nothing is wrong
  wiki publish CYCLE [--department D] [--dry-run]
                   write a department's quarter page on the wiki (WIKI_API_URL), reading
                   people's edits of it first
  wiki sync [--dry-run]
                   read people's edits of every page okrbot wrote, record them, and write the
                   merged pages back; --dry-run says what would change, both ways
  wiki removals [--confirm REF]... [--keep REF]...
                   goals people removed from a page, waiting for an admin's decision
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
      case 'export':
        return await exportCommand(rest, env);
      case 'prepare':
        return await prepare(env);
      case 'run':
        return await runCommand(rest, env);
      case 'deliveries':
        return await deliveriesCommand(rest, env);
      case 'backup':
        return await backupCommand(rest, env);
      case 'restore':
        return await restoreCommand(rest, env);
      case 'person':
        return await personCommand(rest, env);
      case 'doctor':
        return await doctorCommand(env);
      case 'wiki':
        return await wikiCommand(rest, env);
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      case '--version':
      case '-v':
        process.stdout.write(`${okrbotVersion()}\n`);
        return 0;
      default:
        process.stderr.write(`okrbot: unknown command "${command}"\n\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof OperatorUsageError) {
      process.stderr.write(`okrbot ${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ExportUsageError) {
      process.stderr.write(`okrbot export: ${error.message}\n`);
      return 2;
    }
    if (error instanceof WikiUsageError) {
      process.stderr.write(`okrbot wiki: ${error.message}\n`);
      return 2;
    }
    if (error instanceof BackupError) {
      process.stderr.write(`okrbot ${command}: ${error.message}\n`);
      return 1;
    }
    if (error instanceof WikiPageError || error instanceof MediaWikiError) {
      process.stderr.write(`okrbot wiki: ${error.message}\n`);
      return 1;
    }
    if (isDiskFull(error)) {
      // One line the operator can act on, not a stack with the SQL and its parameters.
      process.stderr.write(`okrbot: ${diskFullAdvice(env)}\n`);
      return 1;
    }
    if (
      error instanceof ConfigError ||
      error instanceof QuarterFileError ||
      error instanceof DataDirLockedError ||
      error instanceof EmbeddedDatabaseError ||
      error instanceof PortInUseError ||
      error instanceof AdapterStartError ||
      error instanceof UnknownPersonError
    ) {
      process.stderr.write(`okrbot: ${error.message}\n`);
      return error instanceof ConfigError ? 2 : 1;
    }
    throw error;
  }
}

/**
 * Runs the bot until SIGTERM or SIGINT, or until an adapter asks to stop (the local chat's input
 * ended or its operator quit); then stops the adapters and closes the database.
 */
async function start(env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  logger.debug({ config: describeConfig(config) }, 'configuration');
  const signals = listenForStopSignals(logger, config.stopTimeoutMs);
  try {
    const bot = await createBot(config, logger);
    signals.started();
    let frontends: Frontends | undefined;
    try {
      // A signal during start-up: the database is open and consistent; it is closed at once.
      if (!signals.requested) {
        frontends = await startFrontends(bot);
        await Promise.race([frontends.stopRequested, signals.signalled]);
        signals.stopping();
      }
    } finally {
      await frontends?.stop();
      await bot.stop();
    }
    logger.info('stopped cleanly');
    return 0;
  } finally {
    signals.stopped();
  }
}

function diskFullAdvice(env: NodeJS.ProcessEnv): string {
  return env.DATABASE_URL
    ? "the database server's disk is full: Postgres could not write. Free some space on it, then try again."
    : `the disk is full: the embedded database in ${env.OKRBOT_DATA_DIR || './data'} could not be written. Free some space there (or set OKRBOT_DATA_DIR to a bigger disk), then start again.`;
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
      'okrbot import: name one or more quarter files, e.g. okrbot import seeds/fy2019-20-q1-technology.yaml or technology-fy2019-20-q1.wiki\n',
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
