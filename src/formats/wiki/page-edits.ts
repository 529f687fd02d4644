import { formatStatus, type Status } from '../../domain/status.ts';
import { slugify } from '../../domain/text.ts';
import type { GoalInput, QuarterFile, TeamInput } from '../import/quarter-file.ts';
import type { ExtraLine } from '../import/wikitext-quarter.ts';

// What changed between two readings of a quarter page, as edits a person would name: a status
// changed, a goal or a note added or edited, a goal removed, a team renamed, teams or goals
// reordered, managers replaced, a line of their own added. The same comparison tells what people
// changed on the wiki (okrbot's last revision against theirs) and what okrbot would change on it
// (the page as it stands against the page okrbot would write).

/** A page read: the quarter it says, and the lines of people's own it keeps. */
export interface PageState {
  file: QuarterFile;
  extras: readonly ExtraLine[];
}

type GoalFields = Pick<GoalInput, 'title' | 'tasks' | 'note' | 'stretch' | 'group' | 'depends_on'>;

export type PageEdit =
  | {
      kind: 'status';
      team: string;
      key: string;
      from: Status | null;
      to: Status | null;
      note: string | null;
    }
  | { kind: 'goal-edited'; team: string; key: string; fields: Partial<GoalFields>; title: string }
  | { kind: 'goal-added'; team: string; key: string; parent: string | null; goal: GoalInput }
  | { kind: 'goal-removed'; team: string; key: string; title: string }
  | { kind: 'goals-reordered'; team: string; order: string[] }
  | { kind: 'team-renamed'; team: string; from: string; to: string }
  | { kind: 'teams-reordered'; order: string[] }
  | { kind: 'managers'; team: string; from: string[]; to: string[] }
  | {
      kind: 'report-added';
      team: string;
      month: string;
      on: string | null;
      status: Status | null;
      notes: { text: string; level: number }[];
    }
  | {
      kind: 'note-added';
      team: string;
      month: string;
      on: string | null;
      text: string;
      level: number;
    }
  | {
      kind: 'note-edited';
      team: string;
      month: string;
      on: string | null;
      from: string;
      to: string;
    }
  | { kind: 'line-added'; anchor: string; text: string }
  | { kind: 'line-removed'; anchor: string; text: string };

/** The slug a page's team goes by (import-organisation derives the same). */
export function teamSlug(team: Pick<TeamInput, 'slug' | 'name'>): string {
  return slugify(team.slug ?? team.name);
}

/** A goal's key within its team (import-goals `goalKey`), its parent's key first. */
function ownKey(goal: GoalInput): string {
  return goal.key ?? goal.tasks?.[0] ?? slugify(goal.title).slice(0, 200);
}

interface FlatGoal {
  goal: GoalInput;
  parent: string | null;
}

/** Every goal of a team by its full key, in page order. */
export function flattenGoals(team: TeamInput): Map<string, FlatGoal> {
  const out = new Map<string, FlatGoal>();
  const visit = (goals: readonly GoalInput[] | undefined, parent: string | null) => {
    for (const goal of goals ?? []) {
      const key = parent ? `${parent}/${ownKey(goal)}` : ownKey(goal);
      out.set(key, { goal, parent });
      visit(goal.items, key);
    }
  };
  visit(team.goals, null);
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The edits that turn page `a` into page `b`. */
export function diffPages(a: PageState, b: PageState): PageEdit[] {
  const edits: PageEdit[] = [];
  const teamsA = new Map((a.file.teams ?? []).map((t) => [teamSlug(t), t]));
  const teamsB = new Map((b.file.teams ?? []).map((t) => [teamSlug(t), t]));

  const orderA = [...teamsA.keys()].filter((slug) => teamsB.has(slug));
  const orderB = [...teamsB.keys()].filter((slug) => teamsA.has(slug));
  if (!same(orderA, orderB)) edits.push({ kind: 'teams-reordered', order: orderB });

  for (const [slug, teamB] of teamsB) {
    const teamA = teamsA.get(slug);
    if (!teamA) continue;
    if (teamA.name !== teamB.name)
      edits.push({ kind: 'team-renamed', team: slug, from: teamA.name, to: teamB.name });
    if (!same(teamA.managers ?? [], teamB.managers ?? []))
      edits.push({
        kind: 'managers',
        team: slug,
        from: teamA.managers ?? [],
        to: teamB.managers ?? [],
      });
    edits.push(...goalEdits(slug, flattenGoals(teamA), flattenGoals(teamB)));
    edits.push(...reportEdits(slug, teamA, teamB));
  }

  const key = (line: ExtraLine) => `${line.anchor}\n${line.text}`;
  const extrasA = new Set(a.extras.map(key));
  const extrasB = new Set(b.extras.map(key));
  for (const line of b.extras)
    if (!extrasA.has(key(line))) edits.push({ kind: 'line-added', ...line });
  for (const line of a.extras)
    if (!extrasB.has(key(line))) edits.push({ kind: 'line-removed', ...line });
  return edits;
}

function goalEdits(team: string, a: Map<string, FlatGoal>, b: Map<string, FlatGoal>): PageEdit[] {
  const edits: PageEdit[] = [];
  for (const [key, { goal, parent }] of b) {
    const before = a.get(key)?.goal;
    if (!before) {
      // A sub-item of a goal added in the same edit comes with it.
      if (parent === null || a.has(parent))
        edits.push({ kind: 'goal-added', team, key, parent, goal });
      continue;
    }
    if ((before.status ?? null) !== (goal.status ?? null))
      edits.push({
        kind: 'status',
        team,
        key,
        from: before.status ?? null,
        to: goal.status ?? null,
        note: goal.note ?? null,
      });
    const fields: Partial<GoalFields> = {};
    for (const field of ['title', 'tasks', 'stretch', 'group', 'depends_on'] as const)
      if (!same(before[field], goal[field])) Object.assign(fields, { [field]: goal[field] });
    // A new note with a new status is that status's note; alone it is an edit of the note.
    if (
      (before.note ?? null) !== (goal.note ?? null) &&
      (before.status ?? null) === (goal.status ?? null)
    )
      fields.note = goal.note;
    if (Object.keys(fields).length)
      edits.push({ kind: 'goal-edited', team, key, fields, title: goal.title });
  }
  for (const [key, { goal, parent }] of a)
    if (!b.has(key) && (parent === null || b.has(parent)))
      edits.push({ kind: 'goal-removed', team, key, title: goal.title });
  const order = (goals: Map<string, FlatGoal>, other: Map<string, FlatGoal>) =>
    [...goals.keys()].filter((key) => other.has(key));
  const orderB = order(b, a);
  if (!same(order(a, b), orderB)) edits.push({ kind: 'goals-reordered', team, order: orderB });
  return edits;
}

function reportEdits(team: string, a: TeamInput, b: TeamInput): PageEdit[] {
  const edits: PageEdit[] = [];
  const id = (r: { month: string; on?: string | undefined }) => `${r.month}|${r.on ?? ''}`;
  const reportsA = new Map((a.reports ?? []).map((r) => [id(r), r]));
  for (const report of b.reports ?? []) {
    const on = report.on ?? null;
    const before = reportsA.get(id(report));
    if (!before) {
      edits.push({
        kind: 'report-added',
        team,
        month: report.month,
        on,
        status: report.status ?? null,
        notes: report.notes,
      });
      continue;
    }
    const texts = new Set(before.notes.map((n) => n.text));
    const kept = new Set(report.notes.map((n) => n.text));
    const gone = before.notes.filter((n) => !kept.has(n.text));
    for (const note of report.notes) {
      if (texts.has(note.text)) continue;
      // A note in the place of one that went is that note edited.
      const replaced = gone.shift();
      edits.push(
        replaced
          ? {
              kind: 'note-edited',
              team,
              month: report.month,
              on,
              from: replaced.text,
              to: note.text,
            }
          : {
              kind: 'note-added',
              team,
              month: report.month,
              on,
              text: note.text,
              level: note.level,
            },
      );
    }
  }
  return edits;
}

/** The item an edit is about, for telling edits of the same goal apart from others. */
export function editSubject(edit: PageEdit): string | undefined {
  switch (edit.kind) {
    case 'status':
    case 'goal-edited':
    case 'goal-removed':
      return `${edit.team}/${edit.key}`;
    default:
      return undefined;
  }
}

/** An edit in a sentence, for `wiki sync --dry-run`, its report and edit summaries. */
export function describeEdit(edit: PageEdit, names: { team(slug: string): string }): string {
  const team = 'team' in edit ? names.team(edit.team) : '';
  const status = (s: Status | null) => (s ? formatStatus(s) : 'no status');
  switch (edit.kind) {
    case 'status':
      return `${team}: ${edit.key} ${status(edit.from)} → ${status(edit.to)}${edit.note ? ` (${edit.note})` : ''}`;
    case 'goal-edited':
      return `${team}: ${edit.key} ${Object.entries(edit.fields)
        .map(
          ([field, value]) =>
            `${field.replace('_', ' ')} now ${Array.isArray(value) ? value.join(', ') || 'none' : (value ?? 'none')}`,
        )
        .join('; ')}`;
    case 'goal-added':
      return `${team}: goal added${edit.parent ? ` under ${edit.parent}` : ''}: ${edit.goal.title}${edit.goal.status ? ` (${status(edit.goal.status)})` : ''}`;
    case 'goal-removed':
      return `${team}: goal removed: ${edit.key} ${edit.title} (waits for an admin to confirm)`;
    case 'goals-reordered':
      return `${team}: goals reordered`;
    case 'team-renamed':
      return `team renamed: ${edit.from} → ${edit.to}`;
    case 'teams-reordered':
      return `teams reordered: ${edit.order.map((slug) => names.team(slug)).join(', ')}`;
    case 'managers':
      return `${team}: managers ${edit.from.join(', ') || 'none'} → ${edit.to.join(', ') || 'none'}`;
    case 'report-added':
      return `${team}: dated note ${edit.on ?? edit.month}${edit.status ? ` (${status(edit.status)})` : ''}${edit.notes.length ? `: ${edit.notes.map((n) => n.text).join(' / ')}` : ''}`;
    case 'note-added':
      return `${team}: note added to ${edit.on ?? edit.month}: ${edit.text}`;
    case 'note-edited':
      return `${team}: note of ${edit.on ?? edit.month} edited: ${edit.to}`;
    case 'line-added':
      return `line added (kept on the page): ${edit.text.trim()}`;
    case 'line-removed':
      return `line removed: ${edit.text.trim()}`;
  }
}
