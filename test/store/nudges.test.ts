import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/core/command.ts';
import { queryRows } from '../../src/db/rows.ts';
import { renderText } from '../../src/reply/render-text.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';
import { createRecordingAdapter } from '../support/recording-adapter.ts';
import {
  importYaml,
  link,
  outboxRows,
  resetOperations,
  servicesOf,
  testScheduler,
  testWorker,
} from '../support/scheduling.ts';

const OPS = `
department: Ops
department_slug: ops
timezone: UTC
cycle: FY2026-27 Q2
teams:
  - name: Ops Team
    managers: [Mia Manager]
    goals:
      - { title: Support the incident key result, key_result: OPS-KR1, status: In progress }
objectives:
  - code: OPS
    cycle: FY2026-27 Q2
    title: Run things well
    manager: Olga Objective
    key_results:
      - code: KR1
        text: Fewer incidents
        manager: Kim Krmanager
        target: 10
        direction: down
        due: 2026-10-31
        statuses: [{ on: 2026-10-01, status: In progress }]
schedules:
  prompt: { enabled: false }
  digest: { enabled: false }
`;

const operator = {
  person: undefined,
  isAdmin: true,
  transport: 'shell' as const,
  label: 'operator',
};

describe.each(drivers())('overdue nudges (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    services = servicesOf(database.db);
    await importYaml(database.db, OPS);
    await link(services, [
      ['kim-krmanager', 'slack', 'U0KIM0001'],
      ['mia-manager', 'slack', 'U0MIA0001'],
      ['olga-objective', 'slack', 'U0OLGA001'],
    ]);
  });
  afterAll(() => database?.close());
  beforeEach(async () => {
    await resetOperations(database.db);
    await queryRows(database.db, sql`delete from snoozes`);
    await queryRows(database.db, sql`delete from status_entries where source <> 'import'`);
  });

  /**
   * Runs the daily check from one day to another, each day's messages delivered (to Slack; an
   * IRC account gets nothing, as if never linked); the key result's nudges, in order.
   */
  async function daily(from: string, days: number, each?: (day: number) => Promise<void>) {
    const scheduler = testScheduler(services, { transports: ['slack'] });
    const worker = testWorker(services, [createRecordingAdapter('slack')]);
    for (let i = 0; i < days; i++) {
      await each?.(i);
      await scheduler.tick(new Date(Date.parse(`${from}T10:00:30Z`) + i * 86_400_000));
      await worker.drain();
    }
    return (await outboxRows(database.db, 'nudge')).filter((n) => n.key.startsWith('nudge:kr-'));
  }

  async function levels(): Promise<[string, number, boolean][]> {
    const rows = await queryRows<{ day: string; level: number; snoozed: boolean }>(
      database.db,
      sql`select to_char(sent_at at time zone 'UTC', 'YYYY-MM-DD') as day, level, snoozed
          from nudges where key_result_id is not null order by sent_at`,
    );
    return rows.map((r) => [r.day, r.level, r.snoozed]);
  }

  it('nudges at most weekly and escalates: KR manager twice, team manager twice, then the digest', async () => {
    const nudges = await daily('2026-11-02', 29);
    expect(nudges.map((n) => [n.key, n.handle, n.state])).toEqual([
      [expect.stringMatching(/^nudge:kr-\d+:2026-11-02:kim-krmanager$/), 'kim-krmanager', 'sent'],
      [expect.stringMatching(/:2026-11-09:kim-krmanager$/), 'kim-krmanager', 'sent'],
      [expect.stringMatching(/:2026-11-16:mia-manager$/), 'mia-manager', 'sent'],
      [expect.stringMatching(/:2026-11-23:mia-manager$/), 'mia-manager', 'sent'],
    ]);
    expect(await levels()).toEqual([
      ['2026-11-02', 1, false],
      ['2026-11-09', 1, false],
      ['2026-11-16', 2, false],
      ['2026-11-23', 2, false],
      ['2026-11-30', 3, false],
    ]);
    const [payload] = await queryRows<{ text: string }>(
      database.db,
      sql`select payload::text as text from deliveries where idempotency_key like 'nudge:kr-%:2026-11-16:%'`,
    );
    expect(payload?.text).toContain('Overdue: OPS-KR1');
    expect(payload?.text).toContain('its KR manager has not acted on two nudges');
    // Into the department's digest, by name of the item, never by @-mention of a person.
    const digest = await testDispatcher(services, '2026-11-30T12:00:00Z')('digest ops', operator);
    const text = renderText(digest as NonNullable<typeof digest>);
    // The goal went stale too; it has no team above its own, so it reached the digest sooner.
    expect(text).toMatch(
      /Escalated: no answer to repeated nudges \(2\)\n\n- OPS-KR1 Fewer incidents\n- G\d+ Support the incident key result \(Ops Team\)/,
    );
    expect(text).not.toMatch(/@kim|@mia/);
  });

  it('starts again from the KR manager after the item is updated', async () => {
    await daily('2026-11-02', 15);
    await queryRows(
      database.db,
      sql`insert into status_entries (key_result_id, status, at, source, note)
          select kr.id, 'in_progress', '2026-11-17T12:00:00Z', 'shell', 'working on it' from key_results kr`,
    );
    const nudges = await daily('2026-11-18', 7);
    expect(nudges.at(-1)?.handle).toBe('kim-krmanager');
    expect((await levels()).at(-1)).toEqual(['2026-11-23', 1, false]);
  });

  it('sends nothing while snoozed, and records why once a week', async () => {
    await queryRows(
      database.db,
      sql`insert into snoozes (key_result_id, until) select id, '2026-11-20T00:00:00Z' from key_results`,
    );
    const nudges = await daily('2026-11-02', 22);
    expect(nudges.map((n) => [n.key.split(':')[2], n.state, n.skipReason])).toEqual([
      ['2026-11-02', 'skipped', 'OPS-KR1 is snoozed until the end of 2026-11-19'],
      ['2026-11-09', 'skipped', 'OPS-KR1 is snoozed until the end of 2026-11-19'],
      ['2026-11-16', 'skipped', 'OPS-KR1 is snoozed until the end of 2026-11-19'],
      // Snoozed nudges are not ignored ones: after the snooze, the KR manager again.
      ['2026-11-23', 'sent', null],
    ]);
    expect(nudges.at(-1)?.handle).toBe('kim-krmanager');
  });

  it('skips an away KR manager with the reason every day, and never counts it as ignored', async () => {
    const kim = await services.people.findByHandle('kim-krmanager');
    const change = { personId: null, at: new Date(), source: 'shell' as const };
    await services.admin.setAway(kim?.id as number, new Date('2026-11-20T00:00:00Z'), change);
    try {
      const nudges = await daily('2026-11-16', 5);
      expect(nudges.map((n) => [n.key.split(':')[2], n.handle, n.state, n.skipReason])).toEqual([
        ['2026-11-16', 'kim-krmanager', 'skipped', 'away until the end of 2026-11-19'],
        ['2026-11-17', 'kim-krmanager', 'skipped', 'away until the end of 2026-11-19'],
        ['2026-11-18', 'kim-krmanager', 'skipped', 'away until the end of 2026-11-19'],
        ['2026-11-19', 'kim-krmanager', 'skipped', 'away until the end of 2026-11-19'],
        // Back: the first nudge that reaches her, and nobody was told she ignored anything.
        ['2026-11-20', 'kim-krmanager', 'sent', null],
      ]);
      expect((await levels()).map(([, level]) => level)).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await services.admin.setAway(kim?.id as number, null, change);
    }
  });

  it('escalates only after two delivered nudges: an unlinked KR manager is tried daily until linked', async () => {
    // Kim's only account is on IRC, which this okrbot does not send on: as good as unlinked.
    const unlinkKim = () =>
      queryRows(database.db, sql`delete from identities where external_id in ('U0KIM0001', 'kim')`);
    await unlinkKim();
    await link(services, [['kim-krmanager', 'irc', 'kim']]);
    try {
      const nudges = await daily('2026-11-02', 25, async (day) => {
        if (day === 10) await link(services, [['kim-krmanager', 'slack', 'U0KIM0001']]);
      });
      const kept = nudges.map((n) => [n.key.split(':')[2], n.handle, n.state]);
      expect(
        kept
          .slice(0, 10)
          .every(([, handle, state]) => handle === 'kim-krmanager' && state === 'skipped'),
      ).toBe(true);
      expect(nudges[0]?.skipReason).toBe('only has a irc account, and okrbot sends on slack');
      expect(kept.slice(10)).toEqual([
        ['2026-11-12', 'kim-krmanager', 'sent'],
        ['2026-11-19', 'kim-krmanager', 'sent'],
        // Two delivered and not acted on: now, and only now, the team manager hears of it.
        ['2026-11-26', 'mia-manager', 'sent'],
      ]);
    } finally {
      await unlinkKim();
      await link(services, [['kim-krmanager', 'slack', 'U0KIM0001']]);
    }
  });
});

const PLATFORM = `
department: Platform
department_slug: platform
timezone: UTC
cycle: FY2026-27 Q2
teams:
  - name: Platform
    managers: [Pat Parent]
  - name: Core
    parent: Platform
    managers: [Cid Child]
    goals:
      - { title: Keep the lights on, tasks: [T900001], status: In progress, status_on: 2026-09-01 }
      - { title: Replace the router, tasks: [T900002], status: In progress, status_on: 2026-09-01 }
schedules:
  digest: { enabled: false }
`;

describe.each(drivers())('nudges to one person on one day (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    services = servicesOf(database.db);
    await importYaml(database.db, PLATFORM);
    await link(services, [
      ['pat-parent', 'slack', 'U0PAT0001'],
      ['cid-child', 'slack', 'U0CID0001'],
    ]);
  });
  afterAll(() => database?.close());
  beforeEach(() => resetOperations(database.db));

  it('come as one message listing the items, and escalate as one message too', async () => {
    const adapter = createRecordingAdapter('slack');
    const scheduler = testScheduler(services, { transports: ['slack'] });
    const worker = testWorker(services, [adapter]);
    for (let i = 0; i < 15; i++) {
      await scheduler.tick(new Date(Date.parse('2026-11-02T10:00:30Z') + i * 86_400_000));
      await worker.drain();
    }
    expect(adapter.keys()).toEqual([
      'nudges:2026-11-02:cid-child',
      'nudges:2026-11-09:cid-child',
      'nudges:2026-11-16:pat-parent',
    ]);
    const content = adapter.sent.at(-1)?.message.content;
    const text = content?.type === 'document' ? renderText(content.reply) : '';
    expect(text).toContain('2 items need an update');
    expect(text).toContain('No recent update: T900001');
    expect(text).toContain('No recent update: T900002');
    expect(text).toContain(
      'You get this as a manager of the team above Core: its managers have not acted on two nudges.',
    );
    const levels = await queryRows<{ level: number; count: number }>(
      database.db,
      sql`select level, count(*)::int as count from nudges group by level order by level`,
    );
    expect(levels).toEqual([
      { level: 1, count: 4 },
      { level: 2, count: 2 },
    ]);
  });

  it('wait a day when the monthly prompt reaches the person that day: one message a day', async () => {
    await testScheduler(services, { transports: ['slack'] }).tick(new Date('2026-11-20T10:00:30Z'));
    const toCid = (await outboxRows(database.db)).filter((r) => r.handle === 'cid-child');
    expect(toCid.map((r) => [r.key, r.state, new Date(r.notBefore).toISOString(), r.note])).toEqual(
      [
        ['prompt:core:cid-child:2026-11', 'pending', expect.any(String), null],
        [
          'nudges:2026-11-20:cid-child',
          'pending',
          '2026-11-21T10:00:00.000Z',
          'held a day: the monthly prompt or a reminder went to them today (one message a day)',
        ],
      ],
    );
  });
});
