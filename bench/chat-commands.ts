// Latency and SQL query count of chat commands on a large synthetic organisation, end to end
// through the dispatcher and the plain-text renderer, on PGlite (in memory) and, when
// TEST_DATABASE_URL is set, on a fresh Postgres database. Also checks that `digest` costs the
// same number of queries for 10 teams as for 1,000.
// Usage: npx tsx bench/chat-commands.ts [--runs 50] [--teams 1000]

import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createServices } from '../src/app/services.ts';
import type { Actor, Services } from '../src/core/command.ts';
import { createDispatcher, type Dispatch } from '../src/core/dispatch.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { DEFAULT_CACHE_DIR } from '../src/db/pglite-template.ts';
import { cycleAt, digestPeriod } from '../src/domain/fiscal-calendar.ts';
import { renderText } from '../src/reply/render-text.ts';
import { createPostgresDatabase, dropPostgresDatabase } from '../test/support/databases.ts';
import { median, numberOption, percentile } from './stats.ts';
import {
  describeOrganisation,
  type GeneratedOrganisation,
  generateOrganisation,
  type OrganisationSize,
  SYNTHETIC_NOW,
  teamSlug,
} from './synthetic-org.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const runs = numberOption('--runs', 50);
const teamCount = numberOption('--teams', 1000);
const WARM_UP = 5;
const SMALL_TEAMS = 10;
const BREAKDOWN_RUNS = 10;

const fiscal = { startMonth: 7 };
const actor: Actor = { person: undefined, isAdmin: true, transport: 'shell', label: 'bench' };
const size = (teams: number): OrganisationSize => ({
  teams,
  goalsPerTeam: 20,
  entriesPerGoal: 10,
  departments: 1,
});
/** `status` asks about the middle team: team-0500 of 1,000. */
const statusLine = (teams: number) => `status ${teamSlug(Math.max(1, Math.floor(teams / 2)))}`;
const DIGEST = 'digest synthetic';

type Driver = 'pglite' | 'postgres';

interface Counted {
  database: Database;
  /** Queries sent since the last reset. */
  queries(): number;
  resetQueries(): void;
  /** Closes the database (and drops it, on Postgres). */
  close(): Promise<void>;
}

interface CommandResult {
  line: string;
  tone: 'info' | 'error' | 'none';
  /** Set when the command failed: the logged error, or the reply's text. */
  error?: string;
  replyChars: number;
  replyLines: number;
  /** SQL queries of each measured run (they should all be equal). */
  queries: number[];
  samplesMs: number[];
  medianMs: number;
  p95Ms: number;
}

interface DriverResult {
  driver: Driver;
  location: string;
  generation: GeneratedOrganisation;
  commands: CommandResult[];
  /** Median ms of the digest's store calls, timed alone. */
  digestParts: Record<string, number>;
  scaling: {
    teams: number;
    generationMs: number;
    commands: { line: string; tone: string; queries: number; error?: string }[];
  };
}

// --- databases -------------------------------------------------------------------------------

async function openCounted(driver: Driver): Promise<Counted> {
  let count = 0;
  const onQuery = () => {
    count += 1;
  };
  if (driver === 'pglite') {
    const database = await openDatabase({
      url: undefined,
      dataDir: 'memory://',
      cacheDir: DEFAULT_CACHE_DIR,
      onQuery,
    });
    return counted(database, () => database.close());
  }
  const url = await createPostgresDatabase('okrbot_bench');
  let database: Database;
  try {
    database = await openDatabase({ url, dataDir: 'unused', onQuery });
  } catch (error) {
    await dropPostgresDatabase(url);
    throw error;
  }
  return counted(database, async () => {
    await database.close();
    await dropPostgresDatabase(url);
  });

  function counted(database: Database, close: () => Promise<void>): Counted {
    return {
      database,
      queries: () => count,
      resetQueries: () => {
        count = 0;
      },
      close,
    };
  }
}

// --- the bot, wired as src/main.ts does --------------------------------------------------------

function wire(database: Database, logger = pino({ level: 'silent' })) {
  const services: Services = createServices(database.db);
  const dispatch: Dispatch = createDispatcher({
    services,
    clock: () => new Date(SYNTHETIC_NOW),
    timeZone: 'UTC',
    fiscal,
    logger,
  });
  return { services, dispatch };
}

/** One command end to end: dispatch and render, as the shell transport does. */
async function ask(dispatch: Dispatch, line: string) {
  const reply = await dispatch(line, actor);
  const text = reply ? renderText(reply) : '';
  return { tone: reply?.tone ?? ('none' as const), text };
}

/**
 * Why a command answered with an error: the dispatcher logs unexpected failures and answers
 * with an error id, so the line is asked again through a dispatcher whose logger is captured.
 */
async function diagnose(database: Database, line: string, replyText: string): Promise<string> {
  const logged: string[] = [];
  const logger = pino({ level: 'error' }, { write: (record: string) => logged.push(record) });
  await ask(wire(database, logger).dispatch, line);
  for (const record of logged) {
    const { err } = JSON.parse(record) as { err?: { message?: string; stack?: string } };
    if (err) return err.stack ?? err.message ?? JSON.stringify(err);
  }
  return `error reply: ${replyText}`;
}

// --- measuring ---------------------------------------------------------------------------------

async function measure(counted: Counted, dispatch: Dispatch, line: string): Promise<CommandResult> {
  const first = await ask(dispatch, line);
  const error =
    first.tone === 'info' ? undefined : await diagnose(counted.database, line, first.text);
  for (let i = 0; i < WARM_UP; i++) await ask(dispatch, line);
  const samplesMs: number[] = [];
  const queries: number[] = [];
  for (let i = 0; i < runs; i++) {
    counted.resetQueries();
    const started = performance.now();
    await ask(dispatch, line);
    samplesMs.push(performance.now() - started);
    queries.push(counted.queries());
  }
  return {
    line,
    tone: first.tone,
    ...(error ? { error } : {}),
    replyChars: first.text.length,
    replyLines: first.text.split('\n').length,
    queries,
    samplesMs,
    medianMs: median(samplesMs),
    p95Ms: percentile(samplesMs, 95),
  };
}

/**
 * Where the digest's time goes: its two store calls, made as commands/digest.ts makes them,
 * timed alone (median of BREAKDOWN_RUNS after one warm-up).
 */
async function digestBreakdown(services: Services): Promise<Record<string, number>> {
  const department = await services.teams.findDepartment('synthetic');
  if (!department) throw new Error('no synthetic department');
  const now = new Date(SYNTHETIC_NOW);
  const zone = department.timeZone;
  const quarter = await services.cycles.find(cycleAt(now, fiscal, zone));
  const parts: Record<string, () => Promise<unknown>> = {
    'digest.facts (5 queries)': () =>
      services.digest.facts({
        departmentId: department.id,
        cycleId: quarter?.id ?? null,
        to: now,
        ...digestPeriod(now, zone),
      }),
    'tracking.items, key results (4 queries)': () =>
      services.tracking.items({ departmentIds: [department.id], keyResultsOnly: true }, now),
  };
  const medians: Record<string, number> = {};
  for (const [name, part] of Object.entries(parts)) {
    await part();
    const samples: number[] = [];
    for (let i = 0; i < BREAKDOWN_RUNS; i++) {
      const started = performance.now();
      await part();
      samples.push(performance.now() - started);
    }
    medians[name] = median(samples);
  }
  return medians;
}

async function queriesOf(counted: Counted, dispatch: Dispatch, line: string) {
  await ask(dispatch, line);
  counted.resetQueries();
  const answer = await ask(dispatch, line);
  const queries = counted.queries();
  const error =
    answer.tone === 'info' ? undefined : await diagnose(counted.database, line, answer.text);
  return { line, tone: answer.tone, queries, ...(error ? { error } : {}) };
}

const log = (text: string) => process.stderr.write(`${text}\n`);

async function benchDriver(driver: Driver): Promise<DriverResult> {
  log(`${driver}: generating ${teamCount} teams ...`);
  const big = await openCounted(driver);
  let generation: GeneratedOrganisation;
  const commands: CommandResult[] = [];
  let digestParts: Record<string, number> = {};
  try {
    generation = await generateOrganisation(big.database.db, size(teamCount));
    log(`${driver}: generated ${describeOrganisation(generation)}`);
    const { services, dispatch } = wire(big.database);
    for (const line of [statusLine(teamCount), DIGEST]) {
      log(`${driver}: ${line}: ${WARM_UP} warm-ups, ${runs} runs ...`);
      const result = await measure(big, dispatch, line);
      if (result.error) log(`${driver}: ${line} FAILED: ${result.error}`);
      commands.push(result);
    }
    log(`${driver}: the digest's store calls, ${BREAKDOWN_RUNS} runs each ...`);
    digestParts = await digestBreakdown(services).catch((error: unknown) => {
      log(`${driver}: digest breakdown failed: ${String(error)}`);
      return {};
    });
  } finally {
    await big.close();
  }

  log(`${driver}: generating ${SMALL_TEAMS} teams for the query-count comparison ...`);
  const small = await openCounted(driver);
  try {
    const smallGeneration = await generateOrganisation(small.database.db, size(SMALL_TEAMS));
    const { dispatch } = wire(small.database);
    const scaled = [];
    for (const line of [statusLine(SMALL_TEAMS), DIGEST])
      scaled.push(await queriesOf(small, dispatch, line));
    return {
      driver,
      location: big.database.location,
      generation,
      commands,
      digestParts,
      scaling: { teams: SMALL_TEAMS, generationMs: smallGeneration.ms, commands: scaled },
    };
  } finally {
    await small.close();
  }
}

// --- report ------------------------------------------------------------------------------------

/** The 1-minute load average: other work on the machine skews every figure. */
const load = () => (loadavg()[0] ?? 0).toFixed(2);
const loadAtStart = load();

function report(results: DriverResult[]): string {
  const ms = (value: number) => value.toFixed(1).padStart(9);
  const sizeText = `${teamCount} teams × 20 goals × 10 status entries`;
  const lines = [
    `okrbot chat commands on a synthetic organisation (${sizeText}), clock ${SYNTHETIC_NOW}`,
    `${runs} runs after ${WARM_UP} warm-ups; dispatch + renderText, wall time; ${availableParallelism()} cores, Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}`,
    `1-minute load average: ${loadAtStart} at start, ${load()} at end`,
    '',
    ...results.map(
      (r) =>
        `${r.driver.padEnd(9)} generated ${describeOrganisation(r.generation)}; ${SMALL_TEAMS} teams in ${(r.scaling.generationMs / 1000).toFixed(2)} s`,
    ),
    '',
    `${'driver'.padEnd(9)} ${'command'.padEnd(18)} ${'median ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'queries'.padStart(7)}  reply`,
    ...results.flatMap((r) =>
      r.commands.map((c) => {
        const counts = [...new Set(c.queries)].join('/');
        const what =
          c.tone === 'info'
            ? `${c.replyLines.toLocaleString('en')} lines, ${c.replyChars.toLocaleString('en')} chars`
            : `FAILED (${c.tone} reply)`;
        return `${r.driver.padEnd(9)} ${c.line.padEnd(18)} ${ms(c.medianMs)} ${ms(c.p95Ms)} ${counts.padStart(7)}  ${what}`;
      }),
    ),
    '',
    `The digest's store calls alone, median of ${BREAKDOWN_RUNS} (they run concurrently in the command):`,
    ...results.flatMap((r) =>
      Object.entries(r.digestParts).map(
        ([name, value]) => `${r.driver.padEnd(9)} ${name.padEnd(28)} ${ms(value)} ms`,
      ),
    ),
    '',
    `SQL queries per command, ${SMALL_TEAMS} teams vs ${teamCount} teams (digest must be constant):`,
    ...results.flatMap((r) =>
      r.scaling.commands.map((smallCommand, i) => {
        const bigCommand = r.commands[i];
        const bigQueries = bigCommand ? (bigCommand.queries[0] ?? 0) : 0;
        const verdict =
          smallCommand.line === DIGEST
            ? smallCommand.queries === bigQueries
              ? '  constant'
              : '  NOT CONSTANT'
            : '';
        return `${r.driver.padEnd(9)} ${smallCommand.line.padEnd(18)} → ${String(smallCommand.queries).padStart(3)}   ${(bigCommand?.line ?? '').padEnd(18)} → ${String(bigQueries).padStart(3)}${verdict}`;
      }),
    ),
  ];
  const failures = results.flatMap((r) =>
    [...r.commands, ...r.scaling.commands]
      .filter((c) => c.error)
      .map((c) => `${r.driver} "${c.line}": ${c.error}`),
  );
  if (failures.length) lines.push('', 'Failures:', ...failures);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const drivers: Driver[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  if (!process.env.TEST_DATABASE_URL) log('TEST_DATABASE_URL is not set: PGlite only');
  const results: DriverResult[] = [];
  for (const driver of drivers) results.push(await benchDriver(driver));
  process.stdout.write(report(results));
  await mkdir(join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(
    join(ROOT, 'bench/results/chat-commands.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.versions.node,
        cores: availableParallelism(),
        loadAverage: { start: Number(loadAtStart), end: Number(load()) },
        now: SYNTHETIC_NOW,
        runs,
        warmUp: WARM_UP,
        size: size(teamCount),
        results,
      },
      null,
      2,
    ),
  );
}

await main();
