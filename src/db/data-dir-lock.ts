import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `Another okrbot (process ${pid}) is using the embedded database in ${dir}. ` +
        'The embedded database serves one process; stop the other one, or set DATABASE_URL to share a Postgres database between instances.',
    );
    this.name = 'DataDirLockedError';
  }
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
  const path = join(dir, 'okrbot.pid');
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
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      const ours = pid === process.pid;
      if ((ours && held.has(path)) || (pid && !ours && isAlive(pid)))
        throw new DataDirLockedError(dir, pid);
      await rm(path, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}
