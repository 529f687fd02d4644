import { createCommandRegistry } from '../../commands/index.ts';
import { createChannelChecks } from '../core/channel-checks.ts';
import type { Services } from '../core/command.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../runtime/clock.ts';
import { createMetrics, type Metrics } from '../runtime/metrics.ts';
import { createStore } from '../store/store.ts';

export interface ServiceOptions {
  /** Tests pass their own or none. */
  metrics?: Metrics;
  /** The bot passes the database's; tests a clock they advance, or none for the process's. */
  clock?: Clock;
}

/** Every service commands and adapters may use, over one database. */
export function createServices(db: Db, options: ServiceOptions = {}): Services {
  return {
    ...createStore(db, options.clock),
    registry: createCommandRegistry(),
    metrics: options.metrics ?? createMetrics(),
    channelChecks: createChannelChecks(),
  };
}
