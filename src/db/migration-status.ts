import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { MIGRATIONS_FOLDER } from './migrations-folder.ts';
import { queryRows } from './rows.ts';

export interface MigrationStatus {
  /** The migrations this okrbot has (migrations/), oldest first. */
  readonly known: readonly string[];
  /** Those of them the database has applied. */
  readonly applied: readonly string[];
  /** Migrations the database has applied that this okrbot does not have (a newer okrbot's). */
  readonly unknown: number;
}

/**
 * Which migrations a database has applied, without applying any. Drizzle's migrator records
 * each one in drizzle.__drizzle_migrations with the journal's `when` as `created_at`.
 */
export async function migrationStatus(db: Db): Promise<MigrationStatus> {
  const journal = JSON.parse(
    await readFile(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'),
  ) as { entries: { tag: string; when: number }[] };
  const [table] = await queryRows<{ present: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  const rows = table?.present
    ? await queryRows<{ created: string }>(
        db,
        sql`select created_at::text as created from drizzle.__drizzle_migrations`,
      )
    : [];
  const recorded = new Set(rows.map((row) => row.created));
  const known = new Set(journal.entries.map((entry) => String(entry.when)));
  return {
    known: journal.entries.map((entry) => entry.tag),
    applied: journal.entries
      .filter((entry) => recorded.has(String(entry.when)))
      .map((entry) => entry.tag),
    unknown: [...recorded].filter((created) => !known.has(created)).length,
  };
}
