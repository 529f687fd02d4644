// A synthetic organisation for benchmarks: N teams with their managers, goals, status history,
// monthly reports, objectives and key results, all in FY2019-20 Q1 (July-September 2019).
// Every table is filled by one set-based statement (`insert ... select ... generate_series`),
// so a thousand teams (about 230,000 rows) take seconds, on PGlite and Postgres alike.
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../src/db/database.ts';
import { queryRows } from '../src/db/rows.ts';

export interface OrganisationSize {
  teams: number;
  goalsPerTeam: number;
  entriesPerGoal: number;
  /** Teams are spread over the departments round-robin; the first is `synthetic`. */
  departments: number;
}

export interface GeneratedOrganisation {
  size: OrganisationSize;
  /** Rows written, by table. */
  rows: Record<string, number>;
  ms: number;
}

/** The clock the synthetic data is meant to be read at: Wednesday of the last full data week. */
export const SYNTHETIC_NOW = '2019-08-28T12:00:00Z';

/** `team-0001`: the slug of the n-th team (1-based). */
export function teamSlug(n: number): string {
  return `team-${String(n).padStart(4, '0')}`;
}

// Tables in the order they are filled, for the row counts.
const TABLES = [
  'departments',
  'teams',
  'people',
  'team_roles',
  'cycles',
  'objectives',
  'key_results',
  'kr_milestones',
  'metric_values',
  'goals',
  'goal_dependencies',
  'status_entries',
  'status_reports',
  'report_notes',
];

/** The first day of the status-entry window and its length: July 1 to August 27, 2019. */
const ENTRIES_FROM = '2019-07-01T00:00:00Z';
const ENTRY_SPAN_SECONDS = 58 * 86_400;

/**
 * Fills an empty, migrated database with a synthetic organisation; refuses a database that
 * already has departments. Finishes with ANALYZE so the planner sees the new tables' sizes.
 */
export async function generateOrganisation(
  db: Db,
  size: OrganisationSize,
): Promise<GeneratedOrganisation> {
  for (const [name, value] of Object.entries(size)) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer`);
  }
  const [existing] = await queryRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from departments`,
  );
  if (existing && existing.count > 0)
    throw new Error('generateOrganisation needs an empty database (departments has rows)');

  const started = performance.now();
  const teams = sql`${size.teams}::int`;
  const goalsPerTeam = sql`${size.goalsPerTeam}::int`;
  const entries = sql`${size.entriesPerGoal}::int`;
  const departments = sql`${size.departments}::int`;
  // Zero-padded ordinals without lpad's truncation past four digits.
  const pad = (n: SQL) => sql`lpad((${n})::text, greatest(4, length((${n})::text)), '0')`;
  const departmentSlug = (d: SQL) =>
    sql`case when (${d}) = 1 then 'synthetic' else 'synthetic-' || (${d}) end`;
  // A team's ordinal, from its slug.
  const teamNo = (alias: string) => sql.raw(`substr(${alias}.slug, 6)::int`);

  await db.transaction(async (tx) => {
    const run = (query: SQL) => tx.execute(query);

    await run(sql`
      insert into departments (slug, name, time_zone)
      select ${departmentSlug(sql`d`)},
             case when d = 1 then 'Synthetic' else 'Synthetic ' || d end, 'UTC'
      from generate_series(1, ${departments}) d`);

    await run(sql`
      insert into teams (department_id, slug, name)
      select dep.id, 'team-' || ${pad(sql`n`)}, 'Team ' || ${pad(sql`n`)}
      from generate_series(1, ${teams}) n
      join departments dep on dep.slug = ${departmentSlug(sql`(n - 1) % ${departments} + 1`)}`);

    await run(sql`
      insert into people (handle, name, email)
      select 'manager-' || ${pad(sql`n`)}, 'Manager ' || ${pad(sql`n`)},
             'manager-' || ${pad(sql`n`)} || '@example.org'
      from generate_series(1, ${teams}) n`);

    await run(sql`
      insert into team_roles (team_id, person_id, role)
      select t.id, p.id, 'manager'
      from teams t join people p on p.handle = 'manager-' || substr(t.slug, 6)`);

    await run(sql`
      insert into cycles (label, kind, fiscal_year, quarter, starts_on, ends_before)
      values ('FY2019-20 Q1', 'quarter', 2019, 1, '2019-07-01', '2019-10-01')`);

    // Per department: 4 objectives (D1O1 ... D1O4) of 3 key results each, managed by the
    // managers of the first teams.
    await run(sql`
      insert into objectives (department_id, cycle_id, code, program, title, description, manager_id)
      select d.id, c.id, 'D' || d.n || 'O' || k, 'Synthetic program',
             'Synthetic objective ' || k || ' of ' || d.name, 'Generated for benchmarks.', p.id
      from (select id, name, row_number() over (order by id) as n from departments) d
      cross join generate_series(1, 4) k
      cross join cycles c
      left join people p on p.handle = 'manager-' || ${pad(sql`k`)}`);

    // KR1 is due mid-August (overdue unless met), KR3 measures something that should go down.
    await run(sql`
      insert into key_results (objective_id, code, text, manager_id, baseline, target, unit, direction, due_on)
      select o.id, 'KR' || k, 'Synthetic key result ' || k || ' of ' || o.code, o.manager_id,
             case when k = 3 then 1000 else 0 end,
             case when k = 3 then 100 else 100 * k end,
             case k when 1 then 'services' when 2 then '%' else 'ms' end,
             (case when k = 3 then 'down' else 'up' end)::metric_direction,
             case when k = 1 then '2019-08-15'::date end
      from objectives o cross join generate_series(1, 3) k`);

    await run(sql`
      insert into kr_milestones (key_result_id, due_on, target, text)
      select kr.id, m.due_on::date, round((kr.baseline + (kr.target - kr.baseline) * m.share)::numeric, 1),
             m.label
      from key_results kr
      cross join (values ('2019-07-31', 0.3, 'July checkpoint'),
                         ('2019-08-31', 0.6, 'August checkpoint')) m(due_on, share, label)`);

    // Four readings a fortnight apart; progress speed differs by key result, so some miss the
    // July checkpoint.
    await run(sql`
      insert into metric_values (key_result_id, value, note, person_id, at, source)
      select kr.id,
             round((kr.baseline + (kr.target - kr.baseline) * least(1, i * 0.07 * (1 + kr.id % 3)))::numeric, 1),
             case when i = 4 then 'Latest reading' end,
             case when i > 2 then kr.manager_id end,
             timestamptz '2019-07-10 09:00:00+00' + (i - 1) * interval '14 days',
             (case when i > 2 then 'shell' else 'import' end)::change_source
      from key_results kr cross join generate_series(1, 4) i`);

    await run(sql`
      insert into status_entries (key_result_id, status, note, person_id, at, source)
      select kr.id, 'in_progress'::goal_status, null, null::int,
             timestamptz '2019-07-05 09:00:00+00', 'import'::change_source
      from key_results kr
      union all
      select kr.id,
             ((array['in_progress', 'blocked', 'in_progress', 'done'])[1 + kr.id % 4])::goal_status,
             'Checked at the weekly review', kr.manager_id,
             timestamptz '2019-08-26 10:00:00+00', 'shell'::change_source
      from key_results kr`);

    // Goals: task ids T1000001 ... in team order; keys unique per team and cycle; goal 1 of
    // each team serves one of its department's key results, goal 2 has its own due day.
    await run(sql`
      insert into goals (team_id, cycle_id, key, title, group_label, task_ids, stretch,
                         multi_quarter, key_result_id, position, due_on)
      select t.id, c.id, 'synthetic-goal-' || k,
             'Synthetic goal ' || k || ' of ' || t.name,
             case when k <= (${goalsPerTeam} + 1) / 2 then 'Annual plan outcomes' else 'Core work' end,
             array['T' || (1000000 + (${teamNo('t')} - 1)::bigint * ${goalsPerTeam} + k)],
             k % 9 = 0, k % 11 = 0,
             case when k = 1 then (
               select kr.id from key_results kr join objectives o on o.id = kr.objective_id
               where o.department_id = t.department_id
               order by kr.id offset ${teamNo('t')} % 12 limit 1) end,
             k,
             case when k = 2 then '2019-08-16'::date end
      from teams t cross join cycles c cross join generate_series(1, ${goalsPerTeam}) k
      order by t.id, k`);

    // Every fifth goal depends on the next team; every tenth (from the third) on an outsider.
    await run(sql`
      insert into goal_dependencies (goal_id, team_id, label)
      select g.id, other.id, other.name
      from goals g join teams t on t.id = g.team_id
      join teams other on other.slug = 'team-' || ${pad(sql`${teamNo('t')} % ${teams} + 1`)}
      where g.position % 5 = 0 and other.id <> t.id
      union all
      select g.id, null, 'External vendor' from goals g where g.position % 10 = 3`);

    // Entry e of a goal falls at a pseudo-random instant in the e-th slice of July 1 - August 27,
    // so each goal's history is in order; rows are written in time order, as they would be.
    // The status mix: mostly in progress, to do and done, a few percent each of stalled,
    // postponed, blocked and cancelled (hashint4 mixes well and is the same on both drivers).
    // The first half of the entries were imported, the second half typed in the shell by the
    // team's manager.
    await run(sql`
      insert into status_entries (goal_id, status, note, person_id, at, source)
      select g.id,
             (case when h < 30 then 'in_progress' when h < 45 then 'to_do' when h < 65 then 'done'
                   when h < 75 then 'partially_done' when h < 80 then 'not_done'
                   when h < 84 then 'stalled' when h < 88 then 'postponed'
                   when h < 92 then 'blocked' else 'cancelled' end)::goal_status,
             case when h % 3 = 0 then 'Synthetic note ' || e || ' on ' || g.task_ids[1] end,
             case when e * 2 > ${entries} then mgr.person_id end,
             ${ENTRIES_FROM}::timestamptz
               + ((e - 1) * slice + (hashint4(g.id * 256 + e + 128)::bigint + 2147483648) % slice)
                 * interval '1 second',
             (case when e * 2 > ${entries} then 'shell' else 'import' end)::change_source
      from goals g
      join team_roles mgr on mgr.team_id = g.team_id and mgr.role = 'manager'
      cross join generate_series(1, ${entries}) e
      cross join lateral (select (hashint4(g.id * 256 + e)::bigint + 2147483648) % 100 as h,
                                 ${ENTRY_SPAN_SECONDS}::bigint / ${entries} as slice) x
      order by 5`);

    // Odd-numbered teams (about half) wrote an August report of two notes, on days spread
    // over August 2-28.
    await run(sql`
      insert into status_reports (team_id, month, reported_on, status, person_id)
      select t.id, '2019-08', '2019-08-01'::date + (1 + ${teamNo('t')} % 27), 'in_progress', mgr.person_id
      from teams t join team_roles mgr on mgr.team_id = t.id and mgr.role = 'manager'
      where ${teamNo('t')} % 2 = 1`);

    await run(sql`
      insert into report_notes (report_id, position, text, person_id, at, source)
      select r.id, i - 1,
             case i when 1 then 'Synthetic monthly note: most goals on track.'
                    else 'Synthetic monthly note: hiring for one open position.' end,
             r.person_id, (r.reported_on + time '10:00') at time zone 'UTC', 'import'
      from status_reports r cross join generate_series(1, 2) i`);
  });
  await db.execute(sql`analyze`);

  const counts = await queryRows<{ name: string; count: number }>(
    db,
    sql.join(
      TABLES.map(
        (table) =>
          sql`select ${table} as name, (select count(*) from ${sql.identifier(table)})::int as count`,
      ),
      sql` union all `,
    ),
  );
  const rows = Object.fromEntries(counts.map((row) => [row.name, row.count]));
  return { size, rows, ms: performance.now() - started };
}

/** `230,456 rows` and the biggest tables, for a progress line. */
export function describeOrganisation(generated: GeneratedOrganisation): string {
  const total = Object.values(generated.rows).reduce((sum, n) => sum + n, 0);
  const { teams, goals, status_entries: entries, report_notes: notes } = generated.rows;
  return `${total.toLocaleString('en')} rows (${teams} teams, ${goals} goals, ${entries} status entries, ${notes} report notes) in ${(generated.ms / 1000).toFixed(2)} s`;
}
