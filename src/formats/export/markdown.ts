import { dayIn } from '../../domain/fiscal-calendar.ts';
import { formatStatus, type Status } from '../../domain/status.ts';
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
  QuarterNote,
  QuarterObjective,
  QuarterTeam,
} from '../quarter/quarter-document.ts';
import type { ExportOptions } from './export-options.ts';
import { NOTE_HEADINGS, NOTES_HEADING, teamDepths } from './wikitext.ts';

// The quarter as GitHub-flavoured Markdown, for a README, an issue or a chat that renders it:
// the same layout as the wiki page, without okrbot's comments (Markdown is not read back).

/**
 * Text that renders as itself: characters Markdown (or the HTML it allows) reads as inline
 * markup are backslash-escaped anywhere, and those that start a block (a list, a heading, a
 * quote) at the start; line breaks become spaces.
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\\`*_{}[\]<>#|~&$!]/g, '\\$&')
    .replace(/^([+\-=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/\s*\n\s*/g, ' ');
}

const badge = (status: Status | null) => (status ? `**${formatStatus(status)}**` : '');

export function renderMarkdown(doc: QuarterDocument, options: ExportOptions): string {
  const zone = doc.department.timezone;
  const lines = [
    `# ${markdownText(doc.department.name)} — ${doc.cycle.label}`,
    '',
    `Goals and status for ${monthRange(doc.cycle.starts_on, doc.cycle.ends_on)}, as of ${longDate(dayIn(new Date(doc.as_of), zone))}.`,
    '',
  ];
  if (doc.objectives.length) {
    lines.push('## Objectives and key results', '');
    for (const objective of doc.objectives) lines.push(...objectiveLines(objective, options));
  }
  if (doc.notes.length) lines.push(`## ${NOTES_HEADING}`, '', ...noteLines(doc.notes));
  const depths = teamDepths(doc.teams);
  for (const team of doc.teams) lines.push(...teamLines(team, depths.get(team.slug) ?? 0, options));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function teamLines(team: QuarterTeam, depth: number, options: ExportOptions): string[] {
  const lines = [`${'#'.repeat(Math.min(2 + depth, 6))} ${markdownText(team.name)}`, ''];
  if (team.managers.length)
    lines.push(
      `Team manager${team.managers.length > 1 ? 's' : ''}: ${team.managers.map(markdownText).join(', ')}`,
      '',
    );
  for (const group of goalGroups(team.goals)) {
    if (group.label !== null) lines.push(`**${markdownText(group.label)}**`, '');
    for (const goal of group.goals)
      lines.push(...goalLines(goal, 0, group.shared.length > 0, options));
    lines.push('');
    if (group.shared.length)
      lines.push(`Dependencies on: ${group.shared.map(markdownText).join(', ')}`, '');
  }
  if (team.reports.length) {
    lines.push('**Monthly status**', '');
    for (const report of team.reports) {
      lines.push(`- ${reportDate(report)}${report.status ? ` — ${badge(report.status)}` : ''}`);
      for (const note of report.notes)
        lines.push(`${'  '.repeat(note.level + 1)}- ${markdownText(note.text)}`);
    }
    lines.push('');
  }
  return lines;
}

function goalLines(
  goal: QuarterGoal,
  depth: number,
  depsShown: boolean,
  options: ExportOptions,
): string[] {
  const indent = '  '.repeat(depth);
  const parts: string[] = [];
  if (goal.status) parts.push(badge(goal.status));
  if (goal.stretch) parts.push('*(stretch)*');
  if (goal.multi_quarter) parts.push('*(multi-quarter)*');
  parts.push(markdownText(goal.title));
  for (const task of goal.tasks) parts.push(`[${task}](${options.taskUrl}${task})`);
  let line = `${indent}- ${parts.join(' ')}`;
  if (goal.note) line += ` — ${markdownText(goal.note)}`;
  const lines = [line];
  if (!depsShown && goal.depends_on.length)
    lines.push(`${indent}  - Dependencies on: ${goal.depends_on.map(markdownText).join(', ')}`);
  for (const item of goal.items) lines.push(...goalLines(item, depth + 1, false, options));
  return lines;
}

function objectiveLines(objective: QuarterObjective, options: ExportOptions): string[] {
  const title = objective.program ? `${objective.program} - ${objective.title}` : objective.title;
  const lines = [`### ${markdownText(title)} (${objective.code})`, ''];
  if (objective.manager) lines.push(`Objective manager: ${markdownText(objective.manager)}`, '');
  if (objective.deliverables.length)
    lines.push(`Key deliverables: ${objective.deliverables.map(markdownText).join(', ')}`, '');
  if (objective.budget_fte !== null || objective.actual_fte !== null)
    lines.push(
      `Full-time equivalents: budget ${objective.budget_fte ?? '?'}, actual ${objective.actual_fte ?? '?'}`,
      '',
    );
  if (objective.target_cycle)
    lines.push(`Target quarter for completion: ${markdownText(objective.target_cycle)}`, '');
  if (objective.description) lines.push(markdownText(objective.description), '');
  if (objective.key_results.length) {
    const header = [
      'KR',
      'Key result',
      'Manager',
      'Baseline',
      'Target',
      ...quarterColumns(objective.cycle, options.fiscal),
    ];
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => ' --- |').join('')}`);
    for (const kr of objective.key_results) {
      const unit = kr.unit ? markdownText(kr.unit) : null;
      const cells = [
        kr.ref,
        markdownText(kr.text),
        kr.manager ? markdownText(kr.manager) : '',
        krFigure(
          kr.baseline,
          kr.baseline_text && markdownText(kr.baseline_text),
          unit,
          exactNumber,
        ),
        krFigure(kr.target, kr.target_text && markdownText(kr.target_text), unit, exactNumber),
        ...quarterCells(kr, objective.cycle, options.fiscal).map((cell) =>
          cell.text !== null
            ? markdownText(cell.text)
            : cell.value !== null
              ? exactNumber(cell.value)
              : badge(cell.status),
        ),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  for (const table of objective.tables) {
    if (table.caption) lines.push(`*${markdownText(table.caption)}*`, '');
    lines.push(
      `| ${table.columns.map(markdownText).join(' | ')} |`,
      `|${table.columns.map(() => ' --- |').join('')}`,
      ...table.rows.map((row) => `| ${row.map(markdownText).join(' | ')} |`),
      '',
    );
  }
  lines.push(...noteLines(objective.notes));
  return lines;
}

function noteLines(notes: readonly QuarterNote[]): string[] {
  const lines: string[] = [];
  for (const kind of Object.keys(NOTE_HEADINGS) as CycleNoteKind[]) {
    const ofKind = notes.filter((note) => note.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(`**${NOTE_HEADINGS[kind]}**`, '');
    for (const note of ofKind)
      lines.push(`- ${markdownText(note.text)}${note.on ? ` (${longDate(note.on)})` : ''}`);
    lines.push('');
  }
  return lines;
}
