// Time is a seam: the outbox worker, the scheduler, reminders and housekeeping read the instant
// and wait through a Clock, never through Date.now() or setTimeout, so tests set and advance time
// instead of sleeping. In production the clock is the database's (see startOffsetClock): every
// instance on one database agrees on due times, leases and send slots, whatever its own clock says.

export interface Clock {
  /** The current instant. */
  now(): Date;
  /**
   * Resolves once `ms` have passed on this clock (at once for 0 or less), or as soon as `signal`
   * aborts: a waiting loop is woken early, it does not fail.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Waits on the process's timers; a clock's durations are the same on every instance. */
function sleepOnTimers(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The process's own clock: for one-process tools and tests that need real time. */
export const systemClock: Clock = { now: () => new Date(), sleep: sleepOnTimers };

/** A clock stopped at `at` (OKRBOT_NOW), whose waits still take real time on `base`. */
export function pinnedClock(at: Date, base: Clock): Clock {
  const pinned = at.getTime();
  return { now: () => new Date(pinned), sleep: (ms, signal) => base.sleep(ms, signal) };
}

export interface OffsetClock extends Clock {
  /** Stops refreshing the offset. */
  stop(): void;
}

export interface OffsetClockOptions {
  /** How often the reference is read again, so a process clock that drifts or jumps is corrected. */
  refreshMs?: number;
  /** A failed refresh keeps the last offset; this hears why. */
  onRefreshError?: (error: unknown) => void;
}

const DEFAULT_REFRESH_MS = 60_000;

/**
 * A clock that reads a reference (the database's `clock_timestamp()`) once, keeps the difference
 * to the process clock, and computes every instant from it: one cheap query a minute instead of
 * one per reading, as pg-boss's timekeeper does.
 */
export async function startOffsetClock(
  readReference: () => Promise<Date>,
  options: OffsetClockOptions = {},
): Promise<OffsetClock> {
  let offset = 0;
  const refresh = async () => {
    const before = Date.now();
    const reference = (await readReference()).getTime();
    // The reference was read somewhere during the round trip: take its middle.
    offset = reference - (before + Date.now()) / 2;
  };
  await refresh();
  const timer = setInterval(
    () => void refresh().catch((error) => options.onRefreshError?.(error)),
    options.refreshMs ?? DEFAULT_REFRESH_MS,
  ).unref();
  return {
    now: () => new Date(Date.now() + offset),
    sleep: sleepOnTimers,
    stop: () => clearInterval(timer),
  };
}
