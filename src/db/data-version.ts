// A counter that moves whenever data that chat answers are made of changes, so answers kept in
// memory (see chat/answer-cache.ts) are never served after a change. Two sources move it: this
// process's own write statements, seen as they are sent (no delay for the next request), and
// NOTIFYs from the database triggers of migrations 0002 and 0005, which report other processes' and
// instances' writes.

/** Tables answers are made of; their triggers notify `okrbot_data` (migration 0002). */
export const CONTENT_TABLES: ReadonlySet<string> = new Set([
  'departments',
  'teams',
  'people',
  'identities',
  'team_roles',
  'channels',
  'cycles',
  'objectives',
  'key_results',
  'kr_milestones',
  'kr_quarter_statuses',
  'cycle_notes',
  'goals',
  'goal_dependencies',
  'status_entries',
  'metric_values',
  'status_reports',
  'report_notes',
  'snoozes',
]);

export const DATA_CHANNEL = 'okrbot_data';

const WRITE = /\b(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?)\s+"?([a-z_]+)"?/gi;

export interface DataVersion {
  current(): number;
  bump(): void;
  /** Calls `listener` after each move (views kept elsewhere, such as Slack's App Home); unsubscribes. */
  onChange(listener: () => void): () => void;
  /** The database's query hook: a write to a content table moves the version. */
  observe(query: string): void;
}

export function createDataVersion(): DataVersion {
  let version = 0;
  const listeners = new Set<() => void>();
  const bump = () => {
    version += 1;
    for (const listener of listeners) listener();
  };
  return {
    current: () => version,
    bump,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    observe(query) {
      for (const [, table] of query.matchAll(WRITE))
        if (CONTENT_TABLES.has((table as string).toLowerCase())) {
          bump();
          return;
        }
    },
  };
}
