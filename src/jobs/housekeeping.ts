import type { Logger } from 'pino';
import type { Services } from '../core/command.ts';
import type { Clock } from '../runtime/clock.ts';

// Tables that only ever grow, kept small: inbound event ids (a day covers every redelivery and
// replay window) and the outbox's pacing rows of destinations not written to for an hour.

const EVERY_MS = 3_600_000;
const INBOUND_MEMORY_MS = 24 * 3_600_000;

/** Runs now and hourly on `clock`; returns the function that stops it. */
export function startHousekeeping(
  services: Pick<Services, 'inboundEvents' | 'outbox'>,
  logger: Logger,
  clock: Clock,
): () => void {
  const stopping = new AbortController();
  const run = async () => {
    try {
      const forgotten = await services.inboundEvents.prune(
        new Date(clock.now().getTime() - INBOUND_MEMORY_MS),
      );
      await services.outbox.prunePace();
      if (forgotten) logger.debug({ forgotten }, 'old inbound event ids forgotten');
    } catch (err) {
      logger.warn({ err }, 'housekeeping failed; it runs again in an hour');
    }
  };
  void (async () => {
    while (!stopping.signal.aborted) {
      await run();
      await clock.sleep(EVERY_MS, stopping.signal);
    }
  })();
  return () => stopping.abort();
}
