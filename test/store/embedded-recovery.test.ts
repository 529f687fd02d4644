import { cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../../src/db/data-dir-lock.ts';
import { openDatabase } from '../../src/db/database.ts';
import { EmbeddedDatabaseError } from '../../src/db/pglite-recovery.ts';
import { DEFAULT_CACHE_DIR } from '../../src/db/pglite-template.ts';
import { queryRows } from '../../src/db/rows.ts';

// What a killed PGlite leaves (src/db/pglite-recovery.ts), reproduced on copies of a real data
// directory: okrbot removes it under its own lock and opens; what it cannot open it explains.

interface LogLine {
  level: number;
  msg: string;
  file?: string;
}

function recordingLogger() {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}

const NEVER_DELETE = /delet|rm -rf|remove (it|the (data|directory))/i;

describe('an embedded data directory left by a killed process', () => {
  let dir: string;
  let base: string;
  let copies = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-recovery-'));
    base = join(dir, 'base');
    const database = await openDatabase({
      url: undefined,
      dataDir: base,
      cacheDir: DEFAULT_CACHE_DIR,
    });
    await database.db.execute(sql`insert into departments (slug, name) values ('kept', 'Kept')`);
    await database.close();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A copy of the migrated data directory, as a killed process would leave it. */
  async function copyOfBase(): Promise<string> {
    const copy = join(dir, `copy-${++copies}`);
    await cp(base, copy, { recursive: true });
    return copy;
  }

  async function departmentSlugs(dataDir: string, logger = recordingLogger().logger) {
    const database = await openDatabase({ url: undefined, dataDir, logger });
    try {
      const rows = await queryRows<{ slug: string }>(
        database.db,
        sql`select slug from departments`,
      );
      return rows.map((row) => row.slug);
    } finally {
      await database.close();
    }
  }

  it.each([
    [
      'empty (killed between its creation and its first write)',
      '',
      'empty: the process was killed',
    ],
    ['unreadable', 'xyz\n', 'unreadable ("xyz")'],
    ['complete, of a PGlite that was killed', '-42\n/pglite/data\n1796309619\n5432\n', 'pid -42'],
  ])('opens past a postmaster.pid that is %s, and says what it removed', async (_, text, found) => {
    const dataDir = await copyOfBase();
    await writeFile(join(dataDir, 'postmaster.pid'), text);
    await writeFile(join(dataDir, 'okrbot.pid'), '999999999');
    const { logger, lines } = recordingLogger();
    expect(await departmentSlugs(dataDir, logger)).toEqual(['kept']);
    const [warning] = lines;
    expect(warning?.level).toBe(40);
    expect(warning?.file).toBe(join(dataDir, 'postmaster.pid'));
    expect(warning?.msg).toContain(`removed the leftover ${join(dataDir, 'postmaster.pid')}`);
    expect(warning?.msg).toContain(found);
    expect(await readdir(dataDir)).not.toContain('postmaster.pid');
  });

  it('leaves a directory a live process holds alone, as before', async () => {
    const dataDir = await copyOfBase();
    await writeFile(join(dataDir, 'postmaster.pid'), '');
    // The test runner's parent is alive and is not this process.
    await writeFile(join(dataDir, 'okrbot.pid'), String(process.ppid));
    await expect(openDatabase({ url: undefined, dataDir })).rejects.toThrow(DataDirLockedError);
    expect((await stat(join(dataDir, 'postmaster.pid'))).size).toBe(0);
  });

  it('creates the database again when its first start was interrupted halfway', async () => {
    const dataDir = join(dir, 'half-made');
    await mkdir(join(dataDir, 'base'), { recursive: true });
    // What a kill during the unpacking leaves: PG_VERSION, and no configuration files yet.
    await writeFile(join(dataDir, 'PG_VERSION'), '18\n');
    await writeFile(join(dataDir, 'okrbot-creating'), '');
    const { logger, lines } = recordingLogger();
    const database = await openDatabase({
      url: undefined,
      dataDir,
      cacheDir: DEFAULT_CACHE_DIR,
      logger,
    });
    await database.close();
    expect(lines.map((line) => line.msg)).toEqual([
      expect.stringMatching(/^emptied .*half-made: okrbot was stopped while it created/),
    ]);
    expect(await readdir(dataDir)).not.toContain('okrbot-creating');
    expect(await departmentSlugs(dataDir)).toEqual([]);
  });

  it('refuses to create a database over files that are not one, and leaves them', async () => {
    const dataDir = join(dir, 'foreign');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'notes.txt'), 'mine');
    const failure = openDatabase({ url: undefined, dataDir, cacheDir: DEFAULT_CACHE_DIR });
    await expect(failure).rejects.toThrow(EmbeddedDatabaseError);
    await expect(failure).rejects.toThrow(/holds files but no database \(no PG_VERSION file\)/);
    expect((await readdir(dataDir)).sort()).toEqual(['notes.txt']);
  });

  it('says what Postgres found and what to do when the database still does not open', async () => {
    const dataDir = await copyOfBase();
    await rm(join(dataDir, 'global/pg_control'));
    const failure = openDatabase({ url: undefined, dataDir });
    await expect(failure).rejects.toThrow(EmbeddedDatabaseError);
    const { message } = (await failure.catch((error: unknown) => error)) as Error;
    expect(message).toContain(`The embedded database in ${dataDir} did not open`);
    expect(message).toMatch(/Postgres said: PANIC: +could not open file "global\/pg_control"/);
    expect(message).toContain('check the disk');
    expect(message).toContain('restore the directory from your latest backup');
    expect(message).not.toMatch(NEVER_DELETE);
    // The lock is released: a second try fails the same way, not on a lock.
    await expect(openDatabase({ url: undefined, dataDir })).rejects.toThrow(EmbeddedDatabaseError);
  });
});
