import { parseArgs } from 'node:util';
import { suggest } from '../../domain/text.ts';
import { CHAT_TRANSPORT_NAMES, CHAT_TRANSPORTS } from '../../domain/transports.ts';
import { deliveriesOverview, explainPerson } from '../../features/deliveries-report.ts';
import { describeSummary } from '../../jobs/scheduler/job-context.ts';
import { renderText } from '../../reply/render-text.ts';
import { createLogger } from '../../runtime/logger.ts';
import { configuredTransports, createBot } from '../bot.ts';
import { isIsoInstant, loadConfig } from '../config/load-config.ts';

// The operator's view of the scheduler: `okrbot run` runs a schedule now, `okrbot deliveries`
// explains what was sent, skipped or failed, and why.

/** A command line that cannot be run as written: exit code 2, like an unknown command. */
export class OperatorUsageError extends Error {}

const RUNNABLE = ['prompt', 'digest', 'overdue', 'reminders'] as const;
export const RUN_USAGE =
  'okrbot run prompt|digest|overdue|reminders [--department SLUG]... [--at ISO]';
export const DELIVERIES_USAGE = 'okrbot deliveries [--why HANDLE]';

/** Reads the command line with `read`; its mistakes become usage errors. */
function parse<T>(read: () => T, usage: string): T {
  try {
    return read();
  } catch (error) {
    throw new OperatorUsageError(`${(error as Error).message}\nUsage: ${usage}`);
  }
}

/** `okrbot run`: a schedule's work now, for one department or all; what was sent stays sent. */
export async function runCommand(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parse(
    () =>
      parseArgs({
        args: [...args],
        options: { department: { type: 'string', multiple: true }, at: { type: 'string' } },
        allowPositionals: true,
      }),
    RUN_USAGE,
  );
  const [kind = '', ...extra] = positionals;
  if (!(RUNNABLE as readonly string[]).includes(kind) || extra.length)
    throw new OperatorUsageError(
      `name one schedule: ${RUNNABLE.join(', ')}; e.g. okrbot run digest --department technology\nUsage: ${RUN_USAGE}`,
    );
  const at = values.at;
  if (at !== undefined && !isIsoInstant(at))
    throw new OperatorUsageError(
      `--at ${at}: expected an ISO 8601 instant such as 2019-08-26T09:00:00Z`,
    );
  const config = loadConfig(env);
  const bot = await createBot(config, createLogger(config.logLevel), { delivers: false });
  try {
    const known = await bot.services.teams.departments();
    const departments: string[] = [];
    for (const name of values.department ?? []) {
      const found = await bot.services.teams.findDepartment(name);
      if (!found) {
        process.stderr.write(
          `okrbot run: no department "${name}" (there are: ${known.map((d) => d.slug).join(', ') || 'none'})\n`,
        );
        return 1;
      }
      departments.push(found.slug);
    }
    // Without chat variables here, the run is queued for what the running instances send on
    // (they share this database and its outbox), never recorded as skipped for want of them.
    const own = configuredTransports(config);
    const others = own.length ? [] : await bot.database.othersSendOn();
    const transports = own.length ? own : CHAT_TRANSPORTS.filter((t) => others.includes(t));
    if (transports.length === 0) {
      process.stderr.write(
        `okrbot run: nothing can deliver: no chat transport is configured here (${CHAT_TRANSPORT_NAMES}) and no running okrbot instance on this database sends on one. Nothing was run or recorded; start okrbot with Slack or IRC, or run this where they are configured.\n`,
      );
      return 1;
    }
    const results = await bot.scheduler.runNow(kind as (typeof RUNNABLE)[number], {
      departments,
      transports,
      ...(at ? { at: new Date(at) } : {}),
    });
    for (const { department, summary } of results)
      process.stdout.write(
        `${kind} ${department || '(no departments)'}: ${describeSummary(summary)}\n`,
      );
    process.stdout.write(
      own.length
        ? 'Queued messages are sent by the running okrbot instances.\n'
        : `Queued for ${transports.join(' and ')}, which the running okrbot instances send on; they send them.\n`,
    );
    return results.some((r) => r.summary.notes.some((n) => n.startsWith('failed'))) ? 1 : 0;
  } finally {
    await bot.stop();
  }
}

/** `okrbot deliveries`: counts, failures and runs; with `--why`, one person's story. */
export async function deliveriesCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { values, positionals } = parse(
    () =>
      parseArgs({ args: [...args], options: { why: { type: 'string' } }, allowPositionals: true }),
    DELIVERIES_USAGE,
  );
  if (positionals.length) throw new OperatorUsageError(`Usage: ${DELIVERIES_USAGE}`);
  const config = loadConfig(env);
  const bot = await createBot(config, createLogger(config.logLevel));
  try {
    const handle = values.why;
    if (handle === undefined) {
      process.stdout.write(
        `${renderText(await deliveriesOverview(config.timeZone, bot.services))}\n`,
      );
      return 0;
    }
    const person = await bot.services.people.findByHandle(handle);
    if (!person) {
      const close = suggest(handle, await bot.services.people.handles(), 3);
      process.stderr.write(
        `okrbot deliveries: nobody has the handle "${handle}".${close.length ? ` Did you mean ${close.join(', ')}?` : ''}\n`,
      );
      return 1;
    }
    const story = await explainPerson(person, bot.clock(), config.timeZone, bot.services);
    process.stdout.write(`${renderText(story)}\n`);
    return 0;
  } finally {
    await bot.stop();
  }
}
