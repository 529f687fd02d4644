import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/core/command.ts';
import { openDatabase } from '../../src/db/database.ts';
import { queryRows } from '../../src/db/rows.ts';
import type { TickReport } from '../../src/jobs/scheduler/scheduler.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';
import { createManualClock } from '../support/manual-clock.ts';
import { createRecordingAdapter } from '../support/recording-adapter.ts';
import {
  importYaml,
  link,
  outboxRows,
  resetOperations,
  runRows,
  servicesOf,
  testScheduler,
  testWorker,
} from '../support/scheduling.ts';

const ORGANISATION = `
department: Tech
department_slug: tech
timezone: Europe/Berlin
cycle: FY2026-27 Q2
people:
  - { name: Ana Berlin, timezone: Europe/Berlin }
  - { name: Carl Chicago, timezone: America/Chicago }
  - { name: Sue Sydney, timezone: Australia/Sydney }
  - { name: Dan Default }
  - { name: Del Egate }
teams:
  - name: Alpha
    managers: [Ana Berlin, Carl Chicago]
    delegates: [Del Egate]
    goals: [{ title: Ship alpha, status: In progress }]
  - name: Beta
    managers: [Sue Sydney, Dan Default]
    goals: [{ title: Ship beta }]
  - name: Gamma
    managers: [Dan Default]
schedules:
  digest:
    channels: ["slack:C0DIGEST1", "irc:#tech-digest"]
`;

const ACCOUNTS = [
  ['ana-berlin', 'slack', 'U0ANA0001'],
  ['carl-chicago', 'irc', 'carl'],
  ['sue-sydney', 'slack', 'U0SUE0001'],
  ['dan-default', 'slack', 'U0DAN0001'],
  ['del-egate', 'slack', 'U0DEL0001'],
] as const;

const at = (iso: string) => new Date(iso);
/** The runs of one schedule in a tick's report (the others tick along too). */
const ranOf = (report: TickReport, key: string) =>
  report.ran.filter((r) => r.key === key).map((r) => [r.key, r.state]);

describe.each(drivers())('the scheduler (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    services = servicesOf(database.db);
    await importYaml(database.db, ORGANISATION);
    await link(services, ACCOUNTS);
  });
  afterAll(() => database?.close());
  beforeEach(() => resetOperations(database.db));

  describe('weekly digest', () => {
    it('posts one digest per channel at Monday 09:00, however often and by whomever it ticks', async () => {
      const first = testScheduler(services, { instanceId: 'a' });
      const second = testScheduler(services, { instanceId: 'b' });
      // Sunday: nothing due yet.
      expect(ranOf(await first.tick(at('2026-11-01T12:00:00Z')), 'digest:tech')).toEqual([]);
      const report = await first.tick(at('2026-11-02T08:00:30Z'));
      expect(ranOf(report, 'digest:tech')).toEqual([['digest:tech', 'done']]);
      await second.tick(at('2026-11-02T08:01:00Z'));
      await first.tick(at('2026-11-02T08:02:00Z'));
      const digests = await outboxRows(database.db, 'digest');
      expect(digests.map((d) => [d.key, d.state, d.transport, d.target])).toEqual([
        ['digest:tech:2026-W45:slack:C0DIGEST1', 'pending', 'slack', 'C0DIGEST1'],
        ['digest:tech:2026-W45:irc:#tech-digest', 'pending', 'irc', '#tech-digest'],
      ]);
      const runs = (await runRows(database.db)).filter((r) => r.key === 'digest:tech');
      expect(runs).toHaveLength(1);
      expect(runs[0]?.detail).toContain('2 queued');
    });

    it('ticks when started and at the start of every minute of its clock, until stopped', async () => {
      const clock = createManualClock('2026-11-02T07:59:40Z');
      const scheduler = testScheduler(services, { clock });
      const digestRuns = async () =>
        (await runRows(database.db)).filter((r) => r.key === 'digest:tech').map((r) => r.state);
      scheduler.start();
      try {
        await expect.poll(() => scheduler.lastTickAt).toBeDefined();
        // The first tick ran at 07:59:40 UTC, before the digest hour (09:00 in Berlin).
        expect(await digestRuns()).toEqual([]);
        await expect.poll(() => clock.sleepers).toBe(1);
        await clock.advance(20_000);
        await expect.poll(digestRuns).toEqual(['done']);
      } finally {
        await scheduler.stop();
      }
      expect(clock.sleepers).toBe(0);
    });

    it('is claimed by exactly one of three instances ticking the same minute', async () => {
      // On Postgres each instance has its own connection pool, as separate processes would.
      const extra =
        driver === 'postgres'
          ? await Promise.all(
              [1, 2].map(() => openDatabase({ url: database.url as string, dataDir: 'unused' })),
            )
          : [];
      try {
        const schedulers = [services, ...extra.map((d) => servicesOf(d.db))].map((s, i) =>
          testScheduler(s, { instanceId: `i${i}` }),
        );
        while (schedulers.length < 3)
          schedulers.push(testScheduler(services, { instanceId: `i${schedulers.length}` }));
        const reports = await Promise.all(
          schedulers.map((s) => s.tick(at('2026-11-02T08:00:05Z'))),
        );
        expect(reports.flatMap((r) => ranOf(r, 'digest:tech'))).toHaveLength(1);
        expect((await outboxRows(database.db, 'digest')).map((d) => d.key)).toEqual([
          'digest:tech:2026-W45:slack:C0DIGEST1',
          'digest:tech:2026-W45:irc:#tech-digest',
        ]);
      } finally {
        await Promise.all(extra.map((d) => d.close()));
      }
    });

    it('runs once, marked late, when every instance was down over the digest hour', async () => {
      const scheduler = testScheduler(services);
      await scheduler.tick(at('2026-10-26T08:00:10Z'));
      // Down from Sunday to Monday 11:00 Berlin (10:00 UTC).
      const report = await scheduler.tick(at('2026-11-02T10:00:00Z'));
      expect(ranOf(report, 'digest:tech')).toEqual([['digest:tech', 'late']]);
      await scheduler.tick(at('2026-11-02T10:01:00Z'));
      const digests = (await outboxRows(database.db, 'digest')).filter((d) =>
        d.key.includes('W45'),
      );
      expect(digests).toHaveLength(2);
      const [content] = await queryRows<{ text: string }>(
        database.db,
        sql`select payload::text as text from deliveries where idempotency_key like 'digest:tech:2026-W45:%' limit 1`,
      );
      expect(content?.text).toContain('Sent late: okrbot was not running at 09:00 on 2026-11-02');
      expect(content?.text).toContain('week of 2026-10-26');
    });

    it('sends nothing and records a skipped run after ten days down', async () => {
      const scheduler = testScheduler(services);
      await scheduler.tick(at('2026-10-26T08:00:10Z'));
      const report = await scheduler.tick(at('2026-11-05T12:00:00Z'));
      expect(report.ran.filter((r) => r.key === 'digest:tech')).toEqual([]);
      expect(report.skipped.filter((s) => s.key === 'digest:tech')).toEqual([
        {
          key: 'digest:tech',
          due: at('2026-11-02T08:00:00Z'),
          detail: expect.stringContaining('more than 2 days late'),
        },
      ]);
      expect(
        (await outboxRows(database.db, 'digest')).filter((d) => d.key.includes('W45')),
      ).toEqual([]);
    });

    it('catches up only the latest of several missed runs inside a long window: never a burst', async () => {
      await services.schedules.set(
        (await services.teams.findDepartment('tech'))?.id as number,
        {
          kind: 'digest',
          settings: { weekday: 1, time: '09:00' },
          catchUpSeconds: 20 * 86_400,
          enabled: true,
        },
        null,
      );
      try {
        const scheduler = testScheduler(services);
        await scheduler.tick(at('2026-10-19T08:00:10Z'));
        const report = await scheduler.tick(at('2026-11-03T12:00:00Z'));
        expect(
          report.ran.filter((r) => r.key === 'digest:tech').map((r) => [r.due, r.state]),
        ).toEqual([[at('2026-11-02T08:00:00Z'), 'late']]);
        expect(report.skipped.filter((s) => s.key === 'digest:tech').map((s) => s.detail)).toEqual([
          'superseded by the run due 2026-11-02T08:00:00.000Z',
        ]);
        expect((await outboxRows(database.db, 'digest')).map((d) => d.key.split(':')[2])).toEqual([
          '2026-W43',
          '2026-W43',
          '2026-W45',
          '2026-W45',
        ]);
      } finally {
        await database.db.execute(sql`delete from schedules where kind = 'digest'`);
        await importYaml(database.db, ORGANISATION);
      }
    });

    it('tries a failed run again, and it completes once the database answers', async () => {
      const flaky: Services = {
        ...services,
        outbox: {
          ...services.outbox,
          // The digest run's write fails (the other schedules and reminders go on).
          enqueue: async (rows) => {
            if (rows.some((row) => row.kind === 'digest'))
              throw new Error('Connection terminated unexpectedly');
            return services.outbox.enqueue(rows);
          },
        },
      };
      const report = await testScheduler(flaky).tick(at('2026-11-02T08:00:30Z'));
      expect(ranOf(report, 'digest:tech')).toEqual([['digest:tech', 'failed']]);
      expect(await outboxRows(database.db, 'digest')).toEqual([]);
      const retried = await testScheduler(services, { runRetryAfterMs: 0 }).tick(
        at('2026-11-02T08:01:30Z'),
      );
      expect(ranOf(retried, 'digest:tech')).toEqual([['digest:tech', 'done']]);
      const [run] = (await runRows(database.db)).filter((r) => r.key === 'digest:tech');
      expect(run).toMatchObject({ state: 'done', attempts: 2 });
      expect(await outboxRows(database.db, 'digest')).toHaveLength(2);
    });

    it('takes over a run whose instance died while running it', async () => {
      const scheduler = testScheduler(services, { instanceId: 'survivor', runLeaseMs: 1000 });
      await queryRows(
        database.db,
        sql`insert into schedule_runs (schedule_key, due_at, state, claimed_by, started_at)
            values ('digest:tech', '2026-11-02T08:00:00Z', 'running', 'dead-instance', now() - interval '10 minutes')`,
      );
      const report = await scheduler.tick(at('2026-11-02T08:20:00Z'));
      expect(ranOf(report, 'digest:tech')).toEqual([['digest:tech', 'late']]);
      const [run] = (await runRows(database.db)).filter((r) => r.key === 'digest:tech');
      expect(run).toMatchObject({ state: 'late', attempts: 2 });
      expect(await outboxRows(database.db, 'digest')).toHaveLength(2);
    });
  });

  describe('monthly prompt', () => {
    const personId = async (handle: string) =>
      (await services.people.findByHandle(handle))?.id as number;
    const setAway = async (handle: string, until: Date | null) =>
      services.admin.setAway(await personId(handle), until, {
        personId: null,
        at: new Date(),
        source: 'shell',
      });

    it("reaches each manager once, at 10:00 on the 20th in the manager's own zone", async () => {
      const scheduler = testScheduler(services);
      // Every half hour from Thursday evening to Friday evening UTC.
      for (
        let t = Date.parse('2026-11-19T20:00:00Z');
        t <= Date.parse('2026-11-20T20:00:00Z');
        t += 30 * 60_000
      )
        await scheduler.tick(new Date(t));
      const prompts = (await outboxRows(database.db, 'prompt')).sort((a, b) =>
        a.key.localeCompare(b.key),
      );
      expect(prompts.map((p) => [p.key, p.state, p.transport, p.skipReason])).toEqual([
        ['prompt:alpha:ana-berlin:2026-11', 'pending', 'slack', null],
        ['prompt:alpha:carl-chicago:2026-11', 'pending', 'irc', null],
        ['prompt:beta:dan-default:2026-11', 'pending', 'slack', null],
        ['prompt:beta:sue-sydney:2026-11', 'pending', 'slack', null],
        [
          'prompt:gamma:dan-default:2026-11',
          'skipped',
          null,
          'Gamma has no goals for FY2026-27 Q2: nothing to ask',
        ],
      ]);
      const runs = (await runRows(database.db)).filter((r) => r.key.startsWith('prompt:'));
      expect(runs.map((r) => [r.key, r.dueAt.toISOString(), r.state])).toEqual([
        ['prompt:tech:Australia/Sydney', '2026-11-19T23:00:00.000Z', 'done'],
        ['prompt:tech:Europe/Berlin', '2026-11-20T09:00:00.000Z', 'done'],
        ['prompt:tech:America/Chicago', '2026-11-20T16:00:00.000Z', 'done'],
      ]);
      const [due] = await queryRows<{ dueAt: Date }>(
        database.db,
        sql`select p.due_at as "dueAt" from prompts p join people pe on pe.id = p.person_id where pe.handle = 'carl-chicago'`,
      );
      expect(new Date(due?.dueAt as Date).toISOString()).toBe('2026-11-20T16:00:00.000Z');
    });

    it("asks an away manager's delegate instead, and says so in the manager's record", async () => {
      await setAway('ana-berlin', at('2026-11-25T23:00:00Z'));
      await setAway('carl-chicago', at('2026-11-25T23:00:00Z'));
      try {
        await testScheduler(services).runNow('prompt', { at: at('2026-11-20T09:00:00Z') });
        const alpha = (await outboxRows(database.db, 'prompt')).filter((p) =>
          p.key.startsWith('prompt:alpha:'),
        );
        expect(alpha.map((p) => [p.key, p.state, p.skipReason])).toEqual([
          [
            'prompt:alpha:ana-berlin:2026-11',
            'skipped',
            "away until the end of 2026-11-25: Alpha's prompt went to Del Egate instead",
          ],
          [
            'prompt:alpha:carl-chicago:2026-11',
            'skipped',
            "away until the end of 2026-11-25: Alpha's prompt went to Del Egate instead",
          ],
          // One prompt for the delegate, though two managers are away.
          ['prompt:alpha:del-egate:2026-11', 'pending', null],
        ]);
        const [row] = await queryRows<{ behalf: string }>(
          database.db,
          sql`select b.handle as behalf from prompts p join people b on b.id = p.on_behalf_of_id`,
        );
        expect(row?.behalf).toBe('ana-berlin');
      } finally {
        await setAway('ana-berlin', null);
        await setAway('carl-chicago', null);
      }
    });

    it('waits for an away manager who has no delegate, within the month', async () => {
      await setAway('sue-sydney', at('2026-11-22T13:00:00Z'));
      try {
        await testScheduler(services).runNow('prompt', { at: at('2026-11-20T09:00:00Z') });
        const [sue] = (await outboxRows(database.db, 'prompt')).filter(
          (p) => p.key === 'prompt:beta:sue-sydney:2026-11',
        );
        expect(sue).toMatchObject({
          state: 'pending',
          note: expect.stringContaining('no delegate of Beta'),
        });
        expect(new Date(sue?.notBefore as Date).toISOString()).toBe('2026-11-22T13:00:00.000Z');
      } finally {
        await setAway('sue-sydney', null);
      }
    });

    it('records why deactivated people and people it cannot reach get nothing', async () => {
      await services.people.setDeactivated(
        await personId('dan-default'),
        at('2026-11-01T00:00:00Z'),
      );
      try {
        // Only Slack here: Carl has an IRC account only.
        await testScheduler(services, { transports: ['slack'] }).runNow('prompt', {
          at: at('2026-11-20T09:00:00Z'),
        });
        const reasons = Object.fromEntries(
          (await outboxRows(database.db, 'prompt')).map((p) => [p.key, p.skipReason]),
        );
        expect(reasons).toMatchObject({
          'prompt:beta:dan-default:2026-11':
            'deactivated since 2026-11-01, and no delegate of Beta to answer this month',
          'prompt:alpha:carl-chicago:2026-11': 'only has a irc account, and okrbot sends on slack',
          'prompt:alpha:ana-berlin:2026-11': null,
        });
        await testScheduler(services, { transports: [] }).runNow('prompt', {
          at: at('2026-12-20T09:00:00Z'),
        });
        expect(
          (await outboxRows(database.db, 'prompt')).find(
            (p) => p.key === 'prompt:alpha:ana-berlin:2026-12',
          )?.skipReason,
        ).toBe('no chat transport is configured (Slack or IRC) to reach their slack account');
      } finally {
        await services.people.setDeactivated(await personId('dan-default'), null);
      }
    });

    it('turns a skip into a prompt when the run is repeated after the cause is gone', async () => {
      await services.people.setDeactivated(
        await personId('dan-default'),
        at('2026-11-01T00:00:00Z'),
      );
      const scheduler = testScheduler(services);
      await scheduler.runNow('prompt', { at: at('2026-11-20T09:00:00Z') });
      await services.people.setDeactivated(await personId('dan-default'), null);
      const [again] = await scheduler.runNow('prompt', { at: at('2026-11-20T09:05:00Z') });
      expect(again?.summary).toMatchObject({ queued: 1 });
      const dan = (await outboxRows(database.db, 'prompt')).find(
        (p) => p.key === 'prompt:beta:dan-default:2026-11',
      );
      expect(dan).toMatchObject({ state: 'pending', skipReason: null });
    });

    it('prompts a manager linked after the run at the next tick, once, inside the catch-up window', async () => {
      const unlinkDan = () =>
        queryRows(database.db, sql`delete from identities where external_id = 'U0DAN0001'`);
      const danPrompt = async () =>
        (await outboxRows(database.db, 'prompt'))
          .filter((p) => p.key === 'prompt:beta:dan-default:2026-11')
          .map((p) => [p.state, p.skipReason]);
      await unlinkDan();
      try {
        const scheduler = testScheduler(services);
        await scheduler.tick(at('2026-11-20T09:00:30Z'));
        expect(await danPrompt()).toEqual([
          ['skipped', 'no chat account linked (an admin links one with `person link`)'],
        ]);
        await scheduler.tick(at('2026-11-20T09:01:30Z'));
        expect((await danPrompt())[0]?.[0]).toBe('skipped');
        // Linked a minute later (an admin, or Slack's email lookup): the next tick prompts him.
        await link(services, [['dan-default', 'slack', 'U0DAN0001']]);
        await scheduler.tick(at('2026-11-20T09:02:30Z'));
        expect(await danPrompt()).toEqual([['pending', null]]);
        await scheduler.tick(at('2026-11-20T09:03:30Z'));
        expect(await danPrompt()).toEqual([['pending', null]]);
        expect(
          (await outboxRows(database.db, 'prompt')).filter((p) => p.handle === 'dan-default'),
        ).toHaveLength(2);
      } finally {
        await unlinkDan();
        await link(services, [['dan-default', 'slack', 'U0DAN0001']]);
      }
    });

    it('does not prompt a manager linked after the run when the team answered meanwhile', async () => {
      const unlinkDan = () =>
        queryRows(database.db, sql`delete from identities where external_id = 'U0DAN0001'`);
      await unlinkDan();
      try {
        const scheduler = testScheduler(services);
        await scheduler.tick(at('2026-11-20T09:00:30Z'));
        const sue = await services.people.findByHandle('sue-sydney');
        const dispatch = testDispatcher(services, '2026-11-20T10:00:00Z');
        const answer = await dispatch('note beta waiting on the vendor', {
          person: sue,
          isAdmin: false,
          transport: 'slack',
          label: 'sue-sydney',
        });
        expect(answer?.tone).toBe('info');
        await link(services, [['dan-default', 'slack', 'U0DAN0001']]);
        await scheduler.tick(at('2026-11-20T10:01:30Z'));
        const dan = (await outboxRows(database.db, 'prompt')).find(
          (p) => p.key === 'prompt:beta:dan-default:2026-11',
        );
        expect(dan?.state).toBe('skipped');
      } finally {
        await queryRows(database.db, sql`delete from report_notes where source = 'slack'`);
        await unlinkDan();
        await link(services, [['dan-default', 'slack', 'U0DAN0001']]);
      }
    });

    it('reminds 3 and 6 days later at the local hour, until the prompt is answered', async () => {
      const adapters = [createRecordingAdapter('slack'), createRecordingAdapter('irc')];
      const worker = testWorker(services, adapters);
      const scheduler = testScheduler(services);
      await scheduler.tick(at('2026-11-20T09:00:30Z'));
      await worker.drain();
      const promptOf = async (handle: string) =>
        (
          await queryRows<{ id: number }>(
            database.db,
            sql`select p.id from prompts p join people pe on pe.id = p.person_id where pe.handle = ${handle}`,
          )
        )[0]?.id as number;
      const [ana, dan] = [await promptOf('ana-berlin'), await promptOf('dan-default')];
      // Sue's reminders follow Sydney's clock; these are about Berlin's.
      const berlin = async () =>
        (await outboxRows(database.db, 'reminder')).filter((r) =>
          ['ana-berlin', 'dan-default'].includes(r.handle as string),
        );
      await scheduler.tick(at('2026-11-23T08:59:00Z'));
      expect(await berlin()).toEqual([]);
      await scheduler.tick(at('2026-11-23T09:00:30Z'));
      expect((await berlin()).map((r) => r.key)).toEqual([
        `reminder:${ana}:1`,
        `reminder:${dan}:1`,
      ]);
      await worker.drain();
      await services.prompts.answered(ana, at('2026-11-24T10:00:00Z'));
      await scheduler.tick(at('2026-11-26T09:00:30Z'));
      await worker.drain();
      const ours = [ana, dan].map((id) => `reminder:${id}:`);
      // Sent in any order: one worker drain delivers to several people at once.
      expect(
        adapters[0]
          ?.keys()
          .filter((k) => ours.some((prefix) => k.startsWith(prefix)))
          .sort(),
      ).toEqual([`reminder:${ana}:1`, `reminder:${dan}:1`, `reminder:${dan}:2`].sort());
      // After month end the report is late: no more reminders.
      await scheduler.tick(at('2026-12-01T09:00:30Z'));
      expect(await berlin()).toHaveLength(3);
    });

    it('sends only the latest of reminders that fell due together, and skips one answered meanwhile', async () => {
      const adapters = [createRecordingAdapter('slack'), createRecordingAdapter('irc')];
      const worker = testWorker(services, adapters);
      const scheduler = testScheduler(services);
      await scheduler.tick(at('2026-11-20T09:00:30Z'));
      await worker.drain();
      await scheduler.tick(at('2026-11-26T12:00:00Z'));
      const reminders = (await outboxRows(database.db, 'reminder')).filter(
        (r) => r.handle !== 'sue-sydney',
      );
      expect(reminders.map((r) => [r.key.split(':')[2], r.state, r.skipReason])).toEqual([
        ['1', 'skipped', 'superseded by reminder 2, due at the same time'],
        ['2', 'pending', null],
        ['1', 'skipped', 'superseded by reminder 2, due at the same time'],
        ['2', 'pending', null],
      ]);
      // Answered after the reminder was queued, before it went out.
      await queryRows(database.db, sql`update prompts set answered_at = now()`);
      await worker.drain();
      expect((await outboxRows(database.db, 'reminder')).map((r) => r.skipReason)).toContain(
        'answered before the reminder went out',
      );
      expect(adapters[0]?.keys().filter((k) => k.startsWith('reminder:'))).toEqual([]);
    });
  });
});
