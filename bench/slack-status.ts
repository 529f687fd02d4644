// `/okr status <team>` through Slack's real path: a signed slash command POSTed to Bolt's HTTP
// receiver, answered at its response_url, on the synthetic organisation of 1,000 teams; against
// a bare Bolt app answering the same slash command with fixed text in its acknowledgement.
// Both are measured in the same run, interleaved, from sending the request to the final
// answer (okrbot's arrives at the response_url, the bare app's in the HTTP response).
// Usage: npx tsx bench/slack-status.ts [--runs 300] [--teams 1000]
//        TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/slack-status.ts
import { mkdir, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, LogLevel } from '@slack/bolt';
import { pino } from 'pino';
import { createBot, type Frontends, startFrontends } from '../src/app/bot.ts';
import { loadConfig } from '../src/app/config/load-config.ts';
import { createPostgresDatabase, dropPostgresDatabase } from '../test/support/databases.ts';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack.ts';
import { post, SIGNING_SECRET, sign, slashCommand } from '../test/support/slack-requests.ts';
import { median, numberOption, percentile } from './stats.ts';
import { generateOrganisation, SYNTHETIC_NOW, teamSlug } from './synthetic-org.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const runs = numberOption('--runs', 300);
const teams = numberOption('--teams', 1000);
const WARM_UP = 30;
const FORM = 'application/x-www-form-urlencoded';
const MIDDLE = Math.floor(teams / 2);
const LINE = `status ${teamSlug(MIDDLE)}`;

type Driver = 'pglite' | 'postgres';

/** The baseline: Bolt with nothing behind it, acknowledging with fixed text. */
async function startBareApp(fake: FakeSlack): Promise<{ url: string; stop(): Promise<void> }> {
  const app = new App({
    token: 'xoxb-bench',
    signingSecret: SIGNING_SECRET,
    botId: 'BBENCH',
    botUserId: 'UBENCH',
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/okr', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', text: 'Analytics: 9 goals, all on track.' });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    async stop() {
      await app.stop();
    },
  };
}

async function startOkrbot(
  driver: Driver,
  fake: FakeSlack,
): Promise<{ url: string; generationMs: number; stop(): Promise<void> }> {
  const databaseUrl =
    driver === 'postgres' ? await createPostgresDatabase('okrbot_bench') : undefined;
  const config = loadConfig({
    OKRBOT_DATA_DIR: 'memory://',
    OKRBOT_DEMO: '0',
    OKRBOT_NOW: SYNTHETIC_NOW,
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const bot = await createBot(config, pino({ level: 'silent' }));
  const generated = await generateOrganisation(bot.database.db, {
    teams,
    goalsPerTeam: 20,
    entriesPerGoal: 10,
    departments: 1,
  });
  let frontends: Frontends;
  try {
    frontends = await startFrontends(bot);
  } catch (error) {
    await bot.stop();
    throw error;
  }
  return {
    url: `${frontends.http?.url}/slack/events`,
    generationMs: generated.ms,
    async stop() {
      await frontends.stop();
      await bot.stop();
      if (databaseUrl) await dropPostgresDatabase(databaseUrl);
    },
  };
}

let requests = 0;

/** One bare request: its answer is the HTTP response. */
async function askBare(url: string, fake: FakeSlack): Promise<number> {
  const body = slashCommand(LINE, { responseUrl: fake.responseUrl(`bare-${++requests}`) });
  const started = performance.now();
  const { status, text } = await post(url, sign(body, FORM));
  const ms = performance.now() - started;
  if (status !== 200 || !text.includes('on track')) throw new Error(`bare app answered ${status}`);
  return ms;
}

/**
 * One okrbot request: its answer is in the acknowledgement (a read kept in memory) or the
 * POST to the response_url.
 */
async function askOkrbot(
  url: string,
  fake: FakeSlack,
  team: number,
): Promise<{ ms: number; inAck: boolean }> {
  const id = `okr-${++requests}`;
  const body = slashCommand(`status ${teamSlug(team)}`, { responseUrl: fake.responseUrl(id) });
  const started = performance.now();
  const { status, text } = await post(url, sign(body, FORM));
  const answer = text
    ? (JSON.parse(text) as Record<string, unknown>)
    : (await fake.waitFor(`respond:${id}`, undefined, { timeoutMs: 30_000 })).body;
  const ms = performance.now() - started;
  if (
    status !== 200 ||
    !JSON.stringify(answer?.blocks).includes(teamSlug(team).replace('team-', 'Team '))
  )
    throw new Error(`okrbot answered ${status}: ${JSON.stringify(answer).slice(0, 300)}`);
  return { ms, inAck: text !== '' };
}

async function benchDriver(driver: Driver) {
  const fake = await startFakeSlack();
  const bare = await startBareApp(fake);
  const okrbot = await startOkrbot(driver, fake);
  try {
    for (let i = 0; i < WARM_UP; i++) {
      await askBare(bare.url, fake);
      await askOkrbot(okrbot.url, fake, MIDDLE);
    }
    // `warm`: the same team again and again, as the target asks (after the first, answered
    // from memory); `cold`: a team nobody asked about yet, every time (the database path).
    const bareMs: number[] = [];
    const warm: { ms: number; inAck: boolean }[] = [];
    const cold: { ms: number; inAck: boolean }[] = [];
    const coldTeams = Array.from({ length: runs }, (_, i) => 1 + ((MIDDLE + 1 + i * 7) % teams));
    for (let i = 0; i < runs; i++) {
      // Rotate which goes first, so none always runs on a warmer machine.
      const order = [
        async () => bareMs.push(await askBare(bare.url, fake)),
        async () => warm.push(await askOkrbot(okrbot.url, fake, MIDDLE)),
        async () => cold.push(await askOkrbot(okrbot.url, fake, coldTeams[i] as number)),
      ];
      for (let k = 0; k < order.length; k++) await order[(i + k) % order.length]?.();
      // The fake keeps every call; forget the answered ones so lookups stay cheap.
      fake.calls.length = 0;
    }
    const summary = (samples: { ms: number; inAck: boolean }[]) => {
      const ms = samples.map((s) => s.ms);
      return {
        medianMs: median(ms),
        p95Ms: percentile(ms, 95),
        answeredInAck: samples.filter((s) => s.inAck).length,
        samplesMs: ms,
      };
    };
    return {
      driver,
      generationMs: okrbot.generationMs,
      bare: { medianMs: median(bareMs), p95Ms: percentile(bareMs, 95), samplesMs: bareMs },
      warm: summary(warm),
      cold: summary(cold),
      ratio: median(warm.map((s) => s.ms)) / median(bareMs),
      coldRatio: median(cold.map((s) => s.ms)) / median(bareMs),
    };
  } finally {
    await okrbot.stop();
    await bare.stop();
    await fake.close();
  }
}

async function main(): Promise<void> {
  const drivers: Driver[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  const results = [];
  for (const driver of drivers) results.push(await benchDriver(driver));
  const ms = (value: number) => `${value.toFixed(2)} ms`.padStart(9);
  const lines = [
    `/okr status <team> through Bolt's HTTP receiver, ${teams} teams, ${runs} interleaved runs after ${WARM_UP} warm-up:`,
    `${'driver'.padEnd(9)} ${'series'.padEnd(34)} ${'median'.padStart(9)} ${'p95'.padStart(9)}  ratio to bare (target ≤ 1.5x)`,
    ...results.flatMap((r) => [
      `${r.driver.padEnd(9)} ${'bare Bolt app, fixed text in ack'.padEnd(34)} ${ms(r.bare.medianMs)} ${ms(r.bare.p95Ms)}`,
      `${r.driver.padEnd(9)} ${`okrbot ${LINE} (${r.warm.answeredInAck} in ack)`.padEnd(34)} ${ms(r.warm.medianMs)} ${ms(r.warm.p95Ms)}  ${r.ratio.toFixed(2)}x`,
      `${r.driver.padEnd(9)} ${`okrbot, a new team each (${r.cold.answeredInAck} in ack)`.padEnd(34)} ${ms(r.cold.medianMs)} ${ms(r.cold.p95Ms)}  ${r.coldRatio.toFixed(2)}x`,
    ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'slack-status.json'),
    JSON.stringify({ at: new Date().toISOString(), runs, teams, results }, null, 2),
  );
}

await main();
