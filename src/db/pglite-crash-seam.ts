import type { Extension } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { crashNow } from '../runtime/crash-point.ts';

interface EmscriptenFs {
  open(path: string, flags: unknown, mode?: unknown): unknown;
  analyzePath(path: string): { exists: boolean };
}

/**
 * OKRBOT_CRASH_AT=postmaster-pid: kills the process the instant PGlite's file system has created
 * `postmaster.pid` and before anything is written to it, leaving the empty lock file of issue #18.
 * Postgres runs synchronously inside WebAssembly, so nothing outside it (a timer, fs.watch) can
 * land between the create and the write; the only place is the Emscripten FS call itself.
 * PGlite's extension hook is the public way to run code before Postgres starts (its `preRun`).
 * The file is created either by Postgres's lock (every start) or, on a new data directory, by
 * unpacking the template, which holds one too; whichever comes first triggers the seam.
 */
export function crashSeamExtension(logger: Logger | undefined): Extension {
  return {
    name: 'okrbot-crash-seam',
    async setup(_pg, emscriptenOpts: { preRun?: ((module: { FS: EmscriptenFs }) => void)[] }) {
      const watch = ({ FS }: { FS: EmscriptenFs }) => {
        const open = FS.open;
        FS.open = function (path, flags, mode) {
          const watched = typeof path === 'string' && path.endsWith('/postmaster.pid');
          const existed = watched && FS.analyzePath(path).exists;
          const stream = open.call(this, path, flags, mode);
          if (watched && !existed) crashNow('postmaster-pid', logger);
          return stream;
        };
      };
      return {
        emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), watch] },
      };
    },
  };
}
