import { pgEnum } from 'drizzle-orm/pg-core';
import { STATUSES } from '../../domain/status.ts';
import { TRANSPORT_IDS } from '../../domain/transports.ts';

export const goalStatus = pgEnum('goal_status', STATUSES);
/** Where a change came from: a chat transport, the dashboard, an import, the scheduler, the wiki page. */
export const changeSource = pgEnum('change_source', [
  ...TRANSPORT_IDS,
  'web',
  'import',
  'system',
  'wiki',
]);
export const transport = pgEnum('transport', TRANSPORT_IDS);
export const teamRole = pgEnum('team_role', ['manager', 'delegate']);
export const cycleKind = pgEnum('cycle_kind', ['year', 'quarter']);
export const metricDirection = pgEnum('metric_direction', ['up', 'down']);
export const channelPurpose = pgEnum('channel_purpose', ['team', 'digest']);
export const deliveryState = pgEnum('delivery_state', [
  'pending',
  'sending',
  'sent',
  'failed',
  'dead',
  'skipped',
]);
export const runState = pgEnum('run_state', ['running', 'done', 'late', 'skipped', 'failed']);
