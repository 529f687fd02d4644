import { stat } from 'node:fs/promises';
import {
  BackupError,
  backupEmbedded,
  backupKind,
  backupPostgres,
  restoreEmbedded,
  restorePostgres,
} from '../../db/backup.ts';
import { connectDatabase } from '../../db/database.ts';
import { redact } from '../../runtime/config-section.ts';
import { createLogger } from '../../runtime/logger.ts';
import { databaseOptions } from '../bot.ts';
import { loadConfig } from '../config/load-config.ts';
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
  // Opened as it is (no migrations): the backup is of the database as it was left. Its lock
  // refuses while an okrbot runs on it.
  const database = await connectDatabase(databaseOptions(config, createLogger(config.logLevel)));
  try {
    const bytes = await backupEmbedded(database, file);
    process.stdout.write(
      `Backed up the embedded database in ${config.dataDir} to ${file} (${(bytes / 1e6).toFixed(1)} MB).\n`,
    );
    return 0;
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
