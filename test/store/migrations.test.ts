import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../../src/db/data-dir-lock.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { MIGRATIONS_FOLDER } from '../../src/db/migrations-folder.ts';
import { DEFAULT_CACHE_DIR, templatePath } from '../../src/db/pglite-template.ts';
import { queryRows } from '../../src/db/rows.ts';
import { createPostgresDatabase, drivers, dropPostgresDatabase } from '../support/databases.ts';

async function journalSize(): Promise<number> {
  const journal = JSON.parse(
    await readFile(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'),
  ) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

async function appliedMigrations(database: Database): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return row?.n ?? 0;
}

describe.runIf(drivers().includes('postgres'))('migrations on Postgres', () => {
  let url: string;
  beforeAll(async () => {
    url = await createPostgresDatabase();
  });
  afterAll(() => dropPostgresDatabase(url));

  it('run once when five instances start together on an empty database', async () => {
    const instances = await Promise.all(
      Array.from({ length: 5 }, () => openDatabase({ url, dataDir: 'unused' })),
    );
    try {
      for (const instance of instances)
        expect(await appliedMigrations(instance)).toBe(await journalSize());
      const [tables] = await queryRows<{ n: number }>(
        instances[0]?.db as Database['db'],
        sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
      );
      expect(tables?.n).toBeGreaterThanOrEqual(20);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });
});

describe('the embedded database', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-db-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps its data and migrates only once across restarts, one process at a time', async () => {
    const dataDir = join(dir, 'data');
    const first = await openDatabase({ url: undefined, dataDir, cacheDir: DEFAULT_CACHE_DIR });
    await first.db.execute(sql`insert into departments (slug, name) values ('kept', 'Kept')`);
    await expect(
      openDatabase({ url: undefined, dataDir, cacheDir: DEFAULT_CACHE_DIR }),
    ).rejects.toThrow(DataDirLockedError);
    await first.close();

    const second = await openDatabase({ url: undefined, dataDir, cacheDir: DEFAULT_CACHE_DIR });
    try {
      expect(await appliedMigrations(second)).toBe(await journalSize());
      const rows = await queryRows<{ slug: string }>(second.db, sql`select slug from departments`);
      expect(rows).toEqual([{ slug: 'kept' }]);
    } finally {
      await second.close();
    }
  });

  it('takes over the lock a crashed process left behind', async () => {
    const dataDir = join(dir, 'crashed');
    await mkdir(dataDir, { recursive: true });
    // A pid that cannot be running: the kernel's maximum is far below it.
    await writeFile(join(dataDir, 'okrbot.pid'), '999999999');
    const database = await openDatabase({ url: undefined, dataDir, cacheDir: DEFAULT_CACHE_DIR });
    await database.close();
  });

  it('starts from scratch when the cached template is damaged', async () => {
    const cacheDir = join(dir, 'cache');
    await mkdir(cacheDir, { recursive: true });
    await writeFile(await templatePath(cacheDir), 'not a tarball');
    const database = await openDatabase({
      url: undefined,
      dataDir: join(dir, 'damaged'),
      cacheDir,
    });
    try {
      expect(await appliedMigrations(database)).toBe(await journalSize());
    } finally {
      await database.close();
    }
  });
});
