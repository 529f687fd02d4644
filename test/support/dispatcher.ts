import pino from 'pino';
import type { Services } from '../../src/core/command.ts';
import { createDispatcher, type Dispatch } from '../../src/core/dispatch.ts';

/** A dispatcher as src/main.ts builds it, with the clock pinned to `at` and a silent logger. */
export function testDispatcher(
  services: Services,
  at = '2019-08-28T12:00:00Z',
  publicUrl?: string,
): Dispatch {
  return createDispatcher({
    services,
    clock: () => new Date(at),
    timeZone: 'UTC',
    fiscal: { startMonth: 7 },
    logger: pino({ level: 'silent' }),
    publicUrl,
  });
}
