import pino from 'pino';
import type { Services } from '../../src/core/command.ts';
import { createDispatcher, type Dispatch } from '../../src/core/dispatch.ts';

/** The instant tests pin the clock to: the demo data's August 2019. */
export const TEST_NOW = '2019-08-28T12:00:00Z';

/** A dispatcher as app/bot.ts builds it, with the clock pinned to `at` and a silent logger. */
export function testDispatcher(services: Services, at = TEST_NOW, publicUrl?: string): Dispatch {
  return createDispatcher({
    services,
    clock: () => new Date(at),
    timeZone: 'UTC',
    fiscal: { startMonth: 7 },
    logger: pino({ level: 'silent' }),
    publicUrl,
  });
}
