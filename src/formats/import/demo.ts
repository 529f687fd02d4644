import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../db/database.ts';
import { PACKAGE_ROOT } from '../../runtime/package-root.ts';
import { type ImportOptions, importQuarterFile } from './import-quarter.ts';
import type { ImportSummary } from './import-summary.ts';

export const SEEDS_FOLDER = join(PACKAGE_ROOT, 'seeds');

/** The demo quarter files, in the order they import (objectives before goals that link them). */
export async function demoFiles(): Promise<string[]> {
  const names = (await readdir(SEEDS_FOLDER)).filter((name) => name.endsWith('.yaml')).sort();
  return names.map((name) => `${SEEDS_FOLDER}/${name}`);
}

/**
 * Imports every demo file in one transaction (a start killed half-way leaves no partial demo
 * that later starts would take for real data); returns what each one did.
 */
export async function importDemo(
  db: Db,
  options: ImportOptions,
): Promise<Map<string, ImportSummary>> {
  const files = await demoFiles();
  return db.transaction(async (tx) => {
    const results = new Map<string, ImportSummary>();
    for (const file of files) results.set(file, await importQuarterFile(tx, file, options));
    return results;
  });
}
