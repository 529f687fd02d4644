import pino from 'pino';
import { type AdapterContextParts, createAdapterContext } from '../../src/app/adapter-context.ts';
import type { AdapterContext } from '../../src/core/adapter-context.ts';
import type { Services } from '../../src/core/command.ts';
import { createRunningWork } from '../../src/core/running-work.ts';
import { createDataVersion } from '../../src/db/data-version.ts';
import type { TransportId } from '../../src/domain/transports.ts';
import { TEST_NOW, testDispatcher } from './dispatcher.ts';

/**
 * The context app/bot.ts starts an adapter with, over the given services: the clock pinned as
 * the test dispatcher's, no admins, no HTTP server, a silent logger.
 */
export function testAdapterContext(
  transport: TransportId,
  services: Services,
  parts: Partial<AdapterContextParts> = {},
): AdapterContext {
  return createAdapterContext(transport, {
    services,
    dispatch: testDispatcher(services),
    admins: [],
    logger: pino({ level: 'silent' }),
    metrics: services.metrics,
    clock: () => new Date(TEST_NOW),
    fiscal: { startMonth: 7 },
    publicUrl: undefined,
    dataVersion: createDataVersion(),
    http: undefined,
    chatTransports: [],
    work: createRunningWork(100),
    personOnline: () => {},
    requestStop: () => {},
    ...parts,
  });
}
