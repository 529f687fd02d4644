import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import { lockDataDir } from './data-dir-lock.ts';
import { DATA_CHANNEL } from './data-version.ts';
import { MIGRATIONS_FOLDER } from './migrations-folder.ts';
import { readPgliteTemplate } from './pglite-template.ts';
import * as schema from './schema/index.ts';

/**
 * One database type for both drivers, so the same store code runs on PGlite and Postgres. A
 * transaction is one too (Drizzle's `PgTransaction` extends `PgDatabase`), so code written for a
 * `Db` runs inside `db.transaction(async (tx) => ...)` when given `tx`.
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly driver: 'pglite' | 'postgres';
  /** Where the data lives, safe to print (no password). */
  readonly location: string;
  /**
   * Calls `onChange(table)` when another process changes a table (the triggers of migration
   * 0002); resolves once listening. The embedded database serves one process: nothing to hear.
   */
  listenForChanges(onChange: (table: string) => void): Promise<void>;
  close(): Promise<void>;
}

// Any constant works; it only has to be the same for every okrbot instance on one database.
const MIGRATION_LOCK_ID = 0x6f6b72; // "okr"

export interface OpenOptions {
  /** Postgres URL; undefined opens the embedded database in `dataDir`. */
  url: string | undefined;
  /** Directory of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir: string;
  /** Where the template of an empty migrated embedded database is cached; undefined: not used. */
  cacheDir?: string | undefined;
  logger?: Logger;
  /** Called with every query's text: benchmarks and tests count queries with it. */
  onQuery?: (query: string) => void;
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options);
}

/** A database just opened, once `migrate` brought it up to date; closed if that fails. */
async function migrated(database: Database, migrate: () => Promise<void>): Promise<Database> {
  try {
    await migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

async function openPglite({ dataDir, cacheDir, logger, onQuery }: OpenOptions): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  // Loading the driver and migrator overlaps with PGlite's start, which waits on WebAssembly.
  const modules = Promise.all([
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const inMemory = dataDir === 'memory://';
  // PGlite creates the data directory itself, but not its parents.
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  const unlock = inMemory ? async () => {} : await lockDataDir(dataDir);
  let client: PGlite;
  try {
    const fresh = inMemory || !(await exists(join(dataDir, 'PG_VERSION')));
    const template = fresh && cacheDir ? await readPgliteTemplate(cacheDir) : undefined;
    client = await createPglite(PGlite, inMemory ? undefined : dataDir, template, logger);
  } catch (error) {
    await unlock();
    throw error;
  }
  const [{ drizzle }, { migrate }] = await modules;
  const db = drizzle({ client, schema, logger: queryLogger(onQuery) });
  const database: Database = {
    db,
    driver: 'pglite',
    location: inMemory ? 'embedded (in memory)' : `embedded (${dataDir})`,
    async listenForChanges() {},
    async close() {
      await client.close();
      await unlock();
    },
  };
  // One connection, one process: nothing else can migrate at the same time.
  return migrated(database, () => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }));
}

async function createPglite(
  PGliteClass: typeof PGlite,
  dataDir: string | undefined,
  template: Blob | undefined,
  logger: Logger | undefined,
): Promise<PGlite> {
  if (!template) return PGliteClass.create(dataDir);
  try {
    return await PGliteClass.create(dataDir, { loadDataDir: template });
  } catch (error) {
    // A damaged template must not stop the bot: clear what it unpacked and start from scratch.
    logger?.warn(
      { err: error },
      'could not use the cached database template; creating the database from scratch',
    );
    if (dataDir) await clearDataDir(dataDir);
    return PGliteClass.create(dataDir);
  }
}

function queryLogger(onQuery: OpenOptions['onQuery']) {
  return onQuery ? { logQuery: (query: string) => onQuery(query) } : false;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Empties a data directory that was fresh a moment ago, keeping our lock file. */
async function clearDataDir(dataDir: string): Promise<void> {
  for (const entry of await readdir(dataDir)) {
    if (entry !== 'okrbot.pid') await rm(join(dataDir, entry), { recursive: true, force: true });
  }
}

/** Applies the migrations to a bare PGlite client (used to build the template). */
export async function migratePgliteClient(client: PGlite): Promise<void> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
}

async function openPostgres(url: string, { logger, onQuery }: OpenOptions): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  // Each process names its connections, so it can tell its own writes' notifications.
  const name = `okrbot ${process.pid} ${randomBytes(4).toString('hex')}`;
  const client = postgres(url, {
    max: 10,
    onnotice: () => {},
    connection: { application_name: name },
  });
  const database: Database = {
    db: drizzle({ client, schema, logger: queryLogger(onQuery) }),
    driver: 'postgres',
    location: `postgres (${new URL(url).host}${new URL(url).pathname})`,
    // postgres.js keeps a connection of its own for this and listens again after reconnecting.
    async listenForChanges(onChange) {
      await client.listen(DATA_CHANNEL, (payload) => {
        const space = payload.indexOf(' ');
        if (payload.slice(space + 1) !== name) onChange(payload.slice(0, space));
      });
    },
    close: () => client.end({ timeout: 5 }),
  };
  return migrated(database, () => migratePostgres(url, logger));
}

async function migratePostgres(url: string, logger: Logger | undefined): Promise<void> {
  // Drizzle's migrator takes no lock; instances booting together would race. A session
  // advisory lock on a dedicated single connection serialises them: the first migrates,
  // the others wait and then find nothing left to do.
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const lockClient = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    const started = Date.now();
    await migrate(drizzle({ client: lockClient }), { migrationsFolder: MIGRATIONS_FOLDER });
    logger?.debug({ ms: Date.now() - started }, 'migrations checked');
    await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
  } finally {
    await lockClient.end({ timeout: 5 });
  }
}
