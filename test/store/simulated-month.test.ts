import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Services } from '../../src/core/command.ts';
import { queryRows } from '../../src/db/rows.ts';
import { registerDashboard } from '../../src/web/dashboard/routes.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';
import { changingVersion, startTestServer } from '../support/http-fixture.ts';
import { createManualClock, type ManualClock } from '../support/manual-clock.ts';
import { createRecordingAdapter, type RecordingAdapter } from '../support/recording-adapter.ts';
import {
  fiscal,
  importYaml,
  link,
  servicesOf,
  testScheduler,
  testWorker,
} from '../support/scheduling.ts';

// Issue 13's simulated month: a department of 20 teams through November 2026, day by day on the
// test's clock (nothing sleeps). The prompt comes on the 1st at 10:00 with reminders 3 and 6 days
// later; the overdue check runs daily at 10:00. Prompt answerers, late answerers, silent managers,
// an away manager with a delegate, a manager linked on day 3, an overdue key result whose KR
// manager ignores it (escalated) and one whose KR manager is never reachable (never escalated).
// Every message any person receives is counted per day.

const pad = (n: number) => String(n).padStart(2, '0');
const TEAMS = Array.from({ length: 20 }, (_, i) => pad(i + 1));
const keyResultOf: Record<string, string> = { '19': 'SIM-KR1', '20': 'SIM-KR2' };

const ORGANISATION = `
department: Sim
department_slug: sim
timezone: UTC
cycle: FY2026-27 Q2
people:
${TEAMS.map((n) => `  - { name: Manager ${n} }`).join('\n')}
  - { name: Delegate 17 }
  - { name: Kr Nineteen }
  - { name: Kr Twenty }
teams:
${TEAMS.map(
  (n) => `  - name: Team ${n}
    managers: [Manager ${n}]
${n === '17' ? '    delegates: [Delegate 17]\n' : ''}    goals:
      - { title: Goal ${n}, tasks: [T1000${n}], status: In progress, status_on: 2026-11-01${keyResultOf[n] ? `, key_result: ${keyResultOf[n]}` : ''} }`,
).join('\n')}
objectives:
  - code: SIM
    cycle: FY2026-27 Q2
    title: Keep the simulation honest
    key_results:
      - { code: KR1, text: Ignored key result, manager: Kr Nineteen, target: 10, due: 2026-10-31 }
      - { code: KR2, text: Unreachable key result, manager: Kr Twenty, target: 10, due: 2026-10-31 }
schedules:
  prompt: { day: 1, time: "10:00" }
  overdue: { time: "10:00" }
  digest: { enabled: false }
`;

const PROMPT_ANSWERERS = TEAMS.slice(0, 8);
const LATE_ANSWERERS = TEAMS.slice(8, 12);

describe.each(drivers())('a simulated month of 20 teams (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;
  let clock: ManualClock;
  let adapter: RecordingAdapter;
  /** handle → day of month → messages that day. */
  const received = new Map<string, Map<number, string[]>>();

  const handleOf = async (personId: number) =>
    (await services.people.byId(personId))?.handle as string;
  const say = async (handle: string, line: string) => {
    const person = await services.people.findByHandle(handle);
    const actor: Actor = { person, isAdmin: false, transport: 'slack', label: handle };
    const answer = await testDispatcher(services, clock.now().toISOString())(line, actor);
    expect(answer?.tone, line).toBe('info');
  };

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    clock = createManualClock('2026-10-31T12:00:00Z');
    services = servicesOf(database.db, clock);
    await importYaml(database.db, ORGANISATION);
    const linked = [
      ...TEAMS.filter((n) => n !== '18').map((n) => `manager-${n}`),
      'delegate-17',
      'kr-nineteen',
    ];
    await link(
      services,
      linked.map((handle, i) => [handle, 'slack', `U0SIM${pad(i)}`] as const),
    );
    const away = await services.people.findByHandle('manager-17');
    await services.admin.setAway(away?.id as number, new Date('2026-12-01T00:00:00Z'), {
      personId: null,
      at: clock.now(),
      source: 'shell',
    });
    adapter = createRecordingAdapter('slack', { clock });
    const scheduler = testScheduler(services, { transports: ['slack'] });
    const worker = testWorker(services, [adapter], { clock });
    const day = (d: number, time: string) => new Date(`2026-11-${pad(d)}T${time}Z`);
    const at = async (instant: Date) => {
      await clock.advance(instant.getTime() - clock.now().getTime());
    };
    for (let d = 1; d <= 30; d++) {
      if (d === 3) {
        await at(day(d, '08:00:00'));
        await link(services, [['manager-18', 'slack', 'U0SIMLATE']]);
      }
      await at(day(d, '10:00:30'));
      await scheduler.tick(clock.now());
      await clock.run(worker.drain());
      await at(day(d, '12:00:00'));
      if (d === 1)
        for (const n of PROMPT_ANSWERERS)
          await say(`manager-${n}`, `set T1000${n} in progress on track`);
      if (d === 5)
        for (const n of LATE_ANSWERERS)
          await say(`manager-${n}`, `note team-${n} shipped the first half`);
    }
    for (const sent of adapter.sent) {
      if (sent.message.to.kind !== 'person') continue;
      const handle = await handleOf(sent.message.to.personId);
      const dayOfMonth = new Date(sent.at).getUTCDate();
      const days = received.get(handle) ?? new Map<number, string[]>();
      days.set(dayOfMonth, [...(days.get(dayOfMonth) ?? []), sent.key]);
      received.set(handle, days);
    }
  }, 600_000);
  afterAll(() => database?.close());

  /** The days (of November) on which a person got something, with what. */
  const daysOf = (handle: string) =>
    Object.fromEntries(
      [...(received.get(handle) ?? new Map<number, string[]>())].sort(([a], [b]) => a - b),
    );

  it('sends nobody more than one message a day', () => {
    const twice = [...received].flatMap(([handle, days]) =>
      [...days]
        .filter(([, keys]) => keys.length > 1)
        .map(([d, keys]) => `${handle} on ${d}: ${keys.join(', ')}`),
    );
    expect(twice).toEqual([]);
  });

  it('reminds nobody who answered, and keeps reminding the silent', () => {
    for (const n of PROMPT_ANSWERERS)
      expect(Object.values(daysOf(`manager-${n}`)).flat(), n).toEqual([
        `prompt:team-${n}:manager-${n}:2026-11`,
      ]);
    for (const n of LATE_ANSWERERS)
      expect(Object.keys(daysOf(`manager-${n}`)), n).toEqual(['1', '4']);
    for (const n of ['13', '14', '15', '16'])
      expect(Object.keys(daysOf(`manager-${n}`)), n).toEqual(['1', '4', '7']);
  });

  it("prompts the away manager's delegate instead, and the manager linked on day 3 on day 3", () => {
    expect(daysOf('manager-17')).toEqual({});
    expect(daysOf('delegate-17')).toEqual({
      1: ['prompt:team-17:delegate-17:2026-11'],
      4: [expect.stringMatching(/^reminder:\d+:1$/)],
      7: [expect.stringMatching(/^reminder:\d+:2$/)],
    });
    expect(daysOf('manager-18')[3]).toEqual(['prompt:team-18:manager-18:2026-11']);
    expect(Object.keys(daysOf('manager-18'))).toEqual(['3', '4', '7']);
  });

  it('escalates only after two delivered, unanswered nudges, and never for an unreachable KR manager', async () => {
    const nudgeDays = (handle: string) =>
      Object.entries(daysOf(handle))
        .filter(([, keys]) => keys.some((k) => k.startsWith('nudge')))
        .map(([d]) => Number(d));
    // KR1: its manager twice (1st, 8th), then the team manager twice (15th, 22nd), then the digest.
    expect(nudgeDays('kr-nineteen')).toEqual([1, 8]);
    // The 1st and 4th and 7th are Manager 19's prompt and reminders; the escalation comes on
    // days of its own.
    expect(nudgeDays('manager-19')).toEqual([15, 22]);
    // KR2's manager is never reachable: tried daily, never escalated to Manager 20.
    expect(nudgeDays('manager-20')).toEqual([]);
    const kr2 = await queryRows<{ state: string; count: number }>(
      database.db,
      sql`select state, count(*)::int as count from deliveries
          where kind = 'nudge' and idempotency_key like 'nudge:kr-%:kr-twenty' group by state`,
    );
    expect(kr2).toEqual([{ state: 'skipped', count: 30 }]);
    const levels = await queryRows<{ level: number; reached: number }>(
      database.db,
      sql`select n.level, count(*) filter (where d.state = 'sent')::int as reached
          from nudges n join key_results kr on kr.id = n.key_result_id left join deliveries d on d.id = n.delivery_id
          where kr.code = 'KR1' group by n.level order by n.level`,
    );
    expect(levels).toEqual([
      { level: 1, reached: 2 },
      { level: 2, reached: 2 },
      { level: 3, reached: 0 },
    ]);
  });

  it('shows the month on the participation page, by team', async () => {
    const server = await startTestServer((http) =>
      registerDashboard(http, {
        version: changingVersion(),
        services,
        clock: () => new Date('2026-11-30T12:00:00Z'),
        fiscal,
        taskUrl: 'https://tasks.example.org/',
      }),
    );
    try {
      const response = await fetch(`${server.url}/participation/sim`);
      expect(response.status).toBe(200);
      const page = await response.text();
      expect(page).toContain('<th>November 2026</th>');
      expect(page).toContain('<th>June 2026</th>');
      // 12 teams answered: the 8 prompt answerers and the 4 late ones; all 20 were asked.
      expect(page).toContain('<td>12 of 20 (60%)</td>');
      expect(page).toMatch(
        /<th scope="row">Team 01<\/th>(<td[^>]*>[^<]*<\/td>){5}<td>✓ 2026-11-01 · slack · Manager 01<\/td>/,
      );
      expect(page).toMatch(
        /<th scope="row">Team 09<\/th>(<td[^>]*>[^<]*<\/td>){5}<td>✓ 2026-11-05 · slack · Manager 09 · after 1 reminder<\/td>/,
      );
      // A team that did not answer names nobody.
      expect(page).toMatch(
        /<th scope="row">Team 13<\/th>(<td[^>]*>[^<]*<\/td>){5}<td class="muted">no answer<\/td>/,
      );
      expect(page).not.toContain('Manager 13');
    } finally {
      await server.close();
    }
  });
});
