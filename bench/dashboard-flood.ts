// Slack's acknowledgements while the dashboard is flooded, on the embedded database (issue 19,
// item 4): okrbot runs as its own process on PGlite with the demo data; this process is the
// client. It measures `/okr status analytics` (an answer kept in memory, so it comes in the
// acknowledgement) from sending the signed request to its HTTP response, first with nothing else
// going on, then while `--loaders` clients load dashboard pages (quarter, team and key-result
// pages, charts and downloads) as fast as they are answered, then quiet again; same run.
// Usage: npx tsx bench/dashboard-flood.ts [--runs 300] [--loaders 64]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack.ts';
import { addressOf, startInstance, waitFor } from '../test/support/instances.ts';
import { runCli } from '../test/support/run-cli.ts';
import { post, SIGNING_SECRET, sign, slashCommand } from '../test/support/slack-requests.ts';
import { median, numberOption, percentile } from './stats.ts';

const runs = numberOption('--runs', 300);
const loaders = numberOption('--loaders', 64);
const FORM = 'application/x-www-form-urlencoded';
const NURIA = 'U0NURIA01';

/** Pages people open, the heavy quarter pages most. */
const PAGES = [
  '/',
  '/technology/FY2019-20-Q1',
  '/technology/FY2019-20-Q1',
  '/technology/FY2019-20-Q2',
  '/technology',
  '/teams/analytics',
  '/teams/performance',
  '/teams/release-engineering',
  '/kr/FY2020-21/TCB-KR2',
  '/technology/FY2019-20-Q1.csv',
  '/technology/FY2019-20-Q1.wiki',
];

let requests = 0;
let answeredInAck = 0;

/** One acknowledgement: its time (counting those that carried the answer). */
async function ack(url: string, fake: FakeSlack): Promise<number> {
  const body = slashCommand('status analytics', {
    user: NURIA,
    responseUrl: fake.responseUrl(`ack-${++requests}`),
  });
  const started = performance.now();
  const { status, text } = await post(url, sign(body, FORM));
  const ms = performance.now() - started;
  if (status !== 200) throw new Error(`okrbot answered ${status}`);
  // Kept answers expire after a minute: then one is computed again, and answered after the ack.
  if (text.includes('Analytics')) answeredInAck++;
  return ms;
}

async function series(url: string, fake: FakeSlack): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    samples.push(await ack(url, fake));
    fake.calls.length = 0;
  }
  return samples;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'okrbot-bench-'));
  const dataDir = join(dir, 'data');
  // The demo data, and Nuria's Slack account, through the shell (its operator is an admin).
  const linked = await runCli(
    ['start'],
    { OKRBOT_DATA_DIR: dataDir },
    `person link nuria-ruiz slack ${NURIA}\n`,
  );
  if (linked.code !== 0) throw new Error(`could not prepare the data: ${linked.stderr}`);
  const fake = await startFakeSlack();
  const bot = startInstance(['start'], {
    OKRBOT_DATA_DIR: dataDir,
    OKRBOT_NOW: '2019-08-28T12:00:00Z',
    OKRBOT_SCHEDULER: 'off',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    HOST: '127.0.0.1',
  });
  try {
    await waitFor('okrbot listening', () => bot.stderr().includes('outbox running'), 120_000).catch(
      (error) => {
        throw new Error(`${(error as Error).message}\n${bot.stderr()}`);
      },
    );
    const base = addressOf(bot) as string;
    const url = `${base}/slack/events`;
    // The first answer is computed (through the response_url), later ones are kept in memory.
    await post(
      url,
      sign(
        slashCommand('status analytics', { user: NURIA, responseUrl: fake.responseUrl('first') }),
        FORM,
      ),
    );
    await fake.waitFor('respond:first');
    for (let i = 0; i < 30; i++) await ack(url, fake);
    answeredInAck = 0;
    const quiet = await series(url, fake);
    let flooding = true;
    let pagesLoaded = 0;
    const pageMs: number[] = [];
    const pageErrors: string[] = [];
    const flood = Array.from({ length: loaders }, async (_, n) => {
      for (let i = n; flooding; i++) {
        const started = performance.now();
        try {
          const response = await fetch(`${base}${PAGES[i % PAGES.length]}`);
          await response.arrayBuffer();
          if (response.status === 200) pagesLoaded++;
          else pageErrors.push(String(response.status));
        } catch (error) {
          pageErrors.push(String((error as { cause?: { code?: string } }).cause?.code ?? error));
        }
        pageMs.push(performance.now() - started);
      }
    });
    const floodStarted = performance.now();
    const flooded = await series(url, fake);
    const floodSeconds = (performance.now() - floodStarted) / 1000;
    flooding = false;
    await Promise.all(flood);
    const after = await series(url, fake);
    const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(9);
    const row = (label: string, samples: number[]) =>
      `${label.padEnd(44)} ${ms(median(samples))} ${ms(percentile(samples, 99))} ${ms(Math.max(...samples))}`;
    process.stdout.write(
      [
        `Slack acknowledgements of /okr status analytics, PGlite, ${runs} each (${answeredInAck} of ${3 * runs} with the answer in the ack):`,
        `${'series'.padEnd(44)} ${'median'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}`,
        row('no flood', quiet),
        row(`during a flood of ${loaders} page loaders`, flooded),
        row('no flood, after', after),
        `flood: ${pagesLoaded} pages in ${floodSeconds.toFixed(1)} s (${(pagesLoaded / floodSeconds).toFixed(0)}/s), page median ${median(pageMs).toFixed(0)} ms, p99 ${percentile(pageMs, 99).toFixed(0)} ms, ${pageErrors.length} failed (${[...new Set(pageErrors)].join(', ') || 'none'})`,
        '',
      ].join('\n'),
    );
  } finally {
    await bot.stop();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
