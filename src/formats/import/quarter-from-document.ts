import { slugify } from '../../domain/text.ts';
import { defaultKey, ownKey } from '../export/wikitext.ts';
import type { QuarterDocument, QuarterGoal } from '../quarter/quarter-document.ts';

// A JSON export in the quarter-file structure, so it imports through the same validation and
// idempotent importer as YAML. Computed fields (current value, refs) are left out: the importer
// derives them again.

type Raw = Record<string, unknown>;

/** Keeps the fields that are set, so the quarter file reads like one written by hand. */
function present(fields: Raw): Raw {
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([, value]) =>
        value !== null &&
        value !== undefined &&
        value !== false &&
        !(Array.isArray(value) && value.length === 0),
    ),
  );
}

const dated = (entry: { on: string; status: string; note: string | null }) =>
  present({ on: entry.on, status: entry.status, note: entry.note });

const note = (entry: { kind: string; on: string | null; text: string }) =>
  present({ kind: entry.kind, on: entry.on, text: entry.text });

function goalFile(goal: QuarterGoal, parentKey: string | undefined): Raw {
  const own = ownKey(goal.key, parentKey);
  return present({
    title: goal.title,
    key: own === defaultKey(goal) ? undefined : own,
    group: parentKey === undefined ? goal.group : undefined,
    tasks: goal.tasks,
    status: goal.status,
    status_on: goal.status_on,
    note: goal.note,
    history: goal.history.slice(0, -1).map(dated),
    stretch: goal.stretch,
    multi_quarter: goal.multi_quarter,
    key_result: goal.key_result,
    depends_on: goal.depends_on,
    items: goal.items.map((item) => goalFile(item, goal.key)),
  });
}

export function quarterFileFromDocument(doc: QuarterDocument): Raw {
  return present({
    department: doc.department.name,
    department_slug: doc.department.slug,
    timezone: doc.department.timezone,
    cycle: doc.cycle.label,
    teams: doc.teams.map((team) =>
      present({
        name: team.name,
        slug: team.slug === slugify(team.name) ? undefined : team.slug,
        aliases: team.aliases.filter((alias) => alias !== slugify(team.name)),
        parent: team.parent,
        managers: team.managers,
        delegates: team.delegates,
        goals: team.goals.map((goal) => goalFile(goal, undefined)),
        reports: team.reports.map((report) =>
          present({
            month: report.month,
            on: report.on,
            status: report.status,
            notes: report.notes.map((note) => (note.level === 0 ? note.text : note)),
          }),
        ),
      }),
    ),
    objectives: doc.objectives.map((objective) =>
      present({
        code: objective.code,
        cycle: objective.cycle,
        program: objective.program,
        title: objective.title,
        description: objective.description,
        manager: objective.manager,
        kind: objective.kind === 'objective' ? undefined : objective.kind,
        deliverables: objective.deliverables,
        budget_fte: objective.budget_fte,
        actual_fte: objective.actual_fte,
        target_cycle: objective.target_cycle,
        tables: objective.tables.map((table) =>
          present({ caption: table.caption, columns: table.columns, rows: table.rows }),
        ),
        notes: objective.notes.map(note),
        key_results: objective.key_results.map((kr) =>
          present({
            code: kr.code,
            text: kr.text,
            manager: kr.manager,
            baseline: kr.baseline,
            target: kr.target,
            baseline_text: kr.baseline_text,
            target_text: kr.target_text,
            unit: kr.unit,
            direction: kr.direction,
            due: kr.due,
            milestones: kr.milestones.map((m) =>
              present({ due: m.due, target: m.target, text: m.text }),
            ),
            values: kr.values.map((v) => present({ on: v.on, value: v.value, note: v.note })),
            statuses: kr.statuses.map(dated),
            quarters: kr.quarters.length
              ? Object.fromEntries(kr.quarters.map((q) => [`Q${q.quarter}`, q.text]))
              : undefined,
          }),
        ),
      }),
    ),
    notes: doc.notes.map(note),
  });
}
