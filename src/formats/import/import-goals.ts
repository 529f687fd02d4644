import { eq, inArray } from 'drizzle-orm';
import { cycles, goalDependencies, goals, keyResults, objectives } from '../../db/schema/index.ts';
import { cycleDays, formatCycle, parseCycle } from '../../domain/fiscal-calendar.ts';
import { slugify } from '../../domain/text.ts';
import { type ImportContext, instantOf, same } from './import-context.ts';
import type { GoalInput, QuarterFile } from './quarter-file.ts';
import { type DesiredEntry, syncStatusEntries } from './sync-status-entries.ts';

interface PlannedGoal {
  input: GoalInput;
  /** Where it is in the file, for error messages. */
  path: string;
  teamId: number;
  cycleLabel: string;
  key: string;
  parent: PlannedGoal | undefined;
  depth: number;
  position: number;
  id?: number;
}

const MAX_KEY = 200;

/** The stable key of a goal within its team and cycle; sub-items live under their parent's key. */
function goalKey(input: GoalInput, parent: PlannedGoal | undefined): string {
  const own = input.key ?? input.tasks?.[0] ?? slugify(input.title).slice(0, MAX_KEY);
  return parent ? `${parent.key}/${own}` : own;
}

/** Flattens the file's goal trees in page order, checking cycles and keys as it goes. */
export function planGoals(
  file: QuarterFile,
  context: Pick<ImportContext, 'teamIds' | 'fiscal'>,
  problems: string[],
): PlannedGoal[] {
  const planned: PlannedGoal[] = [];
  const keys = new Set<string>();
  for (const [teamIndex, team] of (file.teams ?? []).entries()) {
    const teamId = context.teamIds.get(slugify(team.slug ?? team.name)) as number;
    let position = 0;
    const visit = (inputs: GoalInput[], parent: PlannedGoal | undefined, path: string) => {
      for (const [index, input] of inputs.entries()) {
        const here = `${path}[${index}]`;
        const label = input.cycle ?? parent?.cycleLabel ?? file.cycle;
        if (!label) {
          problems.push(`${here}: no cycle; set "cycle" at the top of the file or on the goal`);
          continue;
        }
        const cycleLabel = formatCycle(parseCycle(label) as never, context.fiscal);
        if (!cycleLabel.includes(' Q')) {
          problems.push(`${here}.cycle: goals belong to a quarter, got "${label}"`);
          continue;
        }
        const goal: PlannedGoal = {
          input,
          path: here,
          teamId,
          cycleLabel,
          key: goalKey(input, parent),
          parent,
          depth: (parent?.depth ?? -1) + 1,
          position: position++,
        };
        const unique = `${teamId}|${cycleLabel}|${goal.key}`;
        if (keys.has(unique)) {
          problems.push(
            `${here}: another goal of team "${team.name}" in ${cycleLabel} has the key "${goal.key}"; give one of them a distinct "key"`,
          );
          continue;
        }
        keys.add(unique);
        planned.push(goal);
        visit(input.items ?? [], goal, `${here}.items`);
      }
    };
    visit(team.goals ?? [], undefined, `teams[${teamIndex}].goals`);
  }
  return planned;
}

/** Cycle labels a file's goals use. */
export function goalCycles(planned: readonly PlannedGoal[]): string[] {
  return [...new Set(planned.map((goal) => goal.cycleLabel))];
}

export async function importGoals(
  context: ImportContext,
  file: QuarterFile,
  planned: PlannedGoal[],
): Promise<void> {
  const { tx, summary } = context;
  if (planned.length === 0) return;
  const keyResultIds = await resolveKeyResults(context, planned);
  const teamIds = [...new Set(planned.map((goal) => goal.teamId))];
  const existing = new Map(
    (await tx.select().from(goals).where(inArray(goals.teamId, teamIds))).map((row) => [
      `${row.teamId}|${row.cycleId}|${row.key}`,
      row,
    ]),
  );

  // Parents before children: one batch of inserts per depth.
  const depth = Math.max(...planned.map((goal) => goal.depth));
  for (let level = 0; level <= depth; level++) {
    const inserts: { goal: PlannedGoal; values: typeof goals.$inferInsert }[] = [];
    for (const goal of planned.filter((g) => g.depth === level)) {
      const cycleId = context.cycleIds.get(goal.cycleLabel) as number;
      const fields = {
        parentId: goal.parent?.id ?? null,
        title: goal.input.title,
        groupLabel: goal.input.group ?? goal.parent?.input.group ?? null,
        taskIds: goal.input.tasks ?? [],
        stretch: goal.input.stretch ?? false,
        multiQuarter: goal.input.multi_quarter ?? false,
        keyResultId: goal.input.key_result ? (keyResultIds.get(goal) ?? null) : null,
        position: goal.position,
      };
      const row = existing.get(`${goal.teamId}|${cycleId}|${goal.key}`);
      if (!row) {
        inserts.push({ goal, values: { teamId: goal.teamId, cycleId, key: goal.key, ...fields } });
        continue;
      }
      goal.id = row.id;
      const changed = (Object.keys(fields) as (keyof typeof fields)[]).some(
        (k) => !same(row[k], fields[k]),
      );
      if (changed) await tx.update(goals).set(fields).where(eq(goals.id, row.id));
      summary.add('goals', changed ? 'updated' : 'unchanged');
    }
    for (let i = 0; i < inserts.length; i += 200) {
      const batch = inserts.slice(i, i + 200);
      const rows = await tx
        .insert(goals)
        .values(batch.map((b) => b.values))
        .returning({ id: goals.id });
      // Postgres returns inserted rows in VALUES order for a single multi-row insert.
      for (const [j, row] of rows.entries()) (batch[j] as { goal: PlannedGoal }).goal.id = row.id;
      summary.add('goals', 'created', rows.length);
    }
  }

  await importDependencies(context, planned);
  const desired = new Map<number, DesiredEntry[]>();
  for (const goal of planned) desired.set(goal.id as number, statusHistory(context, file, goal));
  await syncStatusEntries(context, 'goalId', desired);
}

/** The file's dated statuses for a goal: its `history`, then its `status` on `status_on`. */
function statusHistory(
  context: ImportContext,
  file: QuarterFile,
  goal: PlannedGoal,
): DesiredEntry[] {
  const entries: DesiredEntry[] = (goal.input.history ?? []).map((h) => ({
    at: instantOf(context, h.on),
    status: h.status,
    note: h.note,
  }));
  if (goal.input.status) {
    const cycleStart = cycleDays(parseCycle(goal.cycleLabel) as never, context.fiscal).startsOn;
    const day = goal.input.status_on ?? file.as_of ?? cycleStart;
    entries.push({ at: instantOf(context, day), status: goal.input.status, note: goal.input.note });
  }
  return entries;
}

async function importDependencies(
  context: ImportContext,
  planned: readonly PlannedGoal[],
): Promise<void> {
  const { tx, summary } = context;
  const ids = planned.map((goal) => goal.id as number);
  const existing = await tx
    .select()
    .from(goalDependencies)
    .where(inArray(goalDependencies.goalId, ids));
  const byGoal = new Map<number, Map<string, (typeof existing)[number]>>();
  for (const row of existing)
    byGoal.set(row.goalId, (byGoal.get(row.goalId) ?? new Map()).set(row.label, row));

  const inserts: (typeof goalDependencies.$inferInsert)[] = [];
  for (const goal of planned) {
    const goalId = goal.id as number;
    const current = byGoal.get(goalId) ?? new Map();
    const wanted = [...new Set(goal.input.depends_on ?? [])];
    for (const label of wanted) {
      const teamId = context.teamIds.get(slugify(label)) ?? null;
      const row = current.get(label);
      if (!row) {
        inserts.push({ goalId, label, teamId });
        summary.add('dependencies', 'created');
      } else if (row.teamId !== teamId) {
        await tx.update(goalDependencies).set({ teamId }).where(eq(goalDependencies.id, row.id));
        summary.add('dependencies', 'updated');
      } else {
        summary.add('dependencies', 'unchanged');
      }
    }
    // The file is the truth for an imported goal's dependencies.
    const stale = [...current.values()]
      .filter((row) => !wanted.includes(row.label))
      .map((row) => row.id);
    if (stale.length) {
      await tx.delete(goalDependencies).where(inArray(goalDependencies.id, stale));
      summary.add('dependencies', 'removed', stale.length);
    }
  }
  if (inserts.length) await tx.insert(goalDependencies).values(inserts);
}

/** `TCB-KR2` on a goal: that KR of the goal's quarter or of the fiscal year it belongs to. */
async function resolveKeyResults(
  context: ImportContext,
  planned: readonly PlannedGoal[],
): Promise<Map<PlannedGoal, number>> {
  const linked = planned.filter((goal) => goal.input.key_result);
  const resolved = new Map<PlannedGoal, number>();
  if (linked.length === 0) return resolved;
  const codes = [
    ...new Set(
      linked.map((goal) => (goal.input.key_result as string).toUpperCase().split('-')[0] as string),
    ),
  ];
  const rows = await context.tx
    .select({
      id: keyResults.id,
      code: keyResults.code,
      objectiveCode: objectives.code,
      fiscalYear: cycles.fiscalYear,
      quarter: cycles.quarter,
    })
    .from(keyResults)
    .innerJoin(objectives, eq(objectives.id, keyResults.objectiveId))
    .innerJoin(cycles, eq(cycles.id, objectives.cycleId))
    .where(inArray(objectives.code, codes));
  for (const goal of linked) {
    const [objectiveCode, krCode] = (goal.input.key_result as string).toUpperCase().split('-') as [
      string,
      string,
    ];
    const cycle = parseCycle(goal.cycleLabel) as { fiscalYear: number; quarter: number };
    const match =
      rows.find(
        (r) =>
          r.objectiveCode === objectiveCode &&
          r.code === krCode &&
          r.fiscalYear === cycle.fiscalYear &&
          r.quarter === cycle.quarter,
      ) ??
      rows.find(
        (r) =>
          r.objectiveCode === objectiveCode &&
          r.code === krCode &&
          r.fiscalYear === cycle.fiscalYear &&
          r.quarter === null,
      );
    if (match) resolved.set(goal, match.id);
    else
      context.problems.push(
        `${goal.path}.key_result: no key result ${goal.input.key_result} in ${goal.cycleLabel} or its fiscal year; import the objectives first`,
      );
  }
  return resolved;
}
