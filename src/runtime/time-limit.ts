/** A database call that did not answer in time. */
export class TimeLimitError extends Error {}

/**
 * Gives up waiting on a database call after `ms`. When Postgres drops its connections (a
 * restart), postgres.js 3.4 can leave a query on a dropped connection unanswered forever; a
 * background loop (outbox worker, scheduler tick) that awaited it would stop for good. With a
 * limit the loop goes on and the work is retried (claims and runs are idempotent and leased).
 */
export function withTimeLimit<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeLimitError(`${what}: no answer after ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
