import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { DEFAULT_CACHE_DIR } from '../../src/db/pglite-template.ts';
import { queryRows } from '../../src/db/rows.ts';

// Issue 19, item 9: PGlite starts Postgres with fsync off and its NodeFS never syncs, so an
// acknowledged write could be lost to a power cut. Durable mode (the default) must make every
// commit wait for an fsync of the files on the disk; OKRBOT_EMBEDDED_FSYNC=0 trades that away.

describe('the embedded database on the disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-durability-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** fsyncs of files seen during one committed insert, and Postgres's own settings. */
  async function commitOnce(dataDir: string, fsync: boolean | undefined) {
    const database = await openDatabase({
      url: undefined,
      dataDir,
      cacheDir: DEFAULT_CACHE_DIR,
      ...(fsync !== undefined && { fsync }),
    });
    const spy = vi.spyOn(fs, 'fsyncSync');
    try {
      spy.mockClear();
      await database.db.execute(
        sql`insert into departments (slug, name) values ('durable', 'Durable')`,
      );
      const syncs = spy.mock.calls.length;
      const [settings] = await queryRows<{ fsync: string; method: string }>(
        database.db,
        sql`select current_setting('fsync') as fsync, current_setting('wal_sync_method') as method`,
      );
      return { syncs, settings };
    } finally {
      spy.mockRestore();
      await database.close();
    }
  }

  it('waits for the disk at every commit by default', async () => {
    const { syncs, settings } = await commitOnce(join(dir, 'durable'), undefined);
    expect(settings).toEqual({ fsync: 'on', method: 'fsync' });
    expect(syncs).toBeGreaterThan(0);
  });

  it('does not with fsync off (OKRBOT_EMBEDDED_FSYNC=0): the kernel has the write, the disk may not', async () => {
    const { syncs, settings } = await commitOnce(join(dir, 'relaxed'), false);
    expect(settings).toEqual({ fsync: 'off', method: 'fdatasync' });
    expect(syncs).toBe(0);
  });

  it('reopens a durable directory with what was committed', async () => {
    const dataDir = join(dir, 'durable');
    const database = await openDatabase({ url: undefined, dataDir, cacheDir: DEFAULT_CACHE_DIR });
    try {
      const rows = await queryRows<{ slug: string }>(
        database.db,
        sql`select slug from departments where slug = 'durable'`,
      );
      expect(rows).toEqual([{ slug: 'durable' }]);
    } finally {
      await database.close();
    }
  });
});
