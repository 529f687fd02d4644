import type { FiscalSettings } from '../../domain/fiscal-calendar.ts';
import {
  type Cycle,
  cycleDays,
  cycleMonths,
  dayIn,
  formatCycle,
  parseCycle,
  previousDay,
} from '../../domain/fiscal-calendar.ts';
import { groupBy } from '../../domain/group-by.ts';
import type { CycleRow, CycleStore } from '../../store/cycles.ts';
import type { PeopleStore } from '../../store/people.ts';
import type { EntryRow, QuarterRows, QuarterStore } from '../../store/quarter.ts';
import {
  type CycleNoteKind,
  type DatedStatus,
  type GoalSnapshot,
  QUARTER_FORMAT,
  QUARTER_FORMAT_VERSION,
  type QuarterKeyResult,
  type QuarterObjective,
  type QuarterSnapshot,
  type TeamSnapshot,
} from './quarter-document.ts';

export interface QuarterDepartment {
  id: number;
  slug: string;
  name: string;
  timeZone: string;
}

/** A quarter; `id` is null when nothing was ever filed under it (its year may have objectives). */
export type QuarterCycle = Omit<CycleRow, 'id' | 'quarter'> & { id: number | null };

export interface QuarterRequest {
  department: QuarterDepartment;
  /** A quarter (goals belong to quarters; a year's objectives come with each of its quarters). */
  cycle: QuarterCycle;
  asOf: Date;
  fiscal: FiscalSettings;
  /** Only these teams, without objectives (a team page). */
  teamIds?: readonly number[];
}

/** The quarter a cycle names, whether or not anything was filed under it yet. */
export async function resolveQuarter(
  cycles: Pick<CycleStore, 'find'>,
  cycle: Required<Cycle>,
  fiscal: FiscalSettings,
): Promise<QuarterCycle> {
  const row = await cycles.find(cycle);
  return {
    id: row?.id ?? null,
    label: formatCycle(cycle, fiscal),
    fiscalYear: cycle.fiscalYear,
    ...cycleDays(cycle, fiscal),
  };
}

export type QuarterDeps = { quarter: QuarterStore; people: Pick<PeopleStore, 'members'> };

/** A department's quarter as of an instant: what the pages show and the exports write. */
export async function loadQuarter(
  deps: QuarterDeps,
  request: QuarterRequest,
): Promise<QuarterSnapshot> {
  const { department, cycle, asOf } = request;
  const rows = await deps.quarter.rows({
    departmentId: department.id,
    cycleId: cycle.id,
    fiscalYear: cycle.fiscalYear,
    months: cycleMonths(parseCycle(cycle.label) as never, request.fiscal),
    asOf,
    asOfDay: dayIn(asOf, department.timeZone),
    ...(request.teamIds && { teamIds: request.teamIds }),
  });
  const teamIds = includedTeams(rows, request.teamIds).map((team) => team.id);
  const [managers, delegates] = await Promise.all([
    deps.people.members(teamIds, 'manager'),
    deps.people.members(teamIds, 'delegate'),
  ]);
  const names = (map: Map<number, { name: string }[]>, id: number) =>
    (map.get(id) ?? []).map((person) => person.name);
  return buildQuarter(rows, request, {
    managers: (id) => names(managers, id),
    delegates: (id) => names(delegates, id),
  });
}

/** Teams with goals or reports in the quarter and their parents, each parent before its sub-teams. */
function includedTeams(rows: QuarterRows, only: readonly number[] | undefined) {
  const byId = new Map(rows.teams.map((team) => [team.id, team]));
  const wanted = new Set<number>();
  for (const row of [...rows.goals, ...rows.reports]) wanted.add(row.teamId);
  if (only) for (const id of only) wanted.add(id);
  else
    for (const id of [...wanted]) {
      let parent = byId.get(id)?.parentId;
      while (parent != null && byId.has(parent) && !wanted.has(parent)) {
        wanted.add(parent);
        parent = byId.get(parent)?.parentId;
      }
    }
  const present = rows.teams.filter((team) => wanted.has(team.id));
  const isRoot = (team: (typeof present)[number]) =>
    team.parentId === null || !present.some((other) => other.id === team.parentId);
  const ordered: typeof present = [];
  const visit = (team: (typeof present)[number]) => {
    ordered.push(team);
    for (const child of present.filter((other) => other.parentId === team.id && !isRoot(other)))
      visit(child);
  };
  for (const root of present.filter(isRoot)) visit(root);
  return ordered;
}

/** Shapes the store's rows into the quarter document (pure, so it is tested without a database). */
export function buildQuarter(
  rows: QuarterRows,
  request: QuarterRequest,
  people: { managers(teamId: number): string[]; delegates(teamId: number): string[] },
): QuarterSnapshot {
  const zone = request.department.timeZone;
  const teams = includedTeams(rows, request.teamIds);
  const slugOf = new Map(rows.teams.map((team) => [team.id, team.slug]));
  const included = new Set(teams.map((team) => team.id));

  const dependencies = groupBy(rows.dependencies, (d) => d.goalId);
  const goalEntries = groupBy(rows.goalEntries, (e) => e.subjectId);
  const children = groupBy(rows.goals, (g) => g.parentId ?? 0);
  const removals = new Map(rows.removals.map((r) => [r.goalId, r]));
  const toGoal = (row: QuarterRows['goals'][number]): GoalSnapshot => {
    const entries = goalEntries.get(row.id) ?? [];
    const history = byDay(entries, zone);
    const current = history.at(-1);
    const removal = removals.get(row.id);
    return {
      id: row.id,
      key: row.key,
      title: row.title,
      group: row.groupLabel,
      tasks: row.taskIds,
      status: current?.status ?? null,
      status_on: current?.on ?? null,
      note: current?.note ?? null,
      history,
      stretch: row.stretch,
      multi_quarter: row.multiQuarter,
      key_result: row.keyResult,
      depends_on: (dependencies.get(row.id) ?? []).map((d) => d.label),
      items: (children.get(row.id) ?? []).map(toGoal),
      status_by: entries.at(-1)?.personName ?? null,
      removal: removal ? { by: removal.by, on: dayIn(removal.at, zone) } : null,
    };
  };
  const topGoals = groupBy(
    rows.goals.filter((g) => g.parentId === null),
    (g) => g.teamId,
  );
  const notes = groupBy(rows.notes, (n) => n.reportId);
  const reports = groupBy(rows.reports, (r) => r.teamId);

  const teamSnapshots: TeamSnapshot[] = teams.map((team) => ({
    id: team.id,
    slug: team.slug,
    name: team.name,
    aliases: team.aliases,
    parent:
      team.parentId !== null && included.has(team.parentId)
        ? (slugOf.get(team.parentId) ?? null)
        : null,
    managers: people.managers(team.id),
    delegates: people.delegates(team.id),
    goals: (topGoals.get(team.id) ?? []).map(toGoal),
    reports: (reports.get(team.id) ?? []).map((report) => ({
      month: report.month,
      on: report.reportedOn,
      status: report.status,
      notes: (notes.get(report.id) ?? []).map((n) => ({ text: n.text, level: n.level })),
    })),
  }));

  const keyResults = groupBy(rows.keyResults, (kr) => kr.objectiveId);
  const milestones = groupBy(rows.milestones, (m) => m.keyResultId);
  const values = groupBy(rows.values, (v) => v.keyResultId);
  const krEntries = groupBy(rows.keyResultEntries, (e) => e.subjectId);
  const quarterStatuses = groupBy(rows.quarterStatuses, (q) => q.keyResultId);
  const cycleNotes = groupBy(rows.cycleNotes, (n) => n.objectiveId ?? 0);
  const note = (n: QuarterRows['cycleNotes'][number]) => ({
    kind: n.kind as CycleNoteKind,
    on: n.on,
    text: n.text,
  });
  const objectives: QuarterObjective[] = rows.objectives.map((objective) => ({
    code: objective.code,
    cycle: objective.cycle,
    program: objective.program,
    title: objective.title,
    description: objective.description,
    manager: objective.manager,
    kind: objective.kind as QuarterObjective['kind'],
    deliverables: objective.deliverables,
    budget_fte: toNumber(objective.budgetFte),
    actual_fte: toNumber(objective.actualFte),
    target_cycle: objective.targetCycle,
    tables: objective.tables,
    notes: (cycleNotes.get(objective.id) ?? []).map(note),
    key_results: (keyResults.get(objective.id) ?? []).map((kr): QuarterKeyResult => {
      const krValues = (values.get(kr.id) ?? []).map((v) => ({
        on: dayIn(v.at, zone),
        value: v.value,
        note: v.note,
      }));
      const statuses = byDay(krEntries.get(kr.id) ?? [], zone);
      return {
        code: kr.code,
        ref: `${objective.code}-${kr.code}`,
        text: kr.text,
        manager: kr.manager,
        baseline: kr.baseline,
        target: kr.target,
        baseline_text: kr.baselineText,
        target_text: kr.targetText,
        unit: kr.unit,
        direction: kr.direction,
        due: kr.dueOn,
        milestones: (milestones.get(kr.id) ?? []).map((m) => ({
          due: m.dueOn,
          target: m.target,
          text: m.text,
        })),
        values: krValues,
        quarters: (quarterStatuses.get(kr.id) ?? []).map((q) => ({
          quarter: q.quarter,
          text: q.text,
        })),
        statuses,
        status: statuses.at(-1)?.status ?? null,
        value: krValues.at(-1)?.value ?? null,
        value_on: krValues.at(-1)?.on ?? null,
      };
    }),
  }));

  return {
    format: QUARTER_FORMAT,
    version: QUARTER_FORMAT_VERSION,
    department: {
      id: request.department.id,
      slug: request.department.slug,
      name: request.department.name,
      timezone: zone,
    },
    cycle: {
      label: request.cycle.label,
      starts_on: request.cycle.startsOn,
      ends_on: previousDay(request.cycle.endsBefore),
    },
    as_of: request.asOf.toISOString(),
    teams: teamSnapshots,
    objectives,
    notes: (cycleNotes.get(0) ?? []).map(note),
  };
}

const toNumber = (value: number | null): number | null => (value === null ? null : Number(value));

/**
 * A status history by day: the last entry of each day, oldest first. Pages and exports speak
 * in days, and an import records one entry per day, so this is what survives a round trip.
 */
function byDay(entries: readonly EntryRow[], zone: string): DatedStatus[] {
  const days = new Map<string, DatedStatus>();
  for (const entry of entries) {
    const on = dayIn(entry.at, zone);
    days.delete(on);
    days.set(on, { on, status: entry.status, note: entry.note });
  }
  return [...days.values()].sort((a, b) => a.on.localeCompare(b.on));
}
