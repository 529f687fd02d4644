// Repairs two known defects of the postgres.js driver 3.4.x that end the process when Postgres
// drops its connections (a restart, pg_terminate_backend), as okrbot's tests do on purpose:
//
// 1. Closed-socket write (porsager/postgres#1066, #1154, #1208; the guard proposed upstream in
//    #1168 and #1176): a write deferred with setImmediate runs after the connection closed, on a
//    null socket, and throws a TypeError nothing can catch. Closing also clears that timer
//    without forgetting it, so the connection would never send again after reconnecting. The
//    fix forgets the timer and the unsent bytes when the socket goes, and turns a deferred
//    write that finds no socket into the driver's own CONNECTION_CLOSED error for the queries
//    waiting on it.
// 2. Array-type fetch (porsager/postgres#1192, #1205, #1223): every new connection first asks
//    for the array types, and the promise of that query is dropped, so a connection cut (or a
//    query cancelled) at that moment is an unhandled rejection. The fix handles it: the
//    connection's own error path already fails or retries the queries waiting on it, and the
//    next connection fetches the types again.
//
// `npm install` runs this (postinstall). It changes nothing when already applied, and warns when
// the driver's code differs (a newer version may carry the fixes: then delete them here). A file
// is replaced, never written in place: node_modules may be hard-linked to other checkouts.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const FIXES = [
  {
    mark: '/* okrbot: closed-socket write fix */',
    // The mark appears once per replaced piece.
    count: 3,
    apply: (text, mark) =>
      text
        .replace(
          'function nextWrite(fn) {\n',
          `function nextWrite(fn) {\n    ${mark} if (socket === null) return (nextWriteTimer !== null && clearImmediate(nextWriteTimer), chunk = nextWriteTimer = null, error(Errors.connection('CONNECTION_CLOSED', options)), false)\n`,
        )
        .replaceAll(
          '    clearImmediate(nextWriteTimer)\n',
          `    clearImmediate(nextWriteTimer); chunk = nextWriteTimer = null ${mark}\n`,
        ),
  },
  {
    mark: '/* okrbot: array-type fetch fix */',
    count: 1,
    apply: (text, mark) =>
      text.replace(
        '        return fetchArrayTypes()\n',
        `        return fetchArrayTypes().catch(() => {}) ${mark}\n`,
      ),
  },
];

// The package's main file is cjs/src/index.js: its root is three levels up.
const root = dirname(dirname(dirname(createRequire(import.meta.url).resolve('postgres'))));
let patched = 0;
for (const file of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js']) {
  const path = join(root, file);
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    continue;
  }
  let next = text;
  for (const { mark, count, apply } of FIXES) {
    if (next.includes(mark)) continue;
    const fixed = apply(next, mark);
    if (fixed.split(mark).length - 1 !== count) {
      console.warn(
        `okrbot: ${path}: the postgres.js code differs; a fix (${mark}) was not applied`,
      );
      continue;
    }
    next = fixed;
  }
  if (next === text) continue;
  writeFileSync(`${path}.okrbot`, next);
  renameSync(`${path}.okrbot`, path);
  patched++;
}
if (patched) console.log(`okrbot: applied the postgres.js fixes to ${patched} files`);
