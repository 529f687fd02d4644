import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { DEFAULT_CACHE_DIR } from '../../src/db/pglite-template.ts';

export type Driver = 'pglite' | 'postgres';

/**
 * The drivers a store test runs on: PGlite always, Postgres when TEST_DATABASE_URL is set.
 * In CI a missing Postgres is a failure, never a silent skip.
 */
export function drivers(): Driver[] {
  requirePostgresInCi();
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export function requirePostgresInCi(): void {
  if (process.env.CI && !process.env.TEST_DATABASE_URL) {
    throw new Error('CI must run the Postgres tests: set TEST_DATABASE_URL (see .ci/run)');
  }
}

export interface TestDatabase extends Database {
  /** The connection URL of a Postgres test database (undefined on PGlite). */
  url: string | undefined;
}

/** A fresh, migrated database: PGlite in memory, or a new database on the test server. */
export async function createTestDatabase(driver: Driver): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const database = await openDatabase({
      url: undefined,
      dataDir: 'memory://',
      cacheDir: DEFAULT_CACHE_DIR,
    });
    return { ...database, url: undefined };
  }
  const url = await createPostgresDatabase();
  const database = await openDatabase({ url, dataDir: 'unused' });
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await dropPostgresDatabase(url);
    },
  };
}

/** A new empty database on the TEST_DATABASE_URL server; returns its URL. */
export async function createPostgresDatabase(prefix = 'okrbot_test'): Promise<string> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(url: string): Promise<void> {
  const base = process.env.TEST_DATABASE_URL as string;
  const name = new URL(url).pathname.slice(1);
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
