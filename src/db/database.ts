import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import type { CrashPoint } from '../runtime/crash-point.ts';
import { DiskFullError, isDiskFull } from '../runtime/disk-full.ts';
import { serveBackups } from './backup-socket.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { DATA_CHANNEL } from './data-version.ts';
import { MIGRATIONS_FOLDER } from './migrations-folder.ts';
import { crashSeamExtension } from './pglite-crash-seam.ts';
import { durablePgliteOptions } from './pglite-durability.ts';
import {
  CREATING_MARKER,
  clearDataDir,
  dataDirHolds,
  EmbeddedDatabaseError,
  findLeftovers,
  removeLeftovers,
  stderrTail,
} from './pglite-recovery.ts';
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
  /**
   * The embedded database only: its whole data directory as a gzipped tar, consistent (taken
   * while no other transaction is open, after a checkpoint).
   */
  dumpDataDir?: () => Promise<Blob>;
  /**
   * The chat transports other running okrbot processes on this database send on (what they
   * `announce`): an `okrbot run` queues for these. The embedded database serves one process.
   */
  othersSendOn(): Promise<string[]>;
  close(): Promise<void>;
}

/** Before the transports a process announces in its connections' application_name. */
const SENDS = 'sends:';

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
  /** Test seam (OKRBOT_CRASH_AT); only `postmaster-pid` concerns the database. */
  crashAt?: CrashPoint | undefined;
  /**
   * The embedded database in a directory: a commit returns once it is on the disk (fsync), not
   * only in the kernel (pglite-durability.ts). Default true.
   */
  fsync?: boolean;
  /**
   * The chat transports this process delivers on (it runs an outbox worker for them): its
   * Postgres connections name them, so `othersSendOn` elsewhere sees them.
   */
  announce?: readonly string[];
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options, true) : openPglite(options, true);
}

/**
 * Opens the database as it is, applying no migrations (`okrbot doctor` looks at the schema
 * without changing it). An embedded data directory that a killed process left is repaired
 * first, as at every start.
 */
export async function connectDatabase(options: OpenOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options, false) : openPglite(options, false);
}

/** A database just opened, once `migrate` (if any) brought it up to date; closed if that fails. */
async function migrated(
  database: Database,
  migrate: (() => Promise<void>) | false,
): Promise<Database> {
  if (!migrate) return database;
  try {
    await migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

async function openPglite(
  { dataDir, cacheDir, logger, onQuery, crashAt, fsync = true }: OpenOptions,
  migrateOnOpen: boolean,
): Promise<Database> {
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
  const engine: Engine = {
    PGlite,
    logger,
    extensions: crashAt === 'postmaster-pid' ? { crashSeam: crashSeamExtension(logger) } : {},
    fsync,
  };
  let client: PGlite;
  try {
    client = inMemory
      ? await createPglite(
          engine,
          undefined,
          cacheDir ? await readPgliteTemplate(cacheDir) : undefined,
        )
      : await startInDataDir(engine, dataDir, cacheDir);
  } catch (error) {
    await unlock();
    throw error;
  }
  const [{ drizzle }, { migrate }] = await modules;
  const db = drizzle({ client, schema, logger: queryLogger(onQuery) });
  const dumpDataDir = () =>
    // In a transaction of its own: one another query had open has finished (PGlite runs one
    // at a time), and none starts until the copy is taken.
    client.transaction(async (tx) => {
      await tx.exec('checkpoint');
      return client.dumpDataDir('gzip');
    });
  // `okrbot backup` run beside this process asks it for the copy (backup-socket.ts).
  const stopServing = inMemory ? async () => {} : await serveBackups(dataDir, dumpDataDir, logger);
  const database: Database = {
    db,
    driver: 'pglite',
    location: inMemory ? 'embedded (in memory)' : `embedded (${dataDir})`,
    async listenForChanges() {},
    dumpDataDir,
    async othersSendOn() {
      return [];
    },
    async close() {
      await stopServing();
      await client.close();
      await unlock();
    },
  };
  // One connection, one process: nothing else can migrate at the same time.
  return migrated(
    database,
    migrateOnOpen && (() => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })),
  );
}

/** What every PGlite start of one open shares. */
interface Engine {
  PGlite: typeof PGlite;
  logger: Logger | undefined;
  extensions: NonNullable<PGliteOptions['extensions']>;
  onStderr?: (line: string) => boolean;
  /** Whether commits in a data directory wait for the disk. */
  fsync: boolean;
}

/**
 * Starts PGlite on a data directory this process has locked: removes what a killed process left
 * (pglite-recovery.ts), creates the database when there is none, and turns a failure into an
 * error that says what was found and what to do.
 */
async function startInDataDir(
  engine: Engine,
  dataDir: string,
  cacheDir: string | undefined,
): Promise<PGlite> {
  const removed = await findLeftovers(dataDir);
  await removeLeftovers(dataDir, removed, engine.logger);
  const holds = await dataDirHolds(dataDir);
  if (holds === 'other')
    throw new EmbeddedDatabaseError(
      dataDir,
      'it holds files but no database (no PG_VERSION file), and okrbot will not create a new database over them',
      { removed },
    );
  const fresh = holds === 'nothing';
  const marker = join(dataDir, CREATING_MARKER);
  if (fresh)
    await writeFile(
      marker,
      'okrbot is creating the database in this directory. If this file stays, the creation was interrupted; the next start creates the database again.\n',
    );
  const stderr = stderrTail();
  let client: PGlite;
  try {
    const template = fresh && cacheDir ? await readPgliteTemplate(cacheDir) : undefined;
    client = await createPglite({ ...engine, onStderr: stderr.onStderr }, dataDir, template);
  } catch (error) {
    if (isDiskFull(error) || stderr.lines().some((line) => isDiskFull({ message: line })))
      throw new DiskFullError({ cause: error });
    // Emscripten's abort message ends with advice meant for PGlite's own developers (and its
    // file system's errors have no message at all).
    const reason = String((error as Error)?.message || error).replace(
      /\.? Build with -sASSERTIONS.*$/,
      '',
    );
    throw new EmbeddedDatabaseError(dataDir, `PGlite did not start (${reason})`, {
      said: stderr.lines(),
      removed,
    });
  }
  if (fresh) await rm(marker);
  return client;
}

async function createPglite(
  { PGlite: PGliteClass, logger, extensions, onStderr, fsync }: Engine,
  dataDir: string | undefined,
  template: Blob | undefined,
): Promise<PGlite> {
  // Made for each start: a file system serves one PGlite.
  const options = async () => ({
    extensions,
    ...(onStderr && { onStderr }),
    ...(dataDir && fsync && (await durablePgliteOptions(PGliteClass, dataDir))),
  });
  if (!template) return PGliteClass.create(dataDir, await options());
  try {
    return await PGliteClass.create(dataDir, { ...(await options()), loadDataDir: template });
  } catch (error) {
    // A full disk is no damaged template: starting from scratch would fill it again.
    if (isDiskFull(error)) throw error;
    // A damaged template must not stop the bot: clear what it unpacked and start from scratch.
    logger?.warn(
      { err: error },
      'could not use the cached database template; creating the database from scratch',
    );
    if (dataDir) await clearDataDir(dataDir);
    return PGliteClass.create(dataDir, await options());
  }
}

function queryLogger(onQuery: OpenOptions['onQuery']) {
  return onQuery ? { logQuery: (query: string) => onQuery(query) } : false;
}

/** Applies the migrations to a bare PGlite client (used to build the template). */
export async function migratePgliteClient(client: PGlite): Promise<void> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
}

async function openPostgres(
  url: string,
  { logger, onQuery, announce }: OpenOptions,
  migrateOnOpen: boolean,
): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  // Each process names its connections, so it can tell its own writes' notifications.
  const name = `okrbot ${process.pid} ${randomBytes(4).toString('hex')}${announce?.length ? ` ${SENDS}${announce.join(',')}` : ''}`;
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
    async othersSendOn() {
      const rows = await client<{ name: string }[]>`
        select distinct application_name as name from pg_stat_activity
        where datname = current_database() and application_name like ${`okrbot % ${SENDS}%`}
          and application_name <> ${name}`;
      return [...new Set(rows.flatMap((r) => r.name.split(SENDS)[1]?.split(',') ?? []))];
    },
    close: () => client.end({ timeout: 5 }),
  };
  return migrated(database, migrateOnOpen && (() => migratePostgres(url, logger)));
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
