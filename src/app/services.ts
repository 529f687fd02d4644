import { createCommandRegistry } from '../../commands/index.ts';
import type { Services } from '../core/command.ts';
import type { Db } from '../db/database.ts';
import { createMetrics, type Metrics } from '../runtime/metrics.ts';
import { createStore } from '../store/store.ts';

/** Every service commands and adapters may use, over one database (tests pass their own metrics or none). */
export function createServices(db: Db, metrics: Metrics = createMetrics()): Services {
  return { ...createStore(db), registry: createCommandRegistry(), metrics };
}
