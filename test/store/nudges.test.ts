import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/core/command.ts';
import { queryRows } from '../../src/db/rows.ts';
import { renderText } from '../../src/reply/render-text.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';
import {
  importYaml,
  link,
  outboxRows,
  resetOperations,
  servicesOf,
  testScheduler,
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
  });

  /** Runs the daily check from one day to another; the key result's nudges, in order. */
  async function daily(from: string, days: number) {
    const scheduler = testScheduler(services);
    for (let i = 0; i < days; i++)
      await scheduler.tick(new Date(Date.parse(`${from}T10:00:30Z`) + i * 86_400_000));
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
      [
        expect.stringMatching(/^nudge:kr-\d+:2026-11-02:kim-krmanager$/),
        'kim-krmanager',
        'pending',
      ],
      [expect.stringMatching(/:2026-11-09:kim-krmanager$/), 'kim-krmanager', 'pending'],
      [expect.stringMatching(/:2026-11-16:mia-manager$/), 'mia-manager', 'pending'],
      [expect.stringMatching(/:2026-11-23:mia-manager$/), 'mia-manager', 'pending'],
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
      ['2026-11-23', 'pending', null],
    ]);
    expect(nudges.at(-1)?.handle).toBe('kim-krmanager');
  });

  it('skips an away KR manager with the reason, and counts it toward escalation', async () => {
    const kim = await services.people.findByHandle('kim-krmanager');
    await services.admin.setAway(kim?.id as number, new Date('2026-12-31T00:00:00Z'), {
      personId: null,
      at: new Date(),
      source: 'shell',
    });
    try {
      const nudges = await daily('2026-11-02', 15);
      expect(nudges.map((n) => [n.handle, n.state, n.skipReason])).toEqual([
        ['kim-krmanager', 'skipped', 'away until the end of 2026-12-30'],
        ['kim-krmanager', 'skipped', 'away until the end of 2026-12-30'],
        ['mia-manager', 'pending', null],
      ]);
    } finally {
      await services.admin.setAway(kim?.id as number, null, {
        personId: null,
        at: new Date(),
        source: 'shell',
      });
    }
  });
});
