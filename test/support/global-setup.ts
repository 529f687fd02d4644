import { migratePgliteClient } from '../../src/db/database.ts';
import { buildPgliteTemplate, DEFAULT_CACHE_DIR } from '../../src/db/pglite-template.ts';
import { requirePostgresInCi } from './databases.ts';

/** Once per run: fail early when CI lacks Postgres, and build the database template. */
export default async function setup(): Promise<void> {
  requirePostgresInCi();
  await buildPgliteTemplate(DEFAULT_CACHE_DIR, migratePgliteClient);
}
