import type { Clock } from '../../src/runtime/clock.ts';

// A clock the test moves (graphile-worker's setTime is the model): now() stays where it was set,
// and sleep() resolves only when the test advances time past its deadline, so what depends on
// time (backoff, leases, Retry-After, pacing) is checked without waiting for it.

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, waking every sleeper due by then in deadline order. */
  advance(ms: number): Promise<void>;
  /**
   * Lets `work` finish, moving time to the next sleeper's deadline whenever the work is waiting
   * on the clock (as fake timers' runAll does), and returns its result. Fails when it has not
   * finished after `realTimeoutMs` of real time, or `limitMs` of clock time.
   */
  run<T>(work: Promise<T>, options?: { limitMs?: number; realTimeoutMs?: number }): Promise<T>;
  /** Sleeps not yet woken. */
  readonly sleepers: number;
}

interface Sleeper {
  until: number;
  wake(): void;
}

/** One turn of the event loop: continuations of what just woke run before the test goes on. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createManualClock(start: Date | string = new Date()): ManualClock {
  let at = new Date(start).getTime();
  const sleepers: Sleeper[] = [];

  const wakeDue = async (until: number) => {
    for (;;) {
      const next = sleepers
        .filter((sleeper) => sleeper.until <= until)
        .sort((a, b) => a.until - b.until)[0];
      if (!next) break;
      at = Math.max(at, next.until);
      next.wake();
      await turn();
    }
    at = Math.max(at, until);
  };

  return {
    now: () => new Date(at),
    sleep(ms, signal) {
      if (ms <= 0 || signal?.aborted) return turn();
      return new Promise((resolve) => {
        const sleeper: Sleeper = {
          until: at + ms,
          wake: () => {
            sleepers.splice(sleepers.indexOf(sleeper), 1);
            signal?.removeEventListener('abort', sleeper.wake);
            resolve();
          },
        };
        sleepers.push(sleeper);
        signal?.addEventListener('abort', sleeper.wake, { once: true });
      });
    },
    async advance(ms) {
      await wakeDue(at + ms);
    },
    async run(work, { limitMs = 24 * 3_600_000, realTimeoutMs = 30_000 } = {}) {
      let settled = false;
      const watched = work.finally(() => {
        settled = true;
      });
      // A rejection is the caller's to see, through the returned promise.
      watched.catch(() => {});
      const limit = at + limitMs;
      const deadline = Date.now() + realTimeoutMs;
      while (!settled) {
        // Two turns: what was already under way (a callback queued before a sleeper appeared)
        // happens before time moves, as it would on a real clock.
        await turn();
        await turn();
        if (settled) break;
        if (Date.now() > deadline)
          throw new Error(`still not done after ${realTimeoutMs} ms (real time)`);
        const next = Math.min(...sleepers.map((sleeper) => sleeper.until));
        // Nobody sleeps: the work waits for something else (the database); give it real time.
        if (next === Number.POSITIVE_INFINITY)
          await new Promise((resolve) => setTimeout(resolve, 1));
        else if (next > limit) throw new Error(`still not done ${limitMs} ms later on the clock`);
        else await wakeDue(next);
      }
      return watched;
    },
    get sleepers() {
      return sleepers.length;
    },
  };
}
