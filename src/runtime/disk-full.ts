// A full disk is the one unexpected failure people can act on, so it is named as such, at start
// and in answers, instead of a stack trace or "failed unexpectedly". It reaches okrbot in several
// shapes: Node's ENOSPC (a lock file), Emscripten's ENOSPC from the embedded database's file
// system, and Postgres's own error (SQLSTATE 53100, or "could not extend file ...: No space left
// on device", which the drivers wrap in a query error as its cause).

/** ENOSPC in Emscripten's numbering (its ErrnoError carries no message). */
const EMSCRIPTEN_ENOSPC = 51;
const NO_SPACE = /no space left on device/i;

/** The disk under the database is full; `cause` is the error that said so. */
export class DiskFullError extends Error {
  constructor(options: { cause: unknown }) {
    super('the disk is full (no space left on device)', options);
    this.name = 'DiskFullError';
  }
}

/** Whether `error`, or an error it wraps, says the disk is full. */
export function isDiskFull(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { name, code, errno, message, cause } = current as Partial<
      Record<'name' | 'code' | 'message', unknown> & { errno: unknown; cause: unknown }
    >;
    if (current instanceof DiskFullError || code === 'ENOSPC' || code === '53100') return true;
    if (name === 'ErrnoError' && errno === EMSCRIPTEN_ENOSPC) return true;
    if (typeof message === 'string' && NO_SPACE.test(message)) return true;
    current = cause;
  }
  return false;
}

/** What a person is told when their command could not be stored because the disk is full. */
export function diskFullText(errorId: string): string {
  return `Sorry, the disk is full, so okrbot could not store that (error id ${errorId}). Nothing was recorded; please tell okrbot's operator, and try again once there is room.`;
}
