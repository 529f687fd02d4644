import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/migrations-folder.ts';
import { createPostgresDatabase, drivers, dropPostgresDatabase } from '../support/databases.ts';
import { runCli, spawnCli } from '../support/run-cli.ts';

// `okrbot doctor`: the state of the database okrbot would use, as an operator sees it after a
// crash; exit code 0 when nothing stops okrbot from starting on it, 1 otherwise.

const NEVER_DELETE = /delet|rm -rf|remove (it|the (data|directory))/i;

async function knownMigrations(): Promise<number> {
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'));
  return (journal as { entries: unknown[] }).entries.length;
}

describe('okrbot doctor on the embedded database', () => {
  let dir: string;
  let dataDir: string;
  let migrations: number;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-doctor-'));
    dataDir = join(dir, 'data');
    migrations = await knownMigrations();
    const migrated = await runCli(['migrate'], { OKRBOT_DATA_DIR: dataDir });
    expect(migrated.code, migrated.stderr).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports what a killed okrbot left, removes it as a start would, and finds it healthy', async () => {
    await writeFile(join(dataDir, 'postmaster.pid'), '');
    await writeFile(join(dataDir, 'okrbot.pid'), '999999999');
    const result = await runCli(['doctor'], { OKRBOT_DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`database   embedded (PGlite) in ${dataDir}`);
    expect(result.stdout).toContain(
      'lock       okrbot.pid names process 999999999, which is not running: an okrbot was killed; the next start takes the lock over',
    );
    expect(result.stdout).toContain(
      'leftovers  postmaster.pid: empty: the process was killed while PGlite was creating it',
    );
    expect(result.stdout).toMatch(
      /opens {6}yes, in \d+\.\d s \(after removing the leftovers above/,
    );
    expect(result.stdout).toContain(
      `schema     ${migrations} of ${migrations} migrations applied (latest `,
    );
    expect(result.stdout).toMatch(/size {7}\d+\.\d MB/);
    expect(result.stdout).toMatch(/No problems found\.\n$/);

    const again = await runCli(['doctor'], { OKRBOT_DATA_DIR: dataDir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('lock       free: no okrbot is using the directory');
    expect(again.stdout).toContain('leftovers  none (the last process shut down cleanly)');
  });

  it('names the process that holds the directory, and does not open it', async () => {
    const bot = spawnCli(['start'], { OKRBOT_DATA_DIR: dataDir, OKRBOT_DEMO: '0' });
    try {
      await new Promise<void>((resolve, reject) => {
        let stderr = '';
        bot.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('okrbot ready')) resolve();
        });
        bot.once('close', () => reject(new Error(`the bot exited early: ${stderr}`)));
      });
      const result = await runCli(['doctor'], { OKRBOT_DATA_DIR: dataDir });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`lock {7}held by process ${bot.pid}, which is running \\(.*okrbot`),
      );
      expect(result.stdout).toContain(
        `opens      not checked: process ${bot.pid} has the database open`,
      );
    } finally {
      bot.stdin.end();
      await new Promise((resolve) => bot.once('close', resolve));
    }
  });

  it('says what is wrong with a damaged database and what to do, never to delete it', async () => {
    const damaged = join(dir, 'damaged');
    await cp(dataDir, damaged, { recursive: true });
    await rm(join(damaged, 'global/pg_control'));
    const result = await runCli(['doctor'], { OKRBOT_DATA_DIR: damaged });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `opens      no. The embedded database in ${damaged} did not open`,
    );
    expect(result.stdout).toMatch(
      /Postgres said: PANIC: +could not open file "global\/pg_control"/,
    );
    expect(result.stdout).toContain('restore the directory from your latest backup');
    expect(result.stdout).toMatch(/Problems: opens \(see above\)\.\n$/);
    expect(result.stdout).not.toMatch(NEVER_DELETE);

    // A start says the same, and exits 1 with the message rather than a stack trace.
    const start = await runCli(['start'], { OKRBOT_DATA_DIR: damaged }, 'status\n');
    expect(start.code).toBe(1);
    expect(start.stderr).toContain(`okrbot: The embedded database in ${damaged} did not open`);
    expect(start.stderr).toContain('`okrbot doctor` reports what it finds there.');
    expect(start.stderr).not.toContain('    at ');
    expect(start.stderr).not.toMatch(NEVER_DELETE);
    expect(await readdir(damaged)).toContain('PG_VERSION');
  });

  it('finds nothing wrong where there is no database yet', async () => {
    const result = await runCli(['doctor'], { OKRBOT_DATA_DIR: join(dir, 'none') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('data directory  none yet: okrbot start creates it');
    expect(await readdir(dir)).not.toContain('none');
  });

  it('is listed in okrbot help', async () => {
    const help = await runCli(['help'], {});
    expect(help.stdout).toMatch(/\n {2}doctor {11}the state of the database/);
  });
});

describe('okrbot doctor on Postgres', () => {
  it('says when the server cannot be reached', async () => {
    const result = await runCli(['doctor'], {
      DATABASE_URL: 'postgres://okrbot:secret@127.0.0.1:1/okrbot',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('database   postgres (127.0.0.1:1/okrbot)');
    expect(result.stdout).toContain('reachable  no: connect ECONNREFUSED 127.0.0.1:1.');
    expect(result.stdout).not.toContain('secret');
  });

  describe.runIf(drivers().includes('postgres'))('with a server', () => {
    let url: string;
    beforeAll(async () => {
      url = await createPostgresDatabase();
    });
    afterAll(() => dropPostgresDatabase(url));

    it('reports the server, its migrations and size; a newer schema is a problem', async () => {
      const migrations = await knownMigrations();
      const empty = await runCli(['doctor'], { DATABASE_URL: url });
      expect(empty.code, empty.stderr).toBe(0);
      expect(empty.stdout).toMatch(/reachable {2}yes, in \d+ ms: PostgreSQL \d+/);
      expect(empty.stdout).toContain(
        `schema     0 of ${migrations} migrations applied; okrbot start (or okrbot migrate) applies the other ${migrations}`,
      );

      expect((await runCli(['migrate'], { DATABASE_URL: url })).code).toBe(0);
      const migrated = await runCli(['doctor'], { DATABASE_URL: url });
      expect(migrated.code).toBe(0);
      expect(migrated.stdout).toContain(`${migrations} of ${migrations} migrations applied`);
      expect(migrated.stdout).toMatch(/size {7}\d+\.\d MB/);

      // What a newer okrbot's migration would leave.
      const client = postgres(url, { max: 1, onnotice: () => {} });
      await client`insert into drizzle.__drizzle_migrations (hash, created_at) values ('newer', 4102444800000)`;
      await client.end();
      const newer = await runCli(['doctor'], { DATABASE_URL: url });
      expect(newer.code).toBe(1);
      expect(newer.stdout).toContain('and 1 this okrbot does not know: a newer okrbot');
    });
  });
});
