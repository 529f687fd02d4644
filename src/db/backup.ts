import { spawn } from 'node:child_process';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { lockDataDir } from './data-dir-lock.ts';
import { durablePgliteOptions } from './pglite-durability.ts';

// Backups of both databases. The embedded one is dumped by PGlite itself (its data directory
// as a tar) from the process that holds its lock; Postgres by pg_dump, in its custom format,
// which pg_restore reads. A file says which it is by its first bytes.

export class BackupError extends Error {}

const GZIP = [0x1f, 0x8b];
const PG_CUSTOM = 'PGDMP';

export type BackupKind = 'embedded' | 'postgres';

/** What a backup file holds, from its first bytes; undefined when it is neither. */
export async function backupKind(file: string): Promise<BackupKind | undefined> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(5), 0, 5, 0);
    if (bytesRead >= 2 && buffer[0] === GZIP[0] && buffer[1] === GZIP[1]) return 'embedded';
    if (buffer.subarray(0, bytesRead).toString('latin1') === PG_CUSTOM) return 'postgres';
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Writes a backup (an open embedded database's dump); the file appears whole or not at all. */
export async function writeBackup(bytes: Buffer, file: string): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, bytes, { mode: 0o600 });
  await keep(partial, file);
}

/**
 * Unpacks a backup into an empty (or missing) data directory, under its lock. Opening it
 * afterwards applies any migration newer than the backup.
 */
export async function restoreEmbedded(file: string, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const present = await readdir(dataDir);
  if (present.length > 0)
    throw new BackupError(
      `${dataDir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', ...' : ''}): restore into an empty directory (set OKRBOT_DATA_DIR to a new one), so no database is overwritten`,
    );
  const unlock = await lockDataDir(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const blob = new Blob([await readFile(file)]);
    // Durable: the restored files are on the disk before this says so.
    const client = await PGlite.create(dataDir, {
      ...(await durablePgliteOptions(PGlite, dataDir)),
      loadDataDir: blob,
    });
    await client.close();
  } catch (error) {
    // Nothing half-restored stays behind to be taken for a database.
    await unlock();
    for (const entry of await readdir(dataDir))
      await rm(`${dataDir}/${entry}`, { recursive: true, force: true });
    throw new BackupError(`could not restore ${file}: ${(error as Error).message}`);
  }
  await unlock();
}

/** `pg_dump` of the database at `url` into `file` (custom format), whole or not at all. */
export async function backupPostgres(url: string, file: string): Promise<void> {
  const partial = `${file}.partial`;
  await run('pg_dump', ['--format=custom', '--no-owner', `--file=${partial}`, '--dbname', url]);
  await keep(partial, file);
}

/** `pg_restore` of `file` into the (empty) database at `url`. */
export async function restorePostgres(url: string, file: string): Promise<void> {
  await run('pg_restore', [
    '--no-owner',
    '--exit-on-error',
    '--single-transaction',
    '--dbname',
    url,
    file,
  ]);
}

/** Makes a written backup durable, then gives it its name: a power cut leaves the old one. */
async function keep(partial: string, file: string): Promise<void> {
  const handle = await open(partial, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, file);
}

/** Runs a Postgres client tool; its complaint becomes the error. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new BackupError(
          error.code === 'ENOENT'
            ? `${command} is not installed (Debian: apt-get install postgresql-client, of the server's major version)`
            : `${command} failed: ${error.message}`,
        ),
      ),
    );
    child.once('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new BackupError(`${command} failed (exit ${code}): ${stderr.trim().slice(0, 2000)}`),
        );
    });
  });
}
