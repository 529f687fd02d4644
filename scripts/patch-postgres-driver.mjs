// Repairs a known defect of the postgres.js driver 3.4.x (porsager/postgres#1066, #1154, #1208;
// the guard proposed upstream in #1168 and #1176), which okrbot's tests hit whenever Postgres
// drops its connections (a restart, pg_terminate_backend): a write deferred with setImmediate
// runs after the connection closed, on a null socket, and throws a TypeError nothing can catch,
// which ends the process. Closing also clears that timer without forgetting it, so the
// connection would never send again after reconnecting. The fix forgets the timer and the
// unsent bytes when the socket goes, and turns a deferred write that finds no socket into the
// driver's own CONNECTION_CLOSED error for the queries waiting on it.
//
// `npm install` runs this (postinstall). It changes nothing when already applied, and warns when
// the driver's code differs (a newer version may carry the fix: then delete this script).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const MARK = '/* okrbot: closed-socket write fix */';
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
  if (text.includes(MARK)) continue;
  const next = text
    .replace(
      'function nextWrite(fn) {\n',
      `function nextWrite(fn) {\n    ${MARK} if (socket === null) return (nextWriteTimer !== null && clearImmediate(nextWriteTimer), chunk = nextWriteTimer = null, error(Errors.connection('CONNECTION_CLOSED', options)), false)\n`,
    )
    .replaceAll(
      '    clearImmediate(nextWriteTimer)\n',
      `    clearImmediate(nextWriteTimer); chunk = nextWriteTimer = null ${MARK}\n`,
    );
  if (next.split(MARK).length - 1 !== 3) {
    console.warn(
      `okrbot: ${path}: the postgres.js code differs; its closed-socket fix was not applied`,
    );
    continue;
  }
  writeFileSync(path, next);
  patched++;
}
if (patched) console.log(`okrbot: applied the postgres.js closed-socket fix to ${patched} files`);
