import { access, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { LOCK_FILE } from './data-dir-lock.ts';

// What a killed PGlite (0.5.16) leaves in its data directory, read in
// node_modules/@electric-sql/pglite and reproduced on copies of a data directory (issue #18):
//
// - `postmaster.pid`, Postgres's data-directory lock. PGlite runs Postgres single-user
//   (`--single`) inside WebAssembly: at every start Postgres creates the file (O_CREAT|O_EXCL),
//   then writes its pid (always -42: Emscripten's getpid() is 42, single-user mode negates it),
//   the data directory, the start time and the port. `close()` removes it; a kill leaves it. At
//   the next start Postgres reads it: any non-zero pid is taken for a dead process (kill() in
//   WebAssembly finds no process, whatever the pid) and the file is overwritten; but an empty file
//   (a kill between the create and the write) stops it with FATAL "lock file is empty", and a
//   first line that is no number with "bogus data in lock file". PGlite reports both as "PGlite
//   failed to initialize properly", at every start from then on. The file therefore protects
//   nothing under PGlite; okrbot.pid does (data-dir-lock.ts). Once okrbot holds that lock no
//   other okrbot uses the directory, and a `postmaster.pid` is always a leftover.
// - A half-made database. A new data directory is filled by unpacking a tarball (okrbot's
//   template, or what initdb made in memory) one file at a time, and `PG_VERSION` comes before
//   `postgresql.conf` and the other configuration files (and `postmaster.pid`, which the template
//   holds too); after a kill in between, PGlite "resumes" a database it cannot start ("could not
//   access the server configuration file"). okrbot marks a creation with CREATING_MARKER and
//   removes the mark once PGlite has opened the database: nothing can be stored before that, so
//   a marked directory is emptied and created again.
// - Nothing else. Single-user mode writes no postmaster.opts and no socket lock files (those
//   would live in PGlite's in-memory /tmp), and no shared memory outlives the process. Postgres
//   replays its write-ahead log at the next start, so a committed write survives a kill
//   (PGlite runs with fsync off, which matters for a power cut, not for a killed process).

/** Present while okrbot creates a new database in the directory; see above. */
export const CREATING_MARKER = 'okrbot-creating';

const POSTMASTER_PID = 'postmaster.pid';

/** What a data directory may hold before it has a database: okrbot's files, a volume's lost+found. */
const NOT_DATABASE = new Set([LOCK_FILE, CREATING_MARKER, 'lost+found', 'shell_history']);

export interface Leftover {
  readonly file: string;
  /** What it is and where it came from, for logs and `okrbot doctor`. */
  readonly found: string;
}

/** The leftovers of a killed PGlite in `dataDir`, without changing anything. */
export async function findLeftovers(dataDir: string): Promise<Leftover[]> {
  // A half-made database goes as a whole, its postmaster.pid with it.
  if (await exists(join(dataDir, CREATING_MARKER)))
    return [
      {
        file: CREATING_MARKER,
        found:
          'okrbot was stopped while it created this database, before anything was stored in it; ' +
          'the start creates it again',
      },
    ];
  const pid = await readFile(join(dataDir, POSTMASTER_PID), 'utf8').catch(() => undefined);
  return pid === undefined ? [] : [{ file: POSTMASTER_PID, found: describePostmasterPid(pid) }];
}

function describePostmasterPid(text: string): string {
  if (text.trim() === '')
    return 'empty: the process was killed while PGlite was creating it, and PGlite cannot start with it';
  const firstLine = text.split('\n', 1)[0] ?? '';
  const pid = Number(firstLine.trim());
  if (Number.isInteger(pid) && pid !== 0)
    return `left by a PGlite (pid ${pid}) that did not shut down: it was killed or crashed`;
  return `unreadable (${JSON.stringify(firstLine.slice(0, 40))}): PGlite cannot start with it`;
}

/**
 * Removes what findLeftovers found. Call it only while holding okrbot's lock on the directory
 * (lockDataDir): the lock is what proves that no live process uses these files.
 */
export async function removeLeftovers(
  dataDir: string,
  leftovers: readonly Leftover[],
  logger: Logger | undefined,
): Promise<void> {
  for (const { file, found } of leftovers) {
    const path = join(dataDir, file);
    if (file === CREATING_MARKER) await clearDataDir(dataDir);
    else await rm(path, { force: true });
    logger?.warn(
      { file: path, found },
      file === CREATING_MARKER
        ? `emptied ${dataDir}: ${found}`
        : `removed the leftover ${path} (${found})`,
    );
  }
}

/** Whether `dataDir` holds a database, nothing yet, or files that are not a database. */
export async function dataDirHolds(dataDir: string): Promise<'database' | 'nothing' | 'other'> {
  if (await exists(join(dataDir, 'PG_VERSION'))) return 'database';
  const entries = await readdir(dataDir).catch(() => []);
  return entries.every((entry) => NOT_DATABASE.has(entry)) ? 'nothing' : 'other';
}

/** Empties a data directory that holds no stored data (a creation that failed), keeping okrbot's files. */
export async function clearDataDir(dataDir: string): Promise<void> {
  for (const entry of await readdir(dataDir)) {
    if (!NOT_DATABASE.has(entry)) await rm(join(dataDir, entry), { recursive: true, force: true });
  }
}

/**
 * Keeps the last lines Postgres wrote to standard error (PGlite's `onStderr`), which say why a
 * start failed ("FATAL: lock file ... is empty") where PGlite's own error does not.
 */
export function stderrTail(): { onStderr: (line: string) => boolean; lines: () => string[] } {
  const kept: string[] = [];
  return {
    onStderr(line) {
      // Routine LOG lines ("database system is shut down") would push out the reason.
      const text = line.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, '').trim();
      // Emscripten's abort() follows a PANIC and adds nothing to it.
      if (text && !text.startsWith('LOG:') && text !== 'Aborted()') kept.push(text);
      if (kept.length > 6) kept.shift();
      return false;
    },
    lines: () => [...kept],
  };
}

/** What an operator should do about a data directory that does not open; never "delete it". */
export function whatToDo(dataDir: string): string {
  return (
    'What to do: check the disk (free space, that this user may read and write every file in ' +
    `${dataDir}, I/O errors in the system log) and that OKRBOT_DATA_DIR names the right ` +
    'directory. If files in it are damaged, stop okrbot and restore the directory from your ' +
    'latest backup. okrbot changed none of your data.'
  );
}

/** The embedded database did not open; the message says what was found and what to do. */
export class EmbeddedDatabaseError extends Error {
  /** What was found, without the advice. */
  readonly summary: string;

  constructor(
    dataDir: string,
    problem: string,
    found: { said?: readonly string[]; removed?: readonly Leftover[] } = {},
  ) {
    const said = found.said?.length ? `\n  Postgres said: ${found.said.join('\n    ')}` : '';
    const removed = (found.removed ?? [])
      .map((leftover) => `\n  Removed first: ${leftover.file} (${leftover.found}).`)
      .join('');
    const summary = `The embedded database in ${dataDir} did not open: ${problem}.${said}${removed}`;
    super(`${summary}\n${whatToDo(dataDir)} \`okrbot doctor\` reports what it finds there.`);
    this.name = 'EmbeddedDatabaseError';
    this.summary = summary;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
