import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import type { Services } from '../../src/core/command.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { DEFAULT_CACHE_DIR } from '../../src/db/pglite-template.ts';
import { testDispatcher } from '../support/dispatcher.ts';

/** A department of `teams` teams, each with 2 goals, 3 status entries a goal and a report. */
async function department(db: Database['db'], slug: string, teams: number): Promise<void> {
  await db.execute(sql`insert into departments (slug, name) values (${slug}, ${slug})`);
  await db.execute(sql`
    insert into teams (department_id, slug, name)
    select d.id, ${slug} || '-team-' || n, ${slug} || ' team ' || n
    from departments d, generate_series(1, ${teams}::int) n where d.slug = ${slug}`);
  await db.execute(sql`
    insert into goals (team_id, cycle_id, key, title, position)
    select t.id, c.id, 'goal-' || n, 'Goal ' || n || ' of ' || t.name, n
    from teams t join departments d on d.id = t.department_id, cycles c, generate_series(1, 2) n
    where d.slug = ${slug} and c.label = 'FY2019-20 Q1'`);
  await db.execute(sql`
    insert into status_entries (goal_id, status, note, at, source)
    select g.id, (array['in_progress', 'blocked', 'done']::goal_status[])[n], 'note ' || n,
           timestamptz '2019-08-26 10:00Z' + n * interval '1 hour', 'shell'
    from goals g join teams t on t.id = g.team_id join departments d on d.id = t.department_id,
         generate_series(1, 3) n where d.slug = ${slug}`);
  await db.execute(sql`
    insert into status_reports (team_id, month) select t.id, '2019-08'
    from teams t join departments d on d.id = t.department_id where d.slug = ${slug} and t.id % 2 = 0`);
  await db.execute(sql`
    insert into report_notes (report_id, position, text, at, source)
    select r.id, 0, 'all good', timestamptz '2019-08-27 09:00Z', 'shell'
    from status_reports r join teams t on t.id = r.team_id join departments d on d.id = t.department_id where d.slug = ${slug}`);
}

describe('the digest', () => {
  let database: Database;
  let services: Services;
  let queries = 0;

  beforeAll(async () => {
    database = await openDatabase({
      url: undefined,
      dataDir: 'memory://',
      cacheDir: DEFAULT_CACHE_DIR,
      onQuery: () => queries++,
    });
    await database.db.execute(
      sql`insert into cycles (label, kind, fiscal_year, quarter, starts_on, ends_before) values ('FY2019-20 Q1', 'quarter', 2019, 1, '2019-07-01', '2019-10-01')`,
    );
    await department(database.db, 'small', 10);
    await department(database.db, 'large', 1000);
    services = createServices(database.db);
  });
  afterAll(() => database?.close());

  it('issues the same number of queries for 10 teams and for 1,000', async () => {
    const dispatch = testDispatcher(services);
    const actor = { person: undefined, isAdmin: true, transport: 'shell' as const, label: 'test' };
    const count = async (line: string) => {
      queries = 0;
      const reply = await dispatch(line, actor);
      expect(reply?.tone).toBe('info');
      return queries;
    };
    const small = await count('digest small');
    const large = await count('digest large');
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(12);
  });
});
