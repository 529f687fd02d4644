import { parseArgs } from 'node:util';
import { formatCycle, parseCycle } from '../../domain/fiscal-calendar.ts';
import { createLogger } from '../../runtime/logger.ts';
import { describeReport, type PageReport } from '../../wiki/publish-page.ts';
import { createWikiPublisher } from '../../wiki/wiki-publisher.ts';
import { createBot } from '../bot.ts';
import { loadConfig } from '../config/load-config.ts';
import { chooseDepartment, ExportUsageError } from './export-command.ts';

// `okrbot wiki`: the department's quarter pages on its MediaWiki. `publish` writes one quarter's
// page, `sync` reads people's edits of every page okrbot wrote and writes the merged pages back
// (`--dry-run`: only says what would change, both ways), `removals` lists the goals people
// removed from a page and takes an admin's decision on them.

export const WIKI_USAGE = `okrbot wiki publish CYCLE [--department NAME] [--dry-run]
       okrbot wiki sync [--dry-run]
       okrbot wiki removals [--confirm REF]... [--keep REF]...`;

/** A mistake in the command line: said plainly, with the usage. */
export class WikiUsageError extends Error {}

export async function wikiCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new WikiUsageError(`${(error as Error).message}\nUsage: ${WIKI_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  if (action !== 'publish' && action !== 'sync' && action !== 'removals')
    throw new WikiUsageError(`name what to do: publish, sync or removals\nUsage: ${WIKI_USAGE}`);
  const cycle = action === 'publish' ? parseCycle(rest.join(' ')) : undefined;
  if (action === 'publish' && !cycle?.quarter)
    throw new WikiUsageError(
      `name one quarter, e.g. okrbot wiki publish "FY2019-20 Q1"\nUsage: ${WIKI_USAGE}`,
    );
  if (action !== 'publish' && rest.length)
    throw new WikiUsageError(`unexpected "${rest.join(' ')}"\nUsage: ${WIKI_USAGE}`);

  const config = loadConfig(env);
  if (!config.wiki)
    throw new WikiUsageError(
      'no wiki is configured: set WIKI_API_URL, WIKI_USER and WIKI_PASSWORD (a bot password; see .env.example)',
    );
  const bot = await createBot(config, createLogger(config.logLevel));
  try {
    const publisher = createWikiPublisher({
      config: config.wiki,
      db: bot.database.db,
      services: bot.services,
      fiscal: bot.fiscal,
      taskUrl: config.taskUrl,
      clock: bot.clock,
    });
    const dryRun = values['dry-run'] ?? false;
    const print = async (reports: readonly PageReport[]) => {
      const names = new Map<string, string>();
      for (const report of reports)
        for (const edit of [
          ...report.fromWiki.map((e) => e.edit),
          ...report.conflicts.map((e) => e.edit),
          ...report.toWiki,
        ])
          for (const slug of 'team' in edit ? [edit.team] : 'order' in edit ? edit.order : [])
            names.set(slug, await publisher.teamName(slug));
      for (const report of reports)
        process.stdout.write(
          `${describeReport(report, (slug) => names.get(slug) ?? slug).join('\n')}\n`,
        );
    };

    if (action === 'publish') {
      const quarter = cycle as { fiscalYear: number; quarter: 1 | 2 | 3 | 4 };
      const department = await chooseDepartment(
        bot.services,
        formatCycle(quarter, bot.fiscal),
        bot.fiscal,
        values.department,
      ).catch((error: unknown) => {
        throw error instanceof ExportUsageError ? new WikiUsageError(error.message) : error;
      });
      await print([await publisher.publish(department, quarter, { dryRun })]);
      return 0;
    }
    if (action === 'sync') {
      const reports = await publisher.sync({ dryRun });
      if (reports.length === 0)
        process.stdout.write('okrbot has published no page yet: okrbot wiki publish CYCLE\n');
      await print(reports);
      const waiting = await publisher.removals();
      if (waiting.length)
        process.stdout.write(
          `${waiting.length} goal${waiting.length > 1 ? 's' : ''} removed from a wiki page wait${waiting.length > 1 ? '' : 's'} for an admin: okrbot wiki removals\n`,
        );
      return reports.some((r) => r.conflicts.length) ? 1 : 0;
    }
    const confirm = values.confirm ?? [];
    const keep = values.keep ?? [];
    if (confirm.length || keep.length) {
      for (const [refs, decision] of [
        [confirm, 'confirm'],
        [keep, 'keep'],
      ] as const) {
        if (!refs.length) continue;
        const { done, unknown } = await publisher.decide(refs, decision);
        process.stdout.write(
          `${decision === 'confirm' ? 'Removed' : 'Kept'} ${done} goal${done === 1 ? '' : 's'}${unknown.length ? `; no removal waits for ${unknown.join(', ')}` : ''}.\n`,
        );
      }
      return 0;
    }
    const waiting = await publisher.removals();
    process.stdout.write(
      waiting.length
        ? `Goals removed from a wiki page, waiting for an admin (okrbot wiki removals --confirm REF to remove, --keep REF to keep):\n${waiting
            .map(
              (r) =>
                `  ${r.ref} ${r.title} (${r.teamName}, ${r.cycleLabel}): removed by ${r.requestedBy ?? 'someone'} on ${r.requestedAt.toISOString().slice(0, 10)}`,
            )
            .join('\n')}\n`
        : 'No goal removed from a wiki page waits for an admin.\n',
    );
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
      department: { type: 'string', short: 'd' },
      'dry-run': { type: 'boolean' },
      confirm: { type: 'string', multiple: true },
      keep: { type: 'string', multiple: true },
    },
  });
}
