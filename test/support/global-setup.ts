import { migratePgliteClient } from '../../src/db/database.ts';
import { buildPgliteTemplate, DEFAULT_CACHE_DIR } from '../../src/db/pglite-template.ts';
import { requirePostgresInCi } from './databases.ts';
import { ensureIrcPackages } from './irc/network.ts';

/**
 * Once per run: fail early when CI lacks Postgres, build the database template, and install
 * the IRC test network's packages when missing (before test files start networks in parallel).
 */
export default async function setup(): Promise<void> {
  requirePostgresInCi();
  await buildPgliteTemplate(DEFAULT_CACHE_DIR, migratePgliteClient);
  await ensureIrcPackages();
}
