import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { endOfDayIn, formatCycle, isDay, parseCycle } from '../../domain/fiscal-calendar.ts';
import {
  EXPORT_FORMATS,
  isExportFormat,
  renderExport,
} from '../../formats/export/export-quarter.ts';
import { loadQuarter, resolveQuarter } from '../../formats/quarter/load-quarter.ts';
import { createLogger } from '../../runtime/logger.ts';
import { createBot } from '../bot.ts';
import { loadConfig } from '../config/load-config.ts';

export const EXPORT_USAGE =
  'okrbot export CYCLE [--format wikitext|markdown|csv|json] [--department NAME] [--output FILE] [--as-of DAY]';

/** A mistake in the command line: said plainly, with the usage. */
export class ExportUsageError extends Error {}

/** `okrbot export`: a department's quarter in a format people paste or load elsewhere. */
export async function exportCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new ExportUsageError(`${(error as Error).message}\nUsage: ${EXPORT_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [cycleText, ...extra] = positionals;
  const format = values.format ?? 'wikitext';
  if (!cycleText || extra.length)
    throw new ExportUsageError(
      `name one quarter, e.g. okrbot export "FY2019-20 Q1"\nUsage: ${EXPORT_USAGE}`,
    );
  if (!isExportFormat(format))
    throw new ExportUsageError(
      `unknown format "${format}"; use one of ${Object.keys(EXPORT_FORMATS).join(', ')}`,
    );
  const cycle = parseCycle(cycleText);
  if (!cycle?.quarter)
    throw new ExportUsageError(
      `"${cycleText}" is not a quarter; write it like FY2019-20 Q1 (a year's objectives come with each of its quarters)`,
    );
  if (values['as-of'] !== undefined && !isDay(values['as-of']))
    throw new ExportUsageError(
      `--as-of: expected a day written YYYY-MM-DD, got "${values['as-of']}"`,
    );

  const config = loadConfig(env);
  const bot = await createBot(config, createLogger(config.logLevel));
  try {
    const fiscal = bot.fiscal;
    const label = formatCycle(cycle, fiscal);
    const department = await chooseDepartment(bot.services, label, fiscal, values.department);
    const asOf = values['as-of']
      ? new Date(endOfDayIn(values['as-of'], department.timeZone).getTime() - 1)
      : bot.clock();
    const snapshot = await loadQuarter(bot.services, {
      department,
      cycle: await resolveQuarter(
        bot.services.cycles,
        { fiscalYear: cycle.fiscalYear, quarter: cycle.quarter },
        fiscal,
      ),
      asOf,
      fiscal,
    });
    const text = renderExport(snapshot, format, { taskUrl: config.taskUrl, fiscal });
    if (values.output) {
      await writeFile(values.output, text);
      process.stdout.write(
        `Wrote ${values.output}: ${department.name}, ${label}, ${snapshot.teams.length} teams, ${snapshot.objectives.length} objectives.\n`,
      );
    } else {
      process.stdout.write(text);
    }
    return 0;
  } finally {
    await bot.stop();
  }
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f' },
      department: { type: 'string', short: 'd' },
      output: { type: 'string', short: 'o' },
      'as-of': { type: 'string' },
    },
  });
}

type Services = Awaited<ReturnType<typeof createBot>>['services'];

/** The department asked for, or the only one with something in the quarter. */
export async function chooseDepartment(
  services: Services,
  label: string,
  fiscal: { startMonth: number },
  name: string | undefined,
) {
  const all = await services.teams.departments();
  if (name !== undefined) {
    const found = await services.teams.findDepartment(name);
    if (!found)
      throw new ExportUsageError(
        `no department "${name}"; departments: ${all.map((d) => d.slug).join(', ') || 'none yet'}`,
      );
    return found;
  }
  const year = formatCycle(
    { fiscalYear: (parseCycle(label) as { fiscalYear: number }).fiscalYear },
    fiscal,
  );
  const withData = [];
  for (const department of all) {
    const cycles = await services.quarter.cyclesOf(department.id);
    if (cycles.some((c) => c.label === label || (c.label === year && c.objectives > 0)))
      withData.push(department);
  }
  if (withData.length === 1) return withData[0] as (typeof withData)[number];
  if (withData.length === 0)
    throw new ExportUsageError(
      `no department has goals or objectives in ${label}${all.length ? `; departments: ${all.map((d) => d.slug).join(', ')}` : ''}`,
    );
  throw new ExportUsageError(
    `${label} has goals in ${withData.length} departments (${withData.map((d) => d.slug).join(', ')}); choose one with --department`,
  );
}
