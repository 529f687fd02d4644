// The chat work this process has taken on and not finished: Slack commands acknowledged and
// still being answered, IRC lines being stored. It is bounded, so a flood is told "busy" at once
// instead of queueing for minutes and growing memory, and it is waited for when the process
// stops, so nothing acknowledged is dropped by a closing database.

export interface RunningWork {
  /**
   * Takes on one piece of work: the function that says it finished, or 'busy' when as much is
   * running as the bound allows (the caller answers "busy" instead of starting it).
   */
  begin(): (() => void) | 'busy';
  /** Runs `task` as work taken on, whatever the bound (work that cannot be refused). */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** How much is running now. */
  readonly size: number;
  /** Resolves true once nothing is running, or false after `ms` with work still running. */
  settled(ms: number): Promise<boolean>;
}

export function createRunningWork(limit: number): RunningWork {
  let size = 0;
  const waiters = new Set<() => void>();
  const finish = () => {
    size -= 1;
    if (size === 0) for (const waiter of waiters) waiter();
  };
  const take = () => {
    size += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      finish();
    };
  };
  return {
    begin: () => (size >= limit ? 'busy' : take()),
    async run(task) {
      const release = take();
      try {
        return await task();
      } finally {
        release();
      }
    },
    get size() {
      return size;
    },
    settled(ms) {
      if (size === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (result: boolean) => {
          clearTimeout(timer);
          waiters.delete(idle);
          resolve(result);
        };
        const idle = () => done(true);
        const timer = setTimeout(() => done(false), ms);
        waiters.add(idle);
      });
    },
  };
}
