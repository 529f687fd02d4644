import { dayIn } from '../../domain/fiscal-calendar.ts';
import { formatStatus, type Status } from '../../domain/status.ts';
import { slugify } from '../../domain/text.ts';
import {
  exactNumber,
  goalGroups,
  krFigure,
  longDate,
  monthRange,
  quarterCells,
  quarterColumns,
  reportDate,
} from '../quarter/layout.ts';
import type {
  CycleNoteKind,
  QuarterDocument,
  QuarterGoal,
  QuarterKeyResult,
  QuarterNote,
  QuarterObjective,
  QuarterTable,
  QuarterTeam,
} from '../quarter/quarter-document.ts';
import type { ExportOptions } from './export-options.ts';
import { wikiComment, wikiText } from './wikitext-text.ts';

// The quarter as a MediaWiki page in the goals pages' layout: a section per team (sub-teams one
// level down) with its manager line, goals under their headings with status templates and task
// links, "Dependencies on" lines and the dated monthly notes; objectives with KR tables first.
// What the page does not show (keys, status history, KR values) rides along in HTML comments,
// so `okrbot import` reads the page back without loss. docs/wikitext.md describes the layout.

/** Heading line that marks the monthly notes of a team. */
export const REPORTS_MARKER = "'''Monthly status'''";
export const OBJECTIVES_HEADING = 'Objectives and key results';
export const NOTES_HEADING = 'Wins, challenges and themes';
/** The class that tells a key-result table from the other tables of an objective. */
export const KEY_RESULTS_TABLE = '{| class="wikitable okrbot-key-results"';

/** How each kind of dated note is headed on the page. */
export const NOTE_HEADINGS: Readonly<Record<CycleNoteKind, string>> = {
  delivered: 'Work delivered',
  win: 'Supporting wins',
  challenge: 'Challenges',
  theme: 'Themes for the next quarter',
};

export function statusTemplate(status: Status): string {
  return `{{${formatStatus(status)}}}`;
}

export function renderWikitext(doc: QuarterDocument, options: ExportOptions): string {
  const lines: string[] = [
    wikiComment('quarter', {
      department: doc.department.slug,
      name: doc.department.name,
      timezone: doc.department.timezone,
      cycle: doc.cycle.label,
      as_of: doc.as_of,
    }),
    `${wikiText(doc.department.name, { lineStart: true })} goals and status for ${doc.cycle.label} (${monthRange(doc.cycle.starts_on, doc.cycle.ends_on)}), as of ${longDate(dayIn(new Date(doc.as_of), doc.department.timezone))}.`,
    '',
  ];
  if (doc.objectives.length) {
    lines.push(`== ${OBJECTIVES_HEADING} ==`, wikiComment('objectives'), '');
    for (const objective of doc.objectives) lines.push(...objectiveLines(objective, options));
  }
  if (doc.notes.length)
    lines.push(`== ${NOTES_HEADING} ==`, wikiComment('notes'), '', ...noteLines(doc.notes));
  const depth = teamDepths(doc.teams);
  for (const team of doc.teams)
    lines.push(...teamLines(team, depth.get(team.slug) ?? 0, doc, options));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** How deep each team sits under the teams above it on the page. */
export function teamDepths(teams: readonly QuarterTeam[]): Map<string, number> {
  const depths = new Map<string, number>();
  for (const team of teams)
    depths.set(team.slug, team.parent === null ? 0 : (depths.get(team.parent) ?? -1) + 1);
  return depths;
}

function teamLines(
  team: QuarterTeam,
  depth: number,
  doc: QuarterDocument,
  options: ExportOptions,
): string[] {
  const marks = '='.repeat(Math.min(2 + depth, 6));
  // The slug is always written: it is how a team renamed on the wiki stays the same team.
  const meta: Record<string, unknown> = { slug: team.slug };
  const derived = slugify(team.name);
  const aliases = team.aliases.filter((alias) => alias !== derived);
  if (aliases.length) meta.aliases = aliases;
  const lines = [`${marks} ${wikiText(team.name, { heading: true })} ${marks}`];
  lines.push(wikiComment('team', meta));
  if (team.managers.length)
    lines.push(
      `Team Manager${team.managers.length > 1 ? 's' : ''}: ${team.managers.map((n) => wikiText(n, { listItem: true })).join(', ')}`,
    );
  if (team.delegates.length)
    lines.push(
      `Delegates: ${team.delegates.map((n) => wikiText(n, { listItem: true })).join(', ')}`,
    );
  lines.push('');
  for (const group of goalGroups(team.goals)) {
    if (group.label !== null) lines.push(`'''${groupLabel(group.label)}'''`);
    for (const goal of group.goals)
      lines.push(...goalLines(goal, 1, undefined, group.shared.length > 0, doc, options));
    if (group.shared.length) lines.push(dependencies(group.shared));
    lines.push('');
  }
  if (team.reports.length) {
    lines.push(REPORTS_MARKER);
    for (const report of team.reports) {
      const meta =
        report.on && report.on.slice(0, 7) !== report.month ? { month: report.month } : undefined;
      lines.push(
        `* ${reportDate(report)}${report.status ? ` - ${statusTemplate(report.status)}` : ''}${meta ? ` ${wikiComment('report', meta)}` : ''}`,
      );
      for (const note of report.notes)
        lines.push(`${'*'.repeat(note.level + 2)} ${wikiText(note.text, { lineStart: true })}`);
    }
    lines.push('');
  }
  return lines;
}

function groupLabel(label: string): string {
  const text = wikiText(label, { bold: true });
  // A heading called "Monthly status" must not read as the monthly notes' marker.
  return /^monthly status$/i.test(text) ? `&#${text.codePointAt(0)};${text.slice(1)}` : text;
}

function dependencies(labels: readonly string[]): string {
  return `Dependencies on: ${labels.map((label) => wikiText(label, { listItem: true })).join(', ')}`;
}

export function taskLink(taskUrl: string, taskId: string): string {
  // An external link's address ends at a space or `]`; a configured URL must not break out.
  const url = `${taskUrl}${taskId}`.replace(/[\s[\]]/g, encodeURIComponent);
  return `[${url} task ${taskId}]`;
}

/** The part of a sub-item's key under its parent (the importer prefixes the parent's key). */
export function ownKey(key: string, parentKey: string | undefined): string {
  return parentKey !== undefined && key.startsWith(`${parentKey}/`)
    ? key.slice(parentKey.length + 1)
    : key;
}

/** The key an import derives when the file gives none (import-goals.ts `goalKey`). */
export function defaultKey(goal: Pick<QuarterGoal, 'tasks' | 'title'>): string {
  return goal.tasks[0] ?? slugify(goal.title).slice(0, 200);
}

function goalLines(
  goal: QuarterGoal,
  depth: number,
  parentKey: string | undefined,
  depsShown: boolean,
  doc: QuarterDocument,
  options: ExportOptions,
): string[] {
  const stars = '*'.repeat(depth);
  const parts: string[] = [];
  if (goal.status) parts.push(statusTemplate(goal.status));
  if (goal.stretch) parts.push('[stretch]');
  if (goal.multi_quarter) parts.push('[multi-quarter]');
  parts.push(wikiText(goal.title, { title: true }));
  for (const task of goal.tasks) parts.push(taskLink(options.taskUrl, task));
  let line = `${stars} ${parts.join(' ')}`;
  if (goal.note) line += ` — ${wikiText(goal.note)}`;

  // The key is always written: it is how a goal keeps its history when people edit its line.
  const meta: Record<string, unknown> = { key: ownKey(goal.key, parentKey) };
  if (goal.status_on && goal.status_on !== doc.cycle.starts_on) meta.on = goal.status_on;
  const earlier = goal.history.slice(0, -1);
  if (earlier.length)
    meta.history = earlier.map((h) =>
      h.note === null ? [h.on, h.status] : [h.on, h.status, h.note],
    );
  if (goal.key_result) meta.kr = goal.key_result;
  if (Object.keys(meta).length) line += ` ${wikiComment('goal', meta)}`;

  const lines = [line];
  if (!depsShown && goal.depends_on.length)
    lines.push(`${stars}* ${dependencies(goal.depends_on)}`);
  for (const item of goal.items)
    lines.push(...goalLines(item, depth + 1, goal.key, false, doc, options));
  return lines;
}

const KR_COLUMNS = ['KR', 'Key result', 'Key Result Manager', 'Baseline', 'Target', 'Unit', 'Due'];

function objectiveLines(objective: QuarterObjective, options: ExportOptions): string[] {
  const title = objective.program ? `${objective.program} - ${objective.title}` : objective.title;
  const lines = [
    `=== ${wikiText(title, { heading: true })} ===`,
    wikiComment('objective', {
      code: objective.code,
      cycle: objective.cycle,
      ...(objective.program !== null && { program: objective.program }),
      ...(objective.kind !== 'objective' && { kind: objective.kind }),
    }),
  ];
  if (objective.manager)
    lines.push(`Objective Manager: ${wikiText(objective.manager, { listItem: true })}`);
  if (objective.deliverables.length)
    lines.push(
      `Key deliverables: ${objective.deliverables.map((d) => wikiText(d, { listItem: true })).join(', ')}`,
    );
  if (objective.budget_fte !== null || objective.actual_fte !== null)
    lines.push(
      `Full-time equivalents: budget ${objective.budget_fte === null ? '?' : exactNumber(objective.budget_fte)}, actual ${objective.actual_fte === null ? '?' : exactNumber(objective.actual_fte)}`,
    );
  if (objective.target_cycle)
    lines.push(`Target quarter for completion: ${wikiText(objective.target_cycle)}`);
  lines.push('');
  if (objective.description) lines.push(wikiText(objective.description, { lineStart: true }), '');
  if (objective.key_results.length) {
    const quarters = quarterColumns(objective.cycle, options.fiscal);
    lines.push(KEY_RESULTS_TABLE, `! ${[...KR_COLUMNS, ...quarters].join(' !! ')}`);
    for (const kr of objective.key_results)
      lines.push('|-', ...keyResultCells(kr, objective, options));
    lines.push('|}', '');
  }
  for (const table of objective.tables) lines.push(...tableLines(table));
  if (objective.notes.length) lines.push(...noteLines(objective.notes));
  return lines;
}

function tableLines(table: QuarterTable): string[] {
  const cell = (text: string) => wikiText(text).replace(/^[-+}!]/, (c) => `&#${c.codePointAt(0)};`);
  return [
    '{| class="wikitable"',
    ...(table.caption !== null ? [`|+ ${cell(table.caption)}`] : []),
    `! ${table.columns.map(cell).join(' !! ')}`,
    ...table.rows.flatMap((row) => ['|-', `| ${row.map(cell).join(' || ')}`.trimEnd()]),
    '|}',
    '',
  ];
}

/** Dated notes under a bold heading per kind, in the order the kinds are listed. */
function noteLines(notes: readonly QuarterNote[]): string[] {
  const lines: string[] = [];
  for (const kind of Object.keys(NOTE_HEADINGS) as CycleNoteKind[]) {
    const ofKind = notes.filter((note) => note.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(`'''${NOTE_HEADINGS[kind]}'''`);
    for (const note of ofKind)
      lines.push(
        `* ${wikiText(note.text, { lineStart: true })}${note.on ? ` ${wikiComment('note', { on: note.on })}` : ''}`,
      );
    lines.push('');
  }
  return lines;
}

function keyResultCells(
  kr: QuarterKeyResult,
  objective: QuarterObjective,
  options: ExportOptions,
): string[] {
  const meta: Record<string, unknown> = {};
  if (kr.direction !== 'up') meta.direction = kr.direction;
  if (kr.milestones.length) meta.milestones = kr.milestones.map((m) => [m.due, m.target, m.text]);
  if (kr.values.length)
    meta.values = kr.values.map((v) =>
      v.note === null ? [v.on, v.value] : [v.on, v.value, v.note],
    );
  if (kr.statuses.length)
    meta.statuses = kr.statuses.map((s) =>
      s.note === null ? [s.on, s.status] : [s.on, s.status, s.note],
    );
  if (kr.quarters.length) meta.quarters = kr.quarters.map((q) => [q.quarter, q.text]);
  // Words ride along in the comment (the cell shows the number when there is one), so a
  // baseline "4" in words stays words.
  if (kr.baseline_text !== null) meta.baseline_text = kr.baseline_text;
  if (kr.target_text !== null) meta.target_text = kr.target_text;
  const figure = (value: number | null, words: string | null) =>
    wikiText(krFigure(value, words, null, exactNumber));
  const cells = [
    `${kr.code}${Object.keys(meta).length ? ` ${wikiComment('kr', meta)}` : ''}`,
    wikiText(kr.text),
    kr.manager ? wikiText(kr.manager) : '',
    figure(kr.baseline, kr.baseline_text),
    figure(kr.target, kr.target_text),
    kr.unit ? wikiText(kr.unit) : '',
    kr.due ?? '',
    ...quarterCells(kr, objective.cycle, options.fiscal).map((cell) =>
      cell.text !== null
        ? wikiText(cell.text)
        : cell.value !== null
          ? exactNumber(cell.value)
          : cell.status
            ? statusTemplate(cell.status)
            : '',
    ),
  ];
  return cells.map((cell) => `| ${cell}`.trimEnd());
}
