import type { Logger } from 'pino';

/**
 * Test seam (OKRBOT_CRASH_AT): the named points where the process kills itself, once, so crash
 * tests hit an exact moment instead of racing a timer. `after-claim` and `after-send` are points
 * of an outbox send; `postmaster-pid` is the moment the embedded database has just created its
 * lock file `postmaster.pid` (still empty).
 */
export const CRASH_POINTS = ['after-claim', 'after-send', 'postmaster-pid'] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Dies as a SIGKILL from outside would: nothing is flushed, closed or cleaned up. */
export function crashNow(point: CrashPoint, logger: Logger | undefined): void {
  logger?.warn({ point }, 'OKRBOT_CRASH_AT: killing this process (test seam)');
  process.kill(process.pid, 'SIGKILL');
}
