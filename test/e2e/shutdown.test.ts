import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { findLeftovers } from '../../src/db/pglite-recovery.ts';
import { queryRows } from '../../src/db/rows.ts';
import { createPostgresDatabase, drivers, dropPostgresDatabase } from '../support/databases.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { addressOf, type Instance, startInstance, waitFor } from '../support/instances.ts';
import { importYaml, link, servicesOf } from '../support/scheduling.ts';
import { post, SIGNING_SECRET, sign, slashCommand } from '../support/slack-requests.ts';

// SIGTERM as `docker stop` and systemd send it: the process stops taking work, finishes what it
// took (Slack commands already acknowledged are answered and stored), closes its adapters and its
// database, and exits 0 within STOP_BOUND_MS. And the bound on the work it takes on at once: a
// command beyond it is answered "busy" in its acknowledgement.

/** The documented bound (README, "Stopping"): OKRBOT_STOP_TIMEOUT's default. */
const STOP_BOUND_MS = 8000;
const FORM = 'application/x-www-form-urlencoded';

const ORGANISATION = `
department: Tech
department_slug: tech
timezone: UTC
cycle: FY2026-27 Q2
teams:
  - name: Alpha
    managers: [Ana Berlin]
    goals: [{ title: Ship alpha, status: In progress }]
schedules:
  prompt: { enabled: false }
  overdue: { enabled: false }
  digest: { enabled: false }
`;

/** Resolves with how long the instance took to exit after `signal`, and how it exited. */
async function signalAndTime(instance: Instance, signal: NodeJS.Signals) {
  const sent = performance.now();
  instance.child.kill(signal);
  const exit = await instance.exited;
  return { ...exit, ms: performance.now() - sent };
}

describe.runIf(drivers().includes('postgres'))('one Slack instance on Postgres', () => {
  let url: string | undefined;
  let database: Database | undefined;
  let fake: FakeSlack | undefined;
  let instance: Instance | undefined;

  afterEach(async () => {
    await instance?.stop();
    await database?.close();
    if (url) await dropPostgresDatabase(url);
    await fake?.close();
    instance = undefined;
    database = undefined;
    fake = undefined;
    url = undefined;
  });

  /** An instance on a new database with Ana (U0ANA0001) managing Alpha, and a fake Slack. */
  async function startBot(env: Record<string, string> = {}) {
    url = await createPostgresDatabase();
    database = await openDatabase({ url, dataDir: 'unused' });
    await importYaml(database.db, ORGANISATION);
    await link(servicesOf(database.db), [['ana-berlin', 'slack', 'U0ANA0001']]);
    const slack = await startFakeSlack();
    fake = slack;
    const bot = startInstance(['start'], {
      DATABASE_URL: url,
      OKRBOT_DEMO: '0',
      OKRBOT_NOW: '2026-11-20T12:00:00Z',
      SLACK_BOT_TOKEN: 'xoxb-shutdown',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      HOST: '127.0.0.1',
      ...env,
    });
    instance = bot;
    await waitFor('Slack connected', () => bot.stderr().includes('outbox running'));
    return { bot, slack, db: database.db };
  }

  /** `count` signed `/okr note alpha <prefix> i` from Ana at once; their acknowledgements. */
  const notes = (bot: Instance, slack: FakeSlack, prefix: string, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        post(
          `${addressOf(bot)}/slack/events`,
          sign(
            slashCommand(`note alpha ${prefix} ${i}`, {
              user: 'U0ANA0001',
              responseUrl: slack.responseUrl(`${prefix}-${i}`),
            }),
            FORM,
          ),
        ),
      ),
    );

  it('answers and stores 40 acknowledged Slack commands, then exits 0 within the bound', async () => {
    const { bot, slack, db } = await startBot();
    const acks = await notes(bot, slack, 'shutdown-note', 40);
    expect(acks.map((ack) => ack.status)).toEqual(Array(40).fill(200));
    // Every command is acknowledged; most are still being worked on.
    const exit = await signalAndTime(bot, 'SIGTERM');
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(STOP_BOUND_MS);
    const answers = Array.from({ length: 40 }, (_, i) =>
      slack.callsOf(`respond:shutdown-note-${i}`),
    );
    expect(answers.map((calls) => calls.length)).toEqual(Array(40).fill(1));
    for (const [call] of answers) expect(JSON.stringify(call?.body)).not.toContain('failed');
    const stored = await queryRows<{ text: string }>(
      db,
      sql`select n.text from report_notes n where n.text like 'shutdown-note %'`,
    );
    expect(stored).toHaveLength(40);
    expect(bot.stderr()).toContain('stopped cleanly');
  }, 60_000);

  it('answers "busy" in the acknowledgement beyond OKRBOT_WORK_LIMIT, and every other command as usual', async () => {
    const { bot, slack, db } = await startBot({ OKRBOT_WORK_LIMIT: '2' });
    const acks = await notes(bot, slack, 'flood', 40);
    expect(acks.map((ack) => ack.status)).toEqual(Array(40).fill(200));
    const busy = acks.flatMap((ack, i) => (ack.text.includes('okrbot is busy') ? [i] : []));
    // 40 at once against a bound of 2: most wait for nothing, they are told at once.
    expect(busy.length).toBeGreaterThan(0);
    const taken = acks.flatMap((_, i) => (busy.includes(i) ? [] : [i]));
    for (const i of taken) await slack.waitFor(`respond:flood-${i}`);
    for (const i of busy) expect(slack.callsOf(`respond:flood-${i}`)).toEqual([]);
    const stored = await queryRows<{ text: string }>(
      db,
      sql`select n.text from report_notes n where n.text like 'flood %'`,
    );
    expect(stored.map((row) => row.text).sort()).toEqual(taken.map((i) => `flood ${i}`).sort());
    const metrics = await (await fetch(`${addressOf(bot)}/metrics`)).text();
    expect(metrics).toContain(`okrbot_busy_refusals_total{transport="slack"} ${busy.length}`);
  }, 60_000);
});

describe('stopping the shell chat on the embedded database', () => {
  let dir: string | undefined;
  let instance: Instance | undefined;

  afterEach(async () => {
    await instance?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    instance = undefined;
    dir = undefined;
  });

  it.each([
    ['SIGTERM', 'once it runs'],
    ['SIGINT', 'once it runs'],
    ['SIGTERM', 'while the first start creates the database and loads the demo'],
  ] as const)(
    'closes the database on %s %s: exit 0, no lock left, the next start needs no recovery',
    async (signal, when) => {
      dir = await mkdtemp(join(tmpdir(), 'okrbot-stop-'));
      const dataDir = join(dir, 'data');
      // Standard input stays open: the chat waits for lines, as it does in a container.
      const shell = startInstance(['start'], { OKRBOT_DATA_DIR: dataDir }, { keepStdin: true });
      instance = shell;
      if (when === 'once it runs')
        await waitFor('the chat ready', () => shell.stderr().includes('dashboard at'), 60_000);
      else
        await waitFor(
          'the database being created',
          async () => (await readdir(dataDir).catch((): string[] => [])).includes('okrbot.pid'),
          60_000,
        );
      const exit = await signalAndTime(shell, signal);
      expect(exit, shell.stderr()).toMatchObject({ code: 0, signal: null });
      // A signal during start-up waits for the database to open; the bound counts from there
      // (past it the process would have exited 1).
      if (when === 'once it runs') expect(exit.ms).toBeLessThan(STOP_BOUND_MS);
      expect(await readdir(dataDir)).not.toContain('okrbot.pid');
      expect(await findLeftovers(dataDir)).toEqual([]);
      const again = startInstance(['start'], { OKRBOT_DATA_DIR: dataDir, OKRBOT_DEMO: '0' });
      instance = again;
      await again.exited;
      expect(again.stderr()).toContain('okrbot ready');
      expect(again.stderr()).not.toContain('leftover');
    },
    90_000,
  );
});
