import { dayIn } from '../../domain/fiscal-calendar.ts';
import { formatStatus, type Status } from '../../domain/status.ts';
import { slugify } from '../../domain/text.ts';
import {
  exactNumber,
  goalGroups,
  longDate,
  monthRange,
  quarterCells,
  reportDate,
} from '../quarter/layout.ts';
import type {
  QuarterDocument,
  QuarterGoal,
  QuarterKeyResult,
  QuarterObjective,
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
  const meta: Record<string, unknown> = {};
  if (team.slug !== slugify(team.name)) meta.slug = team.slug;
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
      for (const note of report.notes) lines.push(`** ${wikiText(note)}`);
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

  const meta: Record<string, unknown> = {};
  const own = ownKey(goal.key, parentKey);
  if (own !== defaultKey(goal)) meta.key = own;
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
    }),
  ];
  if (objective.manager)
    lines.push(`Objective Manager: ${wikiText(objective.manager, { listItem: true })}`);
  lines.push('');
  if (objective.description) lines.push(wikiText(objective.description, { lineStart: true }), '');
  if (objective.key_results.length === 0) return lines;
  const quarters = quarterCells({ values: [], statuses: [] }, objective.cycle, options.fiscal);
  lines.push(
    '{| class="wikitable"',
    `! ${[...KR_COLUMNS, ...quarters.map((q) => q.quarter)].join(' !! ')}`,
  );
  for (const kr of objective.key_results)
    lines.push('|-', ...keyResultCells(kr, objective, options));
  lines.push('|}', '');
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
  const number = (value: number | null) => (value === null ? '' : exactNumber(value));
  const cells = [
    `${kr.code}${Object.keys(meta).length ? ` ${wikiComment('kr', meta)}` : ''}`,
    wikiText(kr.text),
    kr.manager ? wikiText(kr.manager) : '',
    number(kr.baseline),
    number(kr.target),
    kr.unit ? wikiText(kr.unit) : '',
    kr.due ?? '',
    ...quarterCells(kr, objective.cycle, options.fiscal).map((cell) =>
      cell.value !== null
        ? exactNumber(cell.value)
        : cell.status
          ? statusTemplate(cell.status)
          : '',
    ),
  ];
  return cells.map((cell) => `| ${cell}`.trimEnd());
}
