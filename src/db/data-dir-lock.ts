import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    dir: string,
    readonly pid: number,
  ) {
    super(
      `Another okrbot (process ${pid}) is using the embedded database in ${dir}. ` +
        'The embedded database serves one process; stop the other one, or set DATABASE_URL to share a Postgres database between instances.',
    );
    this.name = 'DataDirLockedError';
  }
}

/** okrbot's lock file in a data directory. */
export const LOCK_FILE = 'okrbot.pid';

export interface LockHolder {
  /** 0 when the file holds no pid (a process killed while writing it). */
  readonly pid: number;
  readonly alive: boolean;
}

/** Who holds the lock of `dir` according to its lock file; undefined when there is none. */
export async function readLockHolder(dir: string): Promise<LockHolder | undefined> {
  const text = await readFile(join(dir, LOCK_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const pid = Number(text.trim());
  const valid = Number.isInteger(pid) && pid > 0;
  return { pid: valid ? pid : 0, alive: valid && isAlive(pid) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Directories this process holds: a pid file with our own pid is ours only if listed here
// (in a container the bot is often pid 1 on every run, so a leftover file may carry our pid).
const held = new Set<string>();

/**
 * A pid file that keeps a second process off the embedded data directory (PGlite is one
 * process per directory; two would corrupt it). A file left by a crashed process is taken over.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      held.add(path);
      return async () => {
        held.delete(path);
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readLockHolder(dir);
      const ours = holder?.pid === process.pid;
      if (holder && ((ours && held.has(path)) || (!ours && holder.alive)))
        throw new DataDirLockedError(dir, holder.pid);
      await rm(path, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}
