import { formatStatus, type Status } from '../../domain/status.ts';
import { exactNumber } from '../quarter/layout.ts';
import type { QuarterDocument, QuarterGoal } from '../quarter/quarter-document.ts';

// One row per goal, sub-item or key result, for spreadsheets. RFC 4180: CRLF line ends, and a
// field with a comma, quote or line break is quoted with its quotes doubled. Text that a
// spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) gets a
// leading apostrophe: a goal title must never execute in someone's spreadsheet.

export const CSV_COLUMNS = [
  'kind',
  'department',
  'cycle',
  'team',
  'parent',
  'key',
  'group',
  'title',
  'tasks',
  'status',
  'status_on',
  'note',
  'stretch',
  'multi_quarter',
  'key_result',
  'depends_on',
  'objective',
  'manager',
  'baseline',
  'target',
  'unit',
  'due',
  'value',
  'value_on',
] as const;

type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | boolean | null>>;

/** A field as RFC 4180 writes it, with formula injection defused. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : '';
  // Numbers are ours, not user text: -5 stays a number.
  let text = typeof value === 'number' ? exactNumber(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const label = (status: Status | null) => (status ? formatStatus(status) : null);

export function renderCsv(doc: QuarterDocument): string {
  const rows: Row[] = [];
  const base = { department: doc.department.name, cycle: doc.cycle.label };
  const goalRows = (goal: QuarterGoal, team: string, parent: string | null) => {
    rows.push({
      ...base,
      kind: parent === null ? 'goal' : 'sub-item',
      team,
      parent,
      key: goal.key,
      group: goal.group,
      title: goal.title,
      tasks: goal.tasks.join(' '),
      status: label(goal.status),
      status_on: goal.status_on,
      note: goal.note,
      stretch: goal.stretch,
      multi_quarter: goal.multi_quarter,
      key_result: goal.key_result,
      depends_on: goal.depends_on.join('; '),
    });
    for (const item of goal.items) goalRows(item, team, goal.key);
  };
  for (const objective of doc.objectives)
    for (const kr of objective.key_results)
      rows.push({
        ...base,
        cycle: objective.cycle,
        kind: 'key result',
        key: kr.ref,
        title: kr.text,
        status: label(kr.status),
        status_on: kr.statuses.at(-1)?.on ?? null,
        note: kr.statuses.at(-1)?.note ?? null,
        objective: objective.title,
        manager: kr.manager,
        baseline: kr.baseline ?? kr.baseline_text,
        target: kr.target ?? kr.target_text,
        unit: kr.unit,
        due: kr.due,
        value: kr.value,
        value_on: kr.value_on,
      });
  for (const team of doc.teams) for (const goal of team.goals) goalRows(goal, team.name, null);
  const lines = [
    CSV_COLUMNS.join(','),
    ...rows.map((row) => CSV_COLUMNS.map((column) => csvField(row[column])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
