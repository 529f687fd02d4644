import { stat } from 'node:fs/promises';
import {
  BackupError,
  backupKind,
  backupPostgres,
  restoreEmbedded,
  restorePostgres,
  writeBackup,
} from '../../db/backup.ts';
import { requestBackup } from '../../db/backup-socket.ts';
import { DataDirLockedError } from '../../db/data-dir-lock.ts';
import { connectDatabase, type Database } from '../../db/database.ts';
import { redact } from '../../runtime/config-section.ts';
import { createLogger } from '../../runtime/logger.ts';
import { databaseOptions } from '../bot.ts';
import { type Config, loadConfig } from '../config/load-config.ts';
import { OperatorUsageError } from './operator-commands.ts';

// `okrbot backup FILE` and `okrbot restore FILE`, for the database the configuration names.

export async function backupCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const file = oneFile(args, 'okrbot backup FILE');
  const config = loadConfig(env);
  if (config.databaseUrl) {
    await backupPostgres(config.databaseUrl, file);
    process.stdout.write(`Backed up ${redact(config.databaseUrl)} to ${file} (pg_dump).\n`);
    return 0;
  }
  const bytes = await dumpEmbedded(config);
  await writeBackup(bytes, file);
  process.stdout.write(
    `Backed up the embedded database in ${config.dataDir} to ${file} (${(bytes.length / 1e6).toFixed(1)} MB).\n`,
  );
  return 0;
}

/**
 * The embedded database's dump: taken here when no okrbot runs on it (opened as it is, no
 * migrations), else asked of the okrbot that holds it.
 */
async function dumpEmbedded(config: Config): Promise<Buffer> {
  let database: Database;
  try {
    database = await connectDatabase(databaseOptions(config, createLogger(config.logLevel)));
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    const bytes = await requestBackup(config.dataDir);
    if (!bytes) throw error;
    return bytes;
  }
  try {
    if (!database.dumpDataDir) throw new BackupError('this database is not the embedded one');
    return Buffer.from(await (await database.dumpDataDir()).arrayBuffer());
  } finally {
    await database.close();
  }
}

export async function restoreCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const file = oneFile(args, 'okrbot restore FILE');
  const config = loadConfig(env);
  await stat(file).catch(() => {
    throw new BackupError(`${file}: no such file`);
  });
  const kind = await backupKind(file);
  const wanted = config.databaseUrl ? 'postgres' : 'embedded';
  if (kind !== wanted)
    throw new BackupError(
      kind === undefined
        ? `${file} is not an okrbot backup (neither the embedded database's nor pg_dump's custom format)`
        : `${file} is a backup of ${kind === 'postgres' ? 'a Postgres database (pg_dump)' : 'the embedded database'}, and ${config.databaseUrl ? 'DATABASE_URL names Postgres' : 'DATABASE_URL is unset (the embedded database)'}: use the same kind, or export and import the quarters instead`,
    );
  if (config.databaseUrl) {
    await restorePostgres(config.databaseUrl, file);
    process.stdout.write(`Restored ${file} into ${redact(config.databaseUrl)}.\n`);
  } else {
    await restoreEmbedded(file, config.dataDir);
    process.stdout.write(
      `Restored ${file} into ${config.dataDir}; okrbot start opens it (and applies newer migrations).\n`,
    );
  }
  return 0;
}

function oneFile(args: readonly string[], usage: string): string {
  const [file, ...extra] = args;
  if (!file || extra.length || file.startsWith('-'))
    throw new OperatorUsageError(`name one file\nUsage: ${usage}`);
  return file;
}
