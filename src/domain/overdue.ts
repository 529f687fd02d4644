import { CLOSED_STATUSES, type Status } from './status.ts';

// When a goal or key result needs attention. Pure: the store gathers the facts, the `overdue`
// command, the digest and (later) the nudges apply these rules.

export interface TrackedItem {
  status: Status | null;
  /** The final due instant: a goal's own due day or its quarter's end; a key result's due day. */
  dueAt: Date | null;
  /** Intermediate targets of a key result. */
  milestones: readonly { dueAt: Date; target: number | null; text: string | null }[];
  /** A key result's metric: its target, whether higher is better, and its values so far. */
  target: number | null;
  direction: 'up' | 'down';
  values: readonly { at: Date; value: number }[];
  /** The latest status entry or value of any kind. */
  lastUpdateAt: Date | null;
  snoozedUntil: Date | null;
}

export type Finding =
  | {
      kind: 'overdue';
      dueAt: Date;
      milestone: string | null;
      target: number | null;
      latest: number | null;
      snoozed: boolean;
    }
  | { kind: 'stale'; lastUpdateAt: Date | null; days: number | null; snoozed: boolean };

export interface Rules {
  /** An open item with no update for this many days is stale. */
  staleDays: number;
}

export const DEFAULT_RULES: Rules = { staleDays: 35 };

// A quarter that ended with the goal Postponed or Not done has its verdict: not overdue.
const SETTLED_AFTER_DUE: ReadonlySet<Status> = new Set(['postponed', 'not_done']);

const DAY = 86_400_000;

/** What is wrong with an item at `now`: overdue (a due date or milestone missed), stale, or nothing. */
export function assess(item: TrackedItem, now: Date, rules: Rules = DEFAULT_RULES): Finding[] {
  if (item.status && CLOSED_STATUSES.has(item.status)) return [];
  const snoozed = item.snoozedUntil !== null && item.snoozedUntil > now;
  const findings: Finding[] = [];
  const missed = missedDeadline(item, now);
  if (missed) findings.push({ ...missed, kind: 'overdue', snoozed });
  const dueOver = item.dueAt !== null && item.dueAt <= now;
  // Postponed and Not done are verdicts, not work under way: nobody owes them an update.
  if (!dueOver && !(item.status && SETTLED_AFTER_DUE.has(item.status))) {
    const days =
      item.lastUpdateAt === null
        ? null
        : Math.floor((now.getTime() - item.lastUpdateAt.getTime()) / DAY);
    if (days === null || days > rules.staleDays)
      findings.push({ kind: 'stale', lastUpdateAt: item.lastUpdateAt, days, snoozed });
  }
  return findings;
}

/** The latest deadline that passed unmet: a milestone, or the final due date. */
function missedDeadline(
  item: TrackedItem,
  now: Date,
): Omit<Extract<Finding, { kind: 'overdue' }>, 'kind' | 'snoozed'> | undefined {
  const latestValue = (at: Date) => {
    let latest: number | null = null;
    for (const value of item.values) if (value.at <= at && value.at <= now) latest = value.value;
    return latest;
  };
  const meets = (target: number | null, latest: number | null): boolean => {
    // Without a numeric target the measure is the status: only Done meets it.
    if (target === null) return item.status === 'done';
    if (latest === null) return false;
    return item.direction === 'up' ? latest >= target : latest <= target;
  };
  if (item.dueAt && item.dueAt <= now) {
    if (item.status && SETTLED_AFTER_DUE.has(item.status) && item.target === null) return undefined;
    const latest = latestValue(now);
    if (!meets(item.target, latest))
      return { dueAt: item.dueAt, milestone: null, target: item.target, latest };
    return undefined;
  }
  const passed = item.milestones
    .filter((m) => m.dueAt <= now)
    .sort((a, b) => b.dueAt.getTime() - a.dueAt.getTime())[0];
  if (!passed) return undefined;
  const latest = latestValue(now);
  if (meets(passed.target, latest)) return undefined;
  return { dueAt: passed.dueAt, milestone: passed.text, target: passed.target, latest };
}

/** Nudges about one item are at least this many calendar days apart. */
export const NUDGE_INTERVAL_DAYS = 7;

/**
 * Whom a nudge goes to, from how many nudges since the item's last update went unanswered:
 * two ignored nudges move it up a level. 1: the KR manager (a goal's team managers), 2: the team
 * manager above them, 3: an item in the department's digest (never a public @-mention).
 */
export function nudgeLevel(ignored: number): 1 | 2 | 3 {
  return ignored < 2 ? 1 : ignored < 4 ? 2 : 3;
}
