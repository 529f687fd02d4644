import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { queryRows } from '../../src/db/rows.ts';
import { isoWeek } from '../../src/domain/schedules.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { createPostgresDatabase, drivers, dropPostgresDatabase } from '../support/databases.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { type Instance, startInstance, waitFor, waitForTick } from '../support/instances.ts';
import { runCli } from '../support/run-cli.ts';
import { importYaml, link, outboxRows, runRows, servicesOf } from '../support/scheduling.ts';
import { SIGNING_SECRET } from '../support/slack-requests.ts';

// Several okrbot processes on one Postgres, as an operator runs them, sending through the real
// Slack adapter to a fake Slack Web API in this process: the test counts every message that
// reached Slack, whichever process sent it and whatever happened to it (each carries its outbox
// key in its metadata).

const ORGANISATION = `
department: Tech
department_slug: tech
timezone: Europe/Berlin
cycle: FY2026-27 Q2
teams:
  - name: Alpha
    managers: [Ana Berlin]
    goals: [{ title: Ship alpha, status: In progress }]
schedules:
  prompt: { enabled: false }
  overdue: { enabled: false }
  digest:
    channels: ["slack:C0DIGEST1", "slack:C0DIGEST2", "slack:C0DIGEST3"]
`;

/** Monday 2 November 2026, 09:00 in Berlin is 08:00 UTC. */
const DIGEST_DUE = '2026-11-02T08:00:00.000Z';

describe.runIf(drivers().includes('postgres'))('okrbot instances on one Postgres', () => {
  let url: string;
  let database: Database;
  let instances: Instance[] = [];
  let fake: FakeSlack | undefined;

  /** A fresh database with the organisation, and a fresh fake Slack. */
  async function setUp(
    yaml = ORGANISATION,
    accounts: readonly (readonly [string, 'slack', string])[] = [
      ['ana-berlin', 'slack', 'U0ANA0001'],
    ],
  ): Promise<void> {
    url = await createPostgresDatabase();
    database = await openDatabase({ url, dataDir: 'unused' });
    await importYaml(database.db, yaml);
    await link(servicesOf(database.db), accounts);
    fake = await startFakeSlack();
  }

  /** What okrbot needs to reach the fake Slack. */
  const slackEnv = () => ({
    SLACK_BOT_TOKEN: 'xoxb-instances',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: (fake as FakeSlack).apiUrl,
    HOST: '127.0.0.1',
  });

  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    instances = [];
    await database?.close();
    if (url) await dropPostgresDatabase(url);
    await fake?.close();
    fake = undefined;
  });

  const start = (env: Record<string, string> = {}) => {
    const instance = startInstance(['start'], {
      DATABASE_URL: url,
      OKRBOT_DEMO: '0',
      ...slackEnv(),
      OKRBOT_OUTBOX_LEASE: '2',
      OKRBOT_OUTBOX_RATE: '50',
      OKRBOT_OUTBOX_CHANNEL_INTERVAL: '0',
      ...env,
    });
    instances.push(instance);
    return instance;
  };

  /** The outbox keys of the messages that reached Slack, in order (repeats included). */
  const keysSent = () => (fake?.posts() ?? []).flatMap((post) => (post.key ? [post.key] : []));
  const sentState = async (kind: string) =>
    (await outboxRows(database.db, kind)).map((r) => r.state);

  it('three instances ticking the same digest minute post one digest per channel', async () => {
    await setUp();
    const now = { OKRBOT_NOW: '2026-11-02T08:00:20Z' };
    for (const id of ['a', 'b', 'c']) start({ ...now, OKRBOT_INSTANCE_ID: id });
    await waitFor('three digests sent', async () => {
      const states = await sentState('digest');
      return states.length === 3 && states.every((s) => s === 'sent');
    });
    // Every instance has ticked (and found the run taken or ran it); stopped, none has anything
    // left on its way to Slack when we count.
    await Promise.all(instances.map((instance) => waitForTick(instance)));
    await Promise.all(instances.map((instance) => instance.stop()));
    expect(keysSent().sort()).toEqual([
      'digest:tech:2026-W45:slack:C0DIGEST1',
      'digest:tech:2026-W45:slack:C0DIGEST2',
      'digest:tech:2026-W45:slack:C0DIGEST3',
    ]);
    const runs = (await runRows(database.db)).filter((r) => r.key === 'digest:tech');
    expect(runs.map((r) => [r.dueAt.toISOString(), r.state])).toEqual([[DIGEST_DUE, 'done']]);
  });

  it.each(['after-claim', 'after-send'])(
    'an instance SIGKILLed %s leaves exactly one message per channel',
    async (point) => {
      await setUp();
      const now = { OKRBOT_NOW: '2026-11-02T08:00:20Z' };
      const doomed = start({ ...now, OKRBOT_INSTANCE_ID: 'doomed', OKRBOT_CRASH_AT: point });
      expect((await doomed.exited).signal).toBe('SIGKILL');
      expect(keysSent()).toHaveLength(point === 'after-send' ? 1 : 0);
      start({ ...now, OKRBOT_INSTANCE_ID: 'survivor' });
      await waitFor('all digests sent', async () => {
        const states = await sentState('digest');
        return states.length === 3 && states.every((s) => s === 'sent');
      });
      expect(keysSent().sort()).toEqual([
        'digest:tech:2026-W45:slack:C0DIGEST1',
        'digest:tech:2026-W45:slack:C0DIGEST2',
        'digest:tech:2026-W45:slack:C0DIGEST3',
      ]);
      const notes = (await outboxRows(database.db, 'digest')).map((r) => r.note).filter(Boolean);
      expect(notes).toEqual(
        point === 'after-send'
          ? ['found already delivered after an interrupted attempt; not sent again']
          : [],
      );
    },
  );

  it('sends one late digest after all instances were down over the digest hour', async () => {
    await setUp();
    // The instances ran the week before, then were all down from Sunday until 11:00 on Monday.
    await queryRows(
      database.db,
      sql`insert into schedule_runs (schedule_key, due_at, state, finished_at)
          values ('digest:tech', '2026-10-26T08:00:00Z', 'done', now())`,
    );
    start({ OKRBOT_NOW: '2026-11-02T10:00:00Z' });
    await waitFor('the late digest sent', async () => {
      const states = await sentState('digest');
      return states.length === 3 && states.every((s) => s === 'sent');
    });
    const runs = (await runRows(database.db)).filter((r) => r.key === 'digest:tech');
    expect(runs.map((r) => r.state)).toEqual(['done', 'late']);
    expect(new Set(keysSent()).size).toBe(3);
  });

  it('sends nothing, and records a skipped run, after ten days down', async () => {
    await setUp();
    await queryRows(
      database.db,
      sql`insert into schedule_runs (schedule_key, due_at, state, finished_at)
          values ('digest:tech', '2026-10-26T08:00:00Z', 'done', now())`,
    );
    const instance = start({ OKRBOT_NOW: '2026-11-05T12:00:00Z' });
    await waitForTick(instance);
    await instance.stop();
    const runs = (await runRows(database.db)).filter((r) => r.key === 'digest:tech');
    expect(runs.map((r) => [r.dueAt.toISOString(), r.state])).toEqual([
      ['2026-10-26T08:00:00.000Z', 'done'],
      [DIGEST_DUE, 'skipped'],
    ]);
    expect(await outboxRows(database.db, 'digest')).toEqual([]);
    expect(keysSent()).toEqual([]);
  });

  it('loses nothing and repeats nothing when Postgres drops every connection mid-fan-out', {
    timeout: 150_000,
  }, async () => {
    const teams = Array.from(
      { length: 120 },
      (_, i) => `  - { name: Team ${i}, managers: [Manager ${i}], goals: [{ title: Goal ${i} }] }`,
    ).join('\n');
    await setUp(
      `
department: Wide
department_slug: wide
timezone: UTC
cycle: FY2026-27 Q2
teams:
${teams}
schedules:
  digest: { enabled: false }
  overdue: { enabled: false }
`,
      Array.from(
        { length: 120 },
        (_, i) => [`manager-${i}`, 'slack', `U0MGR${String(i).padStart(4, '0')}`] as const,
      ),
    );
    const now = { OKRBOT_NOW: '2026-11-20T10:00:10Z', OKRBOT_OUTBOX_RATE: '40' };
    for (const id of ['a', 'b', 'c']) start({ ...now, OKRBOT_INSTANCE_ID: id });
    await waitFor('the fan-out under way', () => keysSent().length >= 10);
    const admin = postgres(process.env.TEST_DATABASE_URL as string, { max: 1, onnotice: () => {} });
    const name = new URL(url).pathname.slice(1);
    try {
      for (let cut = 0; cut < 3; cut++) {
        const [{ at }] = (await admin`select now() as at`) as unknown as [{ at: Date }];
        // What a Postgres restart does to its clients: every connection to the database drops.
        await admin`select pg_terminate_backend(pid) from pg_stat_activity
                    where datname = ${name} and pid <> pg_backend_pid()`;
        // The next cut comes once every instance is back at work (or all is sent).
        await waitFor(
          'every instance claiming again after the cut',
          async () => {
            if (new Set(keysSent()).size === 120) return true;
            // This test's own connection was cut too: a failed look is a look again.
            const [back] = await queryRows<{ n: number }>(
              database.db,
              sql`select count(distinct claimed_by)::int as n from deliveries
                  where claimed_at > ${at.toISOString()}::timestamptz`,
            ).catch(() => [{ n: 0 }]);
            return back?.n === 3;
          },
          90_000,
        );
      }
    } finally {
      await admin.end();
    }
    await waitFor('every prompt sent', () => new Set(keysSent()).size === 120, 90_000);
    // No instance died of it either (see scripts/patch-postgres-driver.mjs).
    expect(instances.map((i) => i.child.exitCode ?? i.child.signalCode)).toEqual([
      null,
      null,
      null,
    ]);
    // Stopped, they have nothing left on its way: what reached Slack is all there is.
    await Promise.all(instances.map((instance) => instance.stop()));
    expect(keysSent()).toHaveLength(120);
    const fresh = await openDatabase({ url, dataDir: 'unused' });
    try {
      const states = (await outboxRows(fresh.db, 'prompt')).map((r) => r.state);
      expect(states.filter((s) => s !== 'sent')).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('two instances whose process clocks are 90 s apart run the digest once, when it is due by the database clock', {
    // It waits for a real whole minute (up to 135 s away), then for the digest: deadlines for a
    // busy machine, not measures.
    timeout: 420_000,
  }, async () => {
    // The next whole minute at least 75 s away (this machine's clock is the database's): both
    // instances are up before the one 45 s ahead would reach it on its own clock.
    const due = new Date(Math.ceil((Date.now() + 75_000) / 60_000) * 60_000);
    const weekday = due.getUTCDay() === 0 ? 7 : due.getUTCDay();
    const time = due.toISOString().slice(11, 16);
    await setUp(
      ORGANISATION.replace('timezone: Europe/Berlin', 'timezone: UTC').replace(
        '  digest:\n',
        `  digest:\n    weekday: ${weekday}\n    time: "${time}"\n`,
      ),
    );
    // A process clock 45 s ahead and one 45 s behind; no OKRBOT_NOW: the schedules run on the
    // database's clock.
    const skewed = (ms: number) => ({
      NODE_OPTIONS: `--import ${fileURLToPath(new URL('../support/skewed-clock.mjs', import.meta.url))}`,
      CLOCK_SKEW_MS: String(ms),
    });
    start({ ...skewed(45_000), OKRBOT_INSTANCE_ID: 'ahead' });
    start({ ...skewed(-45_000), OKRBOT_INSTANCE_ID: 'behind' });
    await waitFor(
      'three digests sent',
      async () => {
        const states = await sentState('digest');
        return states.length === 3 && states.every((s) => s === 'sent');
      },
      360_000,
    );
    await Promise.all(instances.map((instance) => instance.stop()));
    const key = (i: number) => `digest:tech:${isoWeek(due, 'UTC')}:slack:C0DIGEST${i}`;
    expect(keysSent().sort()).toEqual([key(1), key(2), key(3)]);
    // Nothing left early: the instance ahead waited for the instant on the database's clock.
    for (const post of fake?.posts() ?? []) expect(post.at).toBeGreaterThanOrEqual(due.getTime());
    const runs = await queryRows<{ dueAt: Date; startedAt: Date; state: string }>(
      database.db,
      sql`select due_at as "dueAt", started_at as "startedAt", state from schedule_runs
          where schedule_key = 'digest:tech' and due_at = ${due.toISOString()}::timestamptz`,
    );
    expect(runs.map((r) => r.state)).toEqual(['done']);
    expect(new Date(runs[0]?.startedAt ?? 0).getTime()).toBeGreaterThanOrEqual(due.getTime());
  });

  it('one of three instances stopped with SIGTERM mid-fan-out: 0 lost, 0 repeated, no lease waited out', {
    timeout: 300_000,
  }, async () => {
    const size = 2000;
    const teams = Array.from(
      { length: size },
      (_, i) => `  - { name: Team ${i}, managers: [Manager ${i}], goals: [{ title: Goal ${i} }] }`,
    ).join('\n');
    await setUp(
      `
department: Wide
department_slug: wide
timezone: UTC
cycle: FY2026-27 Q2
teams:
${teams}
schedules:
  digest: { enabled: false }
  overdue: { enabled: false }
`,
      Array.from(
        { length: size },
        (_, i) => [`manager-${i}`, 'slack', `U0MGR${String(i).padStart(4, '0')}`] as const,
      ),
    );
    // A lease far longer than the test: a claim the stopped instance kept would never be sent.
    const env = {
      OKRBOT_NOW: '2026-11-20T10:00:10Z',
      OKRBOT_OUTBOX_RATE: '100',
      OKRBOT_OUTBOX_LEASE: '3600',
    };
    const stopped = start({ ...env, OKRBOT_INSTANCE_ID: 'a' });
    await waitFor('the fan-out under way', () => keysSent().length >= 100);
    // Slack asks for a pause: the instance holds the messages it claimed until it is over.
    const since = (fake as FakeSlack).calls.length;
    fake?.fail('chat.postMessage', { status: 429, retryAfter: 30 });
    await fake?.waitFor('chat.postMessage', undefined, { since });
    for (const id of ['b', 'c']) start({ ...env, OKRBOT_INSTANCE_ID: id });
    const signalled = performance.now();
    stopped.child.kill('SIGTERM');
    // Well before the pause is over: what it held was given back, not waited for.
    expect(await stopped.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalled).toBeLessThan(8000);
    expect(stopped.stderr()).toContain('stopped cleanly');
    expect(keysSent().length).toBeLessThan(size);
    await waitFor('every prompt sent', () => new Set(keysSent()).size === size, 240_000);
    await Promise.all(instances.map((instance) => instance.stop()));
    expect(keysSent()).toHaveLength(size);
    const rows = await outboxRows(database.db, 'prompt');
    expect(rows.filter((r) => r.state !== 'sent')).toEqual([]);
    expect(rows).toHaveLength(size);
  });

  it('acceptance: two instances on the demo data prompt each manager once, one killed mid-run', async () => {
    url = await createPostgresDatabase();
    database = await openDatabase({ url, dataDir: 'unused' });
    await importDemo(database.db, { fiscal: { startMonth: 7 }, defaultTimeZone: 'UTC' });
    const managers = await queryRows<{ handle: string; id: number }>(
      database.db,
      sql`select distinct p.handle, p.id from team_roles r join people p on p.id = r.person_id where r.role = 'manager'`,
    );
    await link(
      servicesOf(database.db),
      managers.map((m) => [m.handle, 'slack', `U0DEMO${String(m.id).padStart(4, '0')}`] as const),
    );
    fake = await startFakeSlack();
    // The 20th of August 2019, just after 10:00 in the department's zone (UTC).
    const env = { OKRBOT_NOW: '2019-08-20T10:00:30Z', OKRBOT_OUTBOX_RATE: '4' };
    const first = start({ ...env, OKRBOT_INSTANCE_ID: 'first' });
    start({ ...env, OKRBOT_INSTANCE_ID: 'second' });
    await waitFor('the prompts going out', () => keysSent().length >= 4);
    first.child.kill('SIGKILL');
    await waitFor(
      'every queued prompt sent',
      async () => {
        const states = await sentState('prompt');
        return (
          states.length > 0 && states.filter((s) => s !== 'skipped').every((s) => s === 'sent')
        );
      },
      90_000,
    );
    // Stopped, the survivor has nothing left on its way to Slack.
    await Promise.all(instances.map((instance) => instance.stop()));
    const queued = (await outboxRows(database.db, 'prompt')).filter((r) => r.state === 'sent');
    expect(queued.length).toBeGreaterThan(10);
    // The day's overdue nudges may go out too (the schedules run on the demo data): prompts only.
    const promptsSent = keysSent().filter((key) => key.startsWith('prompt:'));
    expect(promptsSent.sort()).toEqual(queued.map((r) => r.key).sort());
    expect(promptsSent).toContain('prompt:analytics:nuria-ruiz:2019-08');
    const why = await runCli(['deliveries', '--why', 'nuria-ruiz'], {
      DATABASE_URL: url,
      OKRBOT_DEMO: '0',
      OKRBOT_NOW: '2019-08-21T12:00:00Z',
    });
    // The demo's imported page has Analytics' August report already: the team has answered.
    expect(why.stdout).toMatch(
      /Analytics, August 2019: prompt sent .* on slack \(message \d+\.\d+\)\. Answered 2019-08-01 00:00 UTC in an import \(a note in Analytics's report\), so no more reminders\./,
    );
  }, 150_000);

  it('`okrbot run` without chat variables queues for what the running instances send on; with none running it records nothing', async () => {
    await setUp(ORGANISATION.replace('prompt: { enabled: false }', 'prompt: { day: 20 }'));
    const shell = { DATABASE_URL: url, OKRBOT_DEMO: '0' };
    const run = () => runCli(['run', 'prompt', '--at', '2026-11-20T09:00:00Z'], shell);
    const alone = await run();
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('nothing can deliver');
    expect(await outboxRows(database.db)).toEqual([]);
    expect((await runRows(database.db)).filter((r) => r.key.startsWith('manual:'))).toEqual([]);
    // A Thursday: nothing of its own is due for the running instance.
    const instance = start({ OKRBOT_NOW: '2026-11-05T12:00:00Z' });
    await waitForTick(instance);
    const handed = await run();
    expect(handed.code).toBe(0);
    expect(handed.stdout).toContain('prompt tech: 1 queued, 0 skipped');
    expect(handed.stdout).toContain('Queued for slack, which the running okrbot instances send on');
    await waitFor('the prompt sent by the running instance', async () =>
      (await sentState('prompt')).includes('sent'),
    );
    const [prompt] = await outboxRows(database.db, 'prompt');
    expect(prompt).toMatchObject({
      key: 'prompt:alpha:ana-berlin:2026-11',
      transport: 'slack',
      skipReason: null,
    });
    expect(keysSent()).toContain('prompt:alpha:ana-berlin:2026-11');
  });

  it('explains to the operator what was sent, and runs a schedule on demand', async () => {
    await setUp(ORGANISATION.replace('prompt: { enabled: false }', 'prompt: { day: 20 }'));
    const env = { DATABASE_URL: url, OKRBOT_DEMO: '0', ...slackEnv() };
    const ran = await runCli(
      ['run', 'digest', '--department', 'tech', '--at', '2026-11-02T08:00:00Z'],
      env,
    );
    expect(ran.stdout).toContain('digest tech: 3 queued, 0 skipped');
    expect(ran.code).toBe(0);
    const again = await runCli(['run', 'digest', '--at', '2026-11-02T08:05:00Z'], env);
    expect(again.stdout).toContain(
      'digest tech: 0 queued, 0 skipped, 3 already queued or sent before',
    );
    const wrong = await runCli(['run', 'digests'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('name one schedule: prompt, digest, overdue, reminders');
    const why = await runCli(['deliveries', '--why', 'ana-berlin'], {
      ...env,
      OKRBOT_NOW: '2026-11-02T09:00:00Z',
    });
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('Deliveries for Ana Berlin (ana-berlin)');
    expect(why.stdout).toContain('Chat accounts: slack U0ANA0001.');
    expect(why.stdout).toMatch(/Alpha, November 2026: due 2026-11-20 10:00 Europe\/Berlin/);
    const overview = await runCli(['deliveries'], env);
    expect(overview.stdout).toContain('pending 3');
    expect(overview.stdout).toContain('manual:digest:tech');
    const nobody = await runCli(['deliveries', '--why', 'ana-berlim'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('Did you mean ana-berlin?');
  });
});
