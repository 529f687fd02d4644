import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../runtime/package-root.ts';
import { MIGRATIONS_FOLDER } from './migrations-folder.ts';

// A fresh PGlite data directory costs an initdb inside WebAssembly (3.5-5.5 s on two cores) plus
// every migration. Like Postgres's template1, a dump of an empty, fully migrated database is
// built once per installation (by `npm install`, through `okrbot prepare`) and unpacked into
// new data directories instead. The dump is keyed by the PGlite version and the migrations, so
// a changed schema or engine simply misses the cache and takes the slow, always-correct path.

export const DEFAULT_CACHE_DIR = join(PACKAGE_ROOT, 'node_modules/.cache/okrbot');

async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await pgliteVersion());
  const files = await collectFiles(MIGRATIONS_FOLDER);
  for (const file of files.sort())
    hash.update(file).update(await readFile(join(MIGRATIONS_FOLDER, file)));
  return hash.digest('hex').slice(0, 16);
}

/** The installed engine's version: its package does not export package.json, so walk up to it. */
async function pgliteVersion(): Promise<string> {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
    const pkg = text ? (JSON.parse(text) as { name?: string; version: string }) : undefined;
    if (pkg?.name === '@electric-sql/pglite') return pkg.version;
    if (dirname(dir) === dir) throw new Error('Cannot find the @electric-sql/pglite package');
    dir = dirname(dir);
  }
}

async function collectFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? collectFiles(dir, join(prefix, entry.name))
        : [join(prefix, entry.name)],
    ),
  );
  return nested.flat();
}

export async function templatePath(cacheDir: string): Promise<string> {
  return join(cacheDir, `pglite-template-${await templateKey()}.tar.gz`);
}

/** The template for the current schema, when one has been built. */
export async function readPgliteTemplate(cacheDir: string): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(await templatePath(cacheDir))]);
  } catch {
    return undefined;
  }
}

/**
 * Builds the template for the current schema unless it exists; returns its path. `migrate`
 * is passed in so this module does not depend on the database module that uses it.
 */
export async function buildPgliteTemplate(
  cacheDir: string,
  migrate: (client: import('@electric-sql/pglite').PGlite) => Promise<void>,
): Promise<{ path: string; built: boolean }> {
  const path = await templatePath(cacheDir);
  if (
    await readFile(path).then(
      () => true,
      () => false,
    )
  )
    return { path, built: false };
  const { PGlite } = await import('@electric-sql/pglite');
  const client = await PGlite.create();
  try {
    await migrate(client);
    const dump = await client.dumpDataDir('gzip');
    await mkdir(cacheDir, { recursive: true });
    // Written aside and renamed, so a concurrent reader never sees half a file.
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, path);
  } finally {
    await client.close();
  }
  return { path, built: true };
}
