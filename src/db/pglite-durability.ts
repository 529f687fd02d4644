import fs from 'node:fs';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';

// What PGlite 0.5 does with a data directory on Node (read in its source): NodeFS writes each
// page straight to the file (fs.writeSync), so a write is in the kernel once PGlite answers and
// a killed process loses nothing. But PGlite starts Postgres with `-F` (fsync off), and its
// NodeFS has no fsync of its own: nothing ever asks the kernel to put the files on the disk,
// so a power cut or kernel crash can lose acknowledged writes, or tear the files.
//
// Durable mode (OKRBOT_EMBEDDED_FSYNC, on by default) gives Postgres its fsync back: no `-F`,
// WAL flushed with fsync (Postgres's Linux default, fdatasync, is a no-op in Emscripten), and
// NodeFS's missing fsync supplied by Node's. A commit then returns once its WAL is on the disk,
// as on a Postgres server with its defaults.

type Emscripten = {
  NODEFS: { stream_ops: { fsync?: (stream: { nfd?: number }) => number } };
};

/** Emscripten's EIO: Postgres reports a failed fsync instead of believing it. */
const EIO = 29;

/** PGlite's options for a durable data directory. */
export async function durablePgliteOptions(
  PGliteClass: typeof PGlite,
  dataDir: string,
): Promise<Pick<PGliteOptions, 'fs' | 'startParams'>> {
  const { NodeFS } = await import('@electric-sql/pglite/nodefs');
  class SyncedNodeFS extends NodeFS {
    override async init(...args: Parameters<InstanceType<typeof NodeFS>['init']>) {
      const result = await super.init(...args);
      const preRun = result.emscriptenOpts.preRun ?? [];
      result.emscriptenOpts.preRun = [
        ...(Array.isArray(preRun) ? preRun : [preRun]),
        (module: Emscripten) => {
          module.NODEFS.stream_ops.fsync = (stream) => {
            if (stream.nfd === undefined) return 0;
            try {
              fs.fsyncSync(stream.nfd);
              return 0;
            } catch {
              return EIO;
            }
          };
        },
      ];
      return result;
    }
  }
  return {
    fs: new SyncedNodeFS(dataDir),
    startParams: [
      ...PGliteClass.defaultStartParams.filter((param) => param !== '-F'),
      '-c',
      'wal_sync_method=fsync',
    ],
  };
}
