import type { Logger } from 'pino';

// SIGTERM and SIGINT, from the first moment of `okrbot start`: a signal during start-up lets the
// database finish opening and then closes it (a kill there is what leaves lock files behind), a
// signal later stops the bot cleanly. A stop is bounded (OKRBOT_STOP_TIMEOUT, counted from the
// signal, or from the end of start-up for a signal during it): past it, or at a second signal,
// the process exits at once.

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const SIGNAL_NUMBERS = { SIGTERM: 15, SIGINT: 2 } as const;

export interface StopSignals {
  /** Resolves at the first SIGTERM or SIGINT. */
  readonly signalled: Promise<void>;
  /** Whether one came. */
  readonly requested: boolean;
  /** Start-up is over (the database is open): a stop from now on is bounded. */
  started(): void;
  /**
   * Starts the bounded stop (a signal after start-up has started it already): past `timeoutMs`
   * the process exits 1, having said what it was still doing.
   */
  stopping(): void;
  /** The stop is complete: the handlers go, and what still holds the process cannot keep it. */
  stopped(): void;
}

export function listenForStopSignals(logger: Logger, timeoutMs: number): StopSignals {
  let requested = false;
  let starting = true;
  let deadline: NodeJS.Timeout | undefined;
  let done = false;
  let signalled: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    signalled = resolve;
  });
  const stopping = () => {
    if (deadline) return;
    deadline = setTimeout(() => {
      if (done) {
        // Everything is closed; whatever handle is left must not turn a clean stop into a hang.
        logger.warn('stopped, but something kept the process running; exiting');
        process.exit(0);
      }
      logger.error(
        { timeoutMs },
        'did not stop within OKRBOT_STOP_TIMEOUT; exiting with work unfinished',
      );
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
  };
  const onSignal = (signal: (typeof SIGNALS)[number]) => {
    if (requested) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(128 + SIGNAL_NUMBERS[signal]);
    }
    requested = true;
    logger.info(
      { signal, timeoutMs },
      starting
        ? 'stopping once the database is open (a second signal exits at once)'
        : 'stopping: finishing running work (a second signal exits at once)',
    );
    if (!starting) stopping();
    signalled();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return {
    signalled: promise,
    get requested() {
      return requested;
    },
    started() {
      starting = false;
      if (requested) stopping();
    },
    stopping,
    stopped() {
      done = true;
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}
