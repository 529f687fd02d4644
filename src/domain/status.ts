import { normalizeIdentifier } from './text.ts';

/** The nine status markers of the goals pages, in the order the pages list them. */
export const STATUSES = [
  'to_do',
  'in_progress',
  'done',
  'partially_done',
  'not_done',
  'stalled',
  'postponed',
  'blocked',
  'cancelled',
] as const;

export type Status = (typeof STATUSES)[number];

export const STATUS_LABELS: Readonly<Record<Status, string>> = {
  to_do: 'To do',
  in_progress: 'In progress',
  done: 'Done',
  partially_done: 'Partially done',
  not_done: 'Not done',
  stalled: 'Stalled',
  postponed: 'Postponed',
  blocked: 'Blocked',
  cancelled: 'Cancelled',
};

/** Statuses after which a goal needs no more work this cycle: never overdue, never nudged. */
export const CLOSED_STATUSES: ReadonlySet<Status> = new Set(['done', 'cancelled']);

// Words managers actually write, including the page templates' doubled markers
// ("Yes Done", "N Postponed", "Incomplete Partially done") and their first halves.
const SYNONYMS: Readonly<Record<Status, readonly string[]>> = {
  to_do: ['to do', 'todo', 'to-do', 'not started', 'planned'],
  in_progress: [
    'in progress',
    'in-progress',
    'progress',
    'wip',
    'ongoing',
    'on going',
    'started',
    'underway',
    'under way',
    'on track',
    'active',
    'doing',
  ],
  done: ['done', 'yes done', 'complete', 'completed', 'finished', 'shipped', 'resolved'],
  partially_done: [
    'partially done',
    'partially complete',
    'partially completed',
    'partially',
    'partial',
    'partly done',
    'incomplete',
    'incomplete partially done',
  ],
  not_done: [
    'not done',
    'n not done',
    'not finished',
    'not completed',
    'missed',
    'failed',
    'dropped',
  ],
  stalled: ['stalled', 'n stalled', 'stuck', 'paused', 'on hold'],
  postponed: ['postponed', 'n postponed', 'deferred', 'delayed'],
  blocked: ['blocked', 'n blocked', 'waiting', 'blocker'],
  cancelled: [
    'cancelled',
    'canceled',
    'n cancelled',
    'abandoned',
    'wontfix',
    "won't do",
    'wont do',
  ],
};

const LOOKUP: ReadonlyMap<string, Status> = new Map(
  STATUSES.flatMap((status) => [
    [status.replace('_', ' '), status] as const,
    [STATUS_LABELS[status].toLowerCase(), status] as const,
    ...SYNONYMS[status].map((word) => [word, status] as const),
  ]),
);

function statusKey(text: string): string {
  return normalizeIdentifier(text)
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .replace(/[.!:;,]+$/, '')
    .trim();
}

/** Reads a status marker or synonym; undefined when the text is not a status. */
export function parseStatus(text: string): Status | undefined {
  return LOOKUP.get(statusKey(text));
}

export function formatStatus(status: Status): string {
  return STATUS_LABELS[status];
}

/** Every accepted spelling with its status, longest first (for scanning free text). */
export function statusPhrases(): readonly (readonly [phrase: string, status: Status])[] {
  return PHRASES;
}

const PHRASES = [...LOOKUP]
  .map(([phrase, status]) => [phrase.replace(/-/g, ' '), status] as const)
  .filter(([phrase], i, all) => all.findIndex(([other]) => other === phrase) === i)
  .sort((a, b) => b[0].length - a[0].length);

/** Every accepted spelling, for help text and error messages. */
export function statusWords(): string[] {
  return [...LOOKUP.keys()];
}
