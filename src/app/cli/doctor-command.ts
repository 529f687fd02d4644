import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { DataDirLockedError, type LockHolder, readLockHolder } from '../../db/data-dir-lock.ts';
import { connectDatabase, type Database } from '../../db/database.ts';
import { migrationStatus } from '../../db/migration-status.ts';
import {
  dataDirHolds,
  EmbeddedDatabaseError,
  findLeftovers,
  whatToDo,
} from '../../db/pglite-recovery.ts';
import { queryRows } from '../../db/rows.ts';
import { createLogger } from '../../runtime/logger.ts';
import { withTimeLimit } from '../../runtime/time-limit.ts';
import { type Config, loadConfig } from '../config/load-config.ts';

// `okrbot doctor`: the state of the database okrbot would use, for an operator after a crash or
// before a start. It opens the database the way a start does (so a directory a killed process
// left is repaired the same way, and the check means what a start would find) but applies no
// migrations and changes no data. Exit code 0: nothing stops okrbot from starting on it.

interface Finding {
  readonly label: string;
  readonly text: string;
  /** Set when this stops okrbot, or will: the exit code is then 1. */
  readonly problem?: boolean;
}

const POSTGRES_ANSWER_MS = 10_000;

export async function doctorCommand(env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const findings = config.databaseUrl
    ? await checkPostgres(config.databaseUrl, logger)
    : await checkDataDir(config, logger);
  const width = Math.max(...findings.map((finding) => finding.label.length));
  const problems = findings.filter((finding) => finding.problem);
  process.stdout.write(
    `${findings.map((f) => `${f.label.padEnd(width)}  ${f.text.replaceAll('\n', `\n${' '.repeat(width + 2)}`)}`).join('\n')}\n\n` +
      `${problems.length ? `Problems: ${problems.map((f) => f.label).join(', ')} (see above).` : 'No problems found.'}\n`,
  );
  return problems.length ? 1 : 0;
}

async function checkDataDir(config: Config, logger: Logger): Promise<Finding[]> {
  const dataDir = resolve(config.dataDir);
  const findings: Finding[] = [{ label: 'database', text: `embedded (PGlite) in ${dataDir}` }];
  if (!(await stat(dataDir).catch(() => undefined))?.isDirectory())
    return [...findings, { label: 'data directory', text: 'none yet: okrbot start creates it' }];
  const holder = await readLockHolder(dataDir);
  findings.push({ label: 'lock', text: await describeLock(holder) });
  const leftovers = await findLeftovers(dataDir);
  findings.push({
    label: 'leftovers',
    text: leftovers.length
      ? leftovers.map((leftover) => `${leftover.file}: ${leftover.found}`).join('\n')
      : 'none (the last process shut down cleanly)',
  });
  findings.push({ label: 'size', text: formatBytes(await directorySize(dataDir)) });
  if (holder?.alive) return [...findings, { label: 'opens', text: inUse(holder.pid) }];
  const holds = await dataDirHolds(dataDir);
  if (holds === 'nothing')
    return [...findings, { label: 'opens', text: 'no database yet: okrbot start creates it' }];
  const started = performance.now();
  let database: Database;
  try {
    database = await connectDatabase({ url: undefined, dataDir, logger });
  } catch (error) {
    if (error instanceof DataDirLockedError)
      return [...findings, { label: 'opens', text: inUse(error.pid) }];
    if (error instanceof EmbeddedDatabaseError)
      return [
        ...findings,
        { label: 'opens', text: `no. ${error.summary}\n${whatToDo(dataDir)}`, problem: true },
      ];
    throw error;
  }
  try {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    findings.push({
      label: 'opens',
      text: `yes, in ${seconds} s${leftovers.length ? ' (after removing the leftovers above, as okrbot start does)' : ''}`,
    });
    findings.push(await checkSchema(database));
  } finally {
    await database.close();
  }
  return findings;
}

function inUse(pid: number): string {
  return `not checked: process ${pid} has the database open (the embedded database serves one process); stop it to check`;
}

async function describeLock(holder: LockHolder | undefined): Promise<string> {
  if (!holder) return 'free: no okrbot is using the directory';
  if (holder.alive) {
    const command = await readFile(`/proc/${holder.pid}/cmdline`, 'utf8').catch(() => '');
    const shown = command.replaceAll('\0', ' ').trim().slice(0, 80);
    return `held by process ${holder.pid}, which is running${shown ? ` (${shown})` : ''}`;
  }
  return holder.pid
    ? `okrbot.pid names process ${holder.pid}, which is not running: an okrbot was killed; the next start takes the lock over`
    : 'okrbot.pid is empty: an okrbot was killed as it started; the next start takes the lock over';
}

async function checkPostgres(url: string, logger: Logger): Promise<Finding[]> {
  const database = await connectDatabase({ url, dataDir: 'unused', logger });
  const findings: Finding[] = [{ label: 'database', text: database.location }];
  try {
    const started = performance.now();
    const [row] = await withTimeLimit(
      queryRows<{ version: string; size: string }>(
        database.db,
        sql`select version() as version, pg_database_size(current_database())::text as size`,
      ),
      POSTGRES_ANSWER_MS,
      'the server',
    );
    const ms = Math.round(performance.now() - started);
    findings.push({
      label: 'reachable',
      text: `yes, in ${ms} ms: ${row?.version.split(' on ')[0] ?? 'unknown version'}`,
    });
    findings.push(await checkSchema(database));
    findings.push({ label: 'size', text: formatBytes(Number(row?.size ?? 0)) });
  } catch (error) {
    // Drizzle wraps the driver's error ("Failed query: ..."); the driver's says what failed.
    const { cause } = error as Error;
    const reason = cause instanceof Error ? cause.message : (error as Error).message;
    findings.push({
      label: 'reachable',
      text: `no: ${reason}. Check that the server runs, that DATABASE_URL names it (host, port, database, user) and that this machine may connect to it.`,
      problem: true,
    });
  } finally {
    await database.close();
  }
  return findings;
}

async function checkSchema(database: Database): Promise<Finding> {
  const { known, applied, unknown } = await migrationStatus(database.db);
  const counted = `${applied.length} of ${known.length} migrations applied${applied.length ? ` (latest ${applied.at(-1)})` : ''}`;
  if (unknown)
    return {
      label: 'schema',
      text: `${counted}, and ${unknown} this okrbot does not know: a newer okrbot has used this database. Run that version, or restore a backup made with this one.`,
      problem: true,
    };
  const pending = known.length - applied.length;
  return {
    label: 'schema',
    text: pending
      ? `${counted}; okrbot start (or okrbot migrate) applies the other ${pending}`
      : `${counted}: up to date`,
  };
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      total += (await stat(join(entry.parentPath, entry.name)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
