import { createHash } from 'node:crypto';
import { lstat, mkdir, realpath, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';

// `okrbot backup` while an okrbot runs on the embedded database: only the process holding the
// data directory may read it, so it takes the backup and hands it over a Unix socket. The socket
// lives in a directory only this user can enter (the data directory itself cannot hold it:
// PGlite's dump would trip over a socket there), named after the data directory's real path.

/** What a request answers before the backup's bytes. */
interface Header {
  ok: boolean;
  bytes?: number;
  error?: string;
}

const REQUEST = 'backup\n';

async function socketPath(dataDir: string): Promise<string> {
  const key = createHash('sha256')
    .update(await realpath(dataDir))
    .digest('hex')
    .slice(0, 16);
  const uid = process.getuid?.() ?? 0;
  return join(tmpdir(), `okrbot-${uid}`, `${key}.sock`);
}

/** The socket's directory, made private; undefined when someone else could reach into it. */
async function privateDirectory(path: string): Promise<string | undefined> {
  const dir = join(path, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  const uid = process.getuid?.() ?? info.uid;
  return info.isDirectory() && info.uid === uid && (info.mode & 0o077) === 0 ? dir : undefined;
}

/**
 * Serves backups of the open database in `dataDir` to `okrbot backup`; the returned function
 * stops serving. Without a private place for the socket it logs why and serves nothing.
 */
export async function serveBackups(
  dataDir: string,
  dump: () => Promise<Blob>,
  logger: Logger | undefined,
): Promise<() => Promise<void>> {
  try {
    return await listenForBackups(dataDir, dump, logger);
  } catch (err) {
    // The database works without it; only `okrbot backup` beside this process will not.
    logger?.warn({ err }, 'okrbot backup cannot ask this process for a backup');
    return async () => {};
  }
}

async function listenForBackups(
  dataDir: string,
  dump: () => Promise<Blob>,
  logger: Logger | undefined,
): Promise<() => Promise<void>> {
  const path = await socketPath(dataDir);
  if (!(await privateDirectory(path))) {
    logger?.warn(
      { directory: join(path, '..') },
      'okrbot backup cannot ask this process for a backup: the socket directory is not private to this user',
    );
    return async () => {};
  }
  const server = createServer((socket) => {
    socket.once('data', async (chunk) => {
      if (chunk.toString() !== REQUEST) return socket.destroy();
      let header: Header;
      let bytes: Buffer | undefined;
      try {
        bytes = Buffer.from(await (await dump()).arrayBuffer());
        header = { ok: true, bytes: bytes.length };
      } catch (error) {
        header = { ok: false, error: (error as Error).message };
      }
      socket.end(
        Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), bytes ?? Buffer.alloc(0)]),
      );
    });
    socket.on('error', () => {});
  });
  try {
    await listen(server, path);
  } catch (error) {
    // A socket left by a killed okrbot: this process holds the lock now, so it is stale.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await rm(path, { force: true });
    await listen(server, path);
  }
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Asks the okrbot that holds `dataDir` for a backup; undefined when it serves none (an okrbot
 * from before this feature, or one without a private socket directory).
 */
export async function requestBackup(dataDir: string): Promise<Buffer | undefined> {
  const path = await socketPath(dataDir);
  const answer = await new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(path, () => socket.write(REQUEST));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      ['ENOENT', 'ECONNREFUSED'].includes(error.code ?? '') ? resolve(undefined) : reject(error),
    );
  });
  if (!answer) return undefined;
  const end = answer.indexOf(0x0a);
  const header = JSON.parse(answer.subarray(0, end).toString()) as Header;
  if (!header.ok) throw new Error(`the running okrbot could not take the backup: ${header.error}`);
  const bytes = answer.subarray(end + 1);
  if (bytes.length !== header.bytes)
    throw new Error(
      `the running okrbot's backup arrived cut short (${bytes.length} of ${header.bytes} bytes)`,
    );
  return bytes;
}
