import { readFile } from 'node:fs/promises';
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/database.ts';
import { auditLog, cycles } from '../../db/schema/index.ts';
import {
  cycleDays,
  type FiscalSettings,
  formatCycle,
  parseCycle,
} from '../../domain/fiscal-calendar.ts';
import type { ImportContext } from './import-context.ts';
import { importCycleNotes } from './import-cycle-notes.ts';
import { goalCycles, importGoals, planGoals } from './import-goals.ts';
import { importObjectives } from './import-objectives.ts';
import { importDepartment, importPeople, importTeams } from './import-organisation.ts';
import { importReports } from './import-reports.ts';
import { importSchedules } from './import-schedules.ts';
import { ImportSummary } from './import-summary.ts';
import { type QuarterFile, QuarterFileError } from './quarter-file.ts';
import { parseQuarterSource } from './read-quarter-source.ts';

export interface ImportOptions {
  fiscal: FiscalSettings;
  /** Zone of a new department whose file names none. */
  defaultTimeZone: string;
}

/**
 * Reads, validates and imports a quarter file (YAML, or a wiki page or JSON file from `okrbot
 * export`); nothing is written unless all of it is valid.
 */
export async function importQuarterFile(
  db: Db,
  path: string,
  options: ImportOptions,
): Promise<ImportSummary> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new QuarterFileError(path, [
      error.code === 'ENOENT' ? 'no such file' : `cannot be read (${error.code ?? error.message})`,
    ]);
  });
  const file = parseQuarterSource(text, path);
  return importQuarter(db, file, path, options);
}

/** Brings the database in line with a parsed quarter file, in one transaction. */
export async function importQuarter(
  db: Db,
  file: QuarterFile,
  name: string,
  options: ImportOptions,
): Promise<ImportSummary> {
  const summary = new ImportSummary();
  const problems: string[] = [];
  await db.transaction(async (tx) => {
    const department = await importDepartment(tx, file, summary, options.defaultTimeZone);
    const personIds = await importPeople(tx, file, summary);
    const teamIds = await importTeams(tx, file, department.id, personIds, summary, problems);
    // Goals cannot be placed in teams that could not be written.
    if (problems.length > 0) throw new QuarterFileError(name, problems);
    const planned = planGoals(file, { teamIds, fiscal: options.fiscal }, problems);
    const labels = [
      ...goalCycles(planned),
      ...(file.notes?.length && file.cycle
        ? [formatCycle(parseCycle(file.cycle) as never, options.fiscal)]
        : []),
      ...(file.objectives ?? []).map((o) =>
        formatCycle(parseCycle(o.cycle) as never, options.fiscal),
      ),
    ];
    const context: ImportContext = {
      tx,
      summary,
      fiscal: options.fiscal,
      timeZone: department.timeZone,
      departmentId: department.id,
      personIds,
      teamIds,
      cycleIds: await ensureCycles(tx, labels, options.fiscal, summary),
      problems,
    };
    await importObjectives(context, file.objectives ?? []);
    await importGoals(context, file, planned);
    await importReports(context, file);
    if (file.notes?.length) {
      if (!file.cycle) problems.push('notes: the department\'s notes need the file\'s "cycle"');
      else
        await importCycleNotes(
          context,
          {
            cycleId: context.cycleIds.get(
              formatCycle(parseCycle(file.cycle) as never, options.fiscal),
            ) as number,
            objectiveId: null,
          },
          file.notes,
        );
    }
    await importSchedules(tx, department.id, file.schedules, summary);
    if (problems.length > 0) throw new QuarterFileError(name, problems);
    if (summary.changed) {
      await tx.insert(auditLog).values({
        source: 'import',
        action: 'import',
        detail: { file: name, counts: summary.toJSON() },
      });
    }
  });
  return summary;
}

async function ensureCycles(
  tx: Db,
  labels: readonly string[],
  fiscal: FiscalSettings,
  summary: ImportSummary,
): Promise<Map<string, number>> {
  const unique = [...new Set(labels)];
  if (unique.length === 0) return new Map();
  const created = await tx
    .insert(cycles)
    .values(
      unique.map((label) => {
        const cycle = parseCycle(label) as NonNullable<ReturnType<typeof parseCycle>>;
        const days = cycleDays(cycle, fiscal);
        return {
          label,
          kind: cycle.quarter ? ('quarter' as const) : ('year' as const),
          fiscalYear: cycle.fiscalYear,
          quarter: cycle.quarter ?? null,
          startsOn: days.startsOn,
          endsBefore: days.endsBefore,
        };
      }),
    )
    .onConflictDoNothing()
    .returning({ id: cycles.id });
  summary.add('cycles', 'created', created.length);
  summary.add('cycles', 'unchanged', unique.length - created.length);
  const rows = await tx
    .select({ id: cycles.id, label: cycles.label })
    .from(cycles)
    .where(inArray(cycles.label, unique));
  return new Map(rows.map((row) => [row.label, row.id]));
}
