import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/core/command.ts';
import type { PromptSettings } from '../../src/domain/schedules.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import {
  importYaml,
  link,
  outboxRows,
  runRows,
  servicesOf,
  testScheduler,
} from '../support/scheduling.ts';

// Daylight saving time must neither skip nor double a prompt. Each department's prompt is put
// on the very day its zone changes clocks, at a local time that day skips (02:30 when clocks go
// forward) or has twice (when they go back), and the scheduler ticks every 20 minutes through
// the days around it: each manager gets exactly one prompt that month, at the expected instant.

const ZONES = [
  ['berlin', 'Europe/Berlin'],
  ['chicago', 'America/Chicago'],
  ['sydney', 'Australia/Sydney'],
] as const;

const departmentYaml = (slug: string, zone: string) => `
department: ${slug}
department_slug: ${slug}
timezone: ${zone}
teams:
  - name: ${slug} team
    managers: [${slug} one, ${slug} two]
    goals:
      - { title: ${slug} goal Q3, cycle: FY2025-26 Q3 }
      - { title: ${slug} goal Q4, cycle: FY2025-26 Q4 }
      - { title: ${slug} goal next Q2, cycle: FY2026-27 Q2 }
schedules:
  digest: { enabled: false }
  overdue: { enabled: false }
`;

/** [department, prompt day, local time, the month, the instant it must be due] */
const CASES: Record<'spring' | 'autumn', [string, number, string, string, string][]> = {
  spring: [
    ['chicago', 8, '02:30', '2026-03', '2026-03-08T08:30:00.000Z'], // gap: 03:30 CDT
    ['berlin', 29, '02:30', '2026-03', '2026-03-29T01:30:00.000Z'], // gap: 03:30 CEST
    ['sydney', 5, '02:30', '2026-04', '2026-04-04T16:30:00.000Z'], // twice: the second, AEST
  ],
  autumn: [
    ['sydney', 4, '02:30', '2026-10', '2026-10-03T16:30:00.000Z'], // gap: 03:30 AEDT
    ['berlin', 25, '02:30', '2026-10', '2026-10-25T01:30:00.000Z'], // twice: the second, CET
    ['chicago', 1, '01:30', '2026-11', '2026-11-01T06:30:00.000Z'], // twice: the second, CST
  ],
};

describe.each(drivers())('prompts across DST changes (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    services = servicesOf(database.db);
    for (const [slug, zone] of ZONES) {
      await importYaml(database.db, departmentYaml(slug, zone));
      await link(services, [
        [`${slug}-one`, 'slack', `U0${slug.toUpperCase()}1`],
        [`${slug}-two`, 'slack', `U0${slug.toUpperCase()}2`],
      ]);
    }
  });
  afterAll(() => database?.close());

  it.each(['spring', 'autumn'] as const)(
    'one prompt per manager per month (%s)',
    async (season) => {
      const scheduler = testScheduler(services);
      for (const [slug, day, time] of CASES[season]) {
        const department = await services.teams.findDepartment(slug);
        const settings: PromptSettings = { day, time, reminders: [] };
        await services.schedules.set(
          department?.id as number,
          { kind: 'prompt', settings, catchUpSeconds: 5 * 86_400, enabled: true },
          null,
        );
      }
      for (const [slug, , , , expected] of CASES[season]) {
        const due = Date.parse(expected);
        // From a day and a half before to a day and a half after, every 20 minutes.
        for (let t = due - 36 * 3_600_000; t <= due + 36 * 3_600_000; t += 20 * 60_000)
          await scheduler.tick(new Date(t));
        const runs = (await runRows(database.db)).filter((r) =>
          r.key.startsWith(`prompt:${slug}:`),
        );
        expect(
          runs.map((r) => r.dueAt.toISOString()),
          slug,
        ).toContain(expected);
      }
      const prompts = await outboxRows(database.db, 'prompt');
      for (const [slug, , , month, expected] of CASES[season]) {
        const keys = prompts
          .map((p) => p.key)
          .filter((k) => k.startsWith(`prompt:${slug}-team:`) && k.endsWith(month));
        expect(keys.sort(), `${slug} ${month}`).toEqual([
          `prompt:${slug}-team:${slug}-one:${month}`,
          `prompt:${slug}-team:${slug}-two:${month}`,
        ]);
        // One run around the change, neither skipped nor doubled, due at the mapped instant.
        const near = (await runRows(database.db)).filter(
          (r) =>
            r.key.startsWith(`prompt:${slug}:`) &&
            Math.abs(r.dueAt.getTime() - Date.parse(expected)) < 3 * 86_400_000,
        );
        expect(
          near.map((r) => [r.dueAt.toISOString(), r.state]),
          slug,
        ).toEqual([[expected, 'done']]);
      }
    },
  );
});
