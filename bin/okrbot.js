#!/usr/bin/env node
// Runs the compiled build (dist/, made by `npm install`) when it is newer than every source
// file, and otherwise the TypeScript sources through tsx, so an edit is never hidden behind a
// stale build and a fresh install starts without transpiling.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(root, 'dist', '.build-stamp');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function buildIsFresh() {
  try {
    const built = statSync(STAMP).mtimeMs;
    return ['src', 'commands'].every((dir) => newestSource(join(root, dir)) <= built);
  } catch {
    return false;
  }
}

let entry;
if (buildIsFresh()) {
  entry = '../dist/src/app/cli/main.js';
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = '../src/app/cli/main.ts';
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
