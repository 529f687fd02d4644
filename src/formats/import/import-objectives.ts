import { and, eq, inArray } from 'drizzle-orm';
import { firstRow } from '../../db/rows.ts';
import { keyResults, krMilestones, metricValues, objectives } from '../../db/schema/index.ts';
import { formatCycle, parseCycle } from '../../domain/fiscal-calendar.ts';
import { type ImportContext, instantOf, same } from './import-context.ts';
import { importCycleNotes, importQuarterStatuses } from './import-cycle-notes.ts';
import type { ObjectiveInput } from './quarter-file.ts';
import { type DesiredEntry, syncStatusEntries } from './sync-status-entries.ts';

/** Objectives with their key results, milestones, values and statuses. */
export async function importObjectives(
  context: ImportContext,
  inputs: readonly ObjectiveInput[],
): Promise<void> {
  const { tx, summary } = context;
  const krStatuses = new Map<number, DesiredEntry[]>();
  for (const input of inputs) {
    const cycleId = context.cycleIds.get(
      formatCycle(parseCycle(input.cycle) as never, context.fiscal),
    ) as number;
    const code = input.code.toUpperCase();
    const fields = {
      departmentId: context.departmentId,
      program: input.program ?? null,
      title: input.title,
      description: input.description ?? null,
      managerId: input.manager ? (context.personIds.get(input.manager) as number) : null,
      kind: input.kind ?? 'objective',
      deliverables: input.deliverables ?? [],
      budgetFte: input.budget_fte ?? null,
      actualFte: input.actual_fte ?? null,
      targetCycle: input.target_cycle
        ? formatCycle(parseCycle(input.target_cycle) as never, context.fiscal)
        : null,
      tables: (input.tables ?? []).map((t) => ({
        caption: t.caption ?? null,
        columns: t.columns,
        rows: t.rows,
      })),
    };
    const [existing] = await tx
      .select()
      .from(objectives)
      .where(and(eq(objectives.cycleId, cycleId), eq(objectives.code, code)));
    let objectiveId: number;
    if (!existing) {
      const created = firstRow(
        await tx
          .insert(objectives)
          .values({ cycleId, code, ...fields })
          .returning({ id: objectives.id }),
      );
      objectiveId = created.id;
      summary.add('objectives', 'created');
    } else {
      objectiveId = existing.id;
      const changed = (Object.keys(fields) as (keyof typeof fields)[]).some((k) =>
        k === 'tables' ? !sameJson(existing.tables, fields.tables) : !same(existing[k], fields[k]),
      );
      if (changed) await tx.update(objectives).set(fields).where(eq(objectives.id, objectiveId));
      summary.add('objectives', changed ? 'updated' : 'unchanged');
    }
    await importCycleNotes(context, { cycleId, objectiveId }, input.notes ?? []);

    for (const kr of input.key_results) {
      const keyResultId = await upsertKeyResult(context, objectiveId, kr);
      await importMilestones(context, keyResultId, kr.milestones ?? []);
      await importValues(context, keyResultId, kr.values ?? []);
      await importQuarterStatuses(context, keyResultId, kr.quarters ?? {});
      krStatuses.set(
        keyResultId,
        (kr.statuses ?? []).map((s) => ({
          at: instantOf(context, s.on),
          status: s.status,
          note: s.note,
        })),
      );
    }
  }
  await syncStatusEntries(context, 'keyResultId', krStatuses);
}

/** Equal as JSON whatever the order of keys (jsonb keeps its own order). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

async function upsertKeyResult(
  context: ImportContext,
  objectiveId: number,
  kr: ObjectiveInput['key_results'][number],
): Promise<number> {
  const { tx, summary } = context;
  const code = kr.code.toUpperCase();
  const fields = {
    text: kr.text,
    managerId: kr.manager ? (context.personIds.get(kr.manager) as number) : null,
    baseline: kr.baseline ?? null,
    target: kr.target ?? null,
    baselineText: kr.baseline_text ?? null,
    targetText: kr.target_text ?? null,
    unit: kr.unit ?? null,
    direction: kr.direction ?? 'up',
    dueOn: kr.due ?? null,
  };
  const [existing] = await tx
    .select()
    .from(keyResults)
    .where(and(eq(keyResults.objectiveId, objectiveId), eq(keyResults.code, code)));
  if (!existing) {
    const created = firstRow(
      await tx
        .insert(keyResults)
        .values({ objectiveId, code, ...fields })
        .returning({ id: keyResults.id }),
    );
    summary.add('key results', 'created');
    return created.id;
  }
  const changed = (Object.keys(fields) as (keyof typeof fields)[]).some(
    (k) => !same(existing[k], fields[k]),
  );
  if (changed) await tx.update(keyResults).set(fields).where(eq(keyResults.id, existing.id));
  summary.add('key results', changed ? 'updated' : 'unchanged');
  return existing.id;
}

async function importMilestones(
  context: ImportContext,
  keyResultId: number,
  milestones: NonNullable<ObjectiveInput['key_results'][number]['milestones']>,
): Promise<void> {
  const { tx, summary } = context;
  const existing = new Map(
    (await tx.select().from(krMilestones).where(eq(krMilestones.keyResultId, keyResultId))).map(
      (row) => [row.dueOn, row],
    ),
  );
  for (const milestone of milestones) {
    const fields = { target: milestone.target ?? null, text: milestone.text ?? null };
    const row = existing.get(milestone.due);
    if (!row) {
      await tx.insert(krMilestones).values({ keyResultId, dueOn: milestone.due, ...fields });
      summary.add('milestones', 'created');
    } else if (!same(row.target, fields.target) || !same(row.text, fields.text)) {
      await tx.update(krMilestones).set(fields).where(eq(krMilestones.id, row.id));
      summary.add('milestones', 'updated');
    } else {
      summary.add('milestones', 'unchanged');
    }
  }
}

async function importValues(
  context: ImportContext,
  keyResultId: number,
  values: NonNullable<ObjectiveInput['key_results'][number]['values']>,
): Promise<void> {
  const { tx, summary } = context;
  if (values.length === 0) return;
  const existing = await tx
    .select()
    .from(metricValues)
    .where(
      and(eq(metricValues.keyResultId, keyResultId), inArray(metricValues.source, ['import'])),
    );
  const byInstant = new Map(existing.map((row) => [row.at.getTime(), row]));
  for (const value of values) {
    const at = instantOf(context, value.on);
    const row = byInstant.get(at.getTime());
    if (!row) {
      await tx.insert(metricValues).values({
        keyResultId,
        value: value.value,
        note: value.note ?? null,
        at,
        source: 'import',
      });
      summary.add('metric values', 'created');
    } else if (row.value !== value.value || !same(row.note, value.note)) {
      await tx
        .update(metricValues)
        .set({ value: value.value, note: value.note ?? null })
        .where(eq(metricValues.id, row.id));
      summary.add('metric values', 'updated');
    } else {
      summary.add('metric values', 'unchanged');
    }
  }
}
