import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { queryRows, type RawRow } from '../db/rows.ts';
import type {
  cycles,
  goalDependencies,
  goals,
  people,
  reportNotes,
  statusEntries,
  teams,
} from '../db/schema/index.ts';
import { teamAnswered } from './team-answers.ts';

// What a department's weekly digest is made of. Every part is one set-based query over the
// department, so a digest costs the same number of queries for ten teams or a thousand.

export interface DigestWindow {
  departmentId: number;
  /** The quarter whose goals are counted. */
  cycleId: number | null;
  /** Changes and notes from `from` up to `to`. */
  from: Date;
  to: Date;
  /** `YYYY-MM` in the department's zone: teams without a report for it are named. */
  month: string;
}

type StatusEntry = typeof statusEntries.$inferSelect;
type Status = StatusEntry['status'];
type TeamName = (typeof teams.$inferSelect)['name'];
type PersonName = (typeof people.$inferSelect)['name'] | null;

export type DigestChange = Pick<StatusEntry, 'at' | 'status' | 'note' | 'source'> & {
  teamName: TeamName | null;
  /** `T208612`, `G12` or `TCB-KR2`. */
  ref: string;
  /** The goal's title or the key result's text. */
  title: string;
  /** The goal's quarter, or the key result's cycle. */
  cycleLabel: (typeof cycles.$inferSelect)['label'];
  /** Whether the change is a key result's (rather than a goal's). */
  keyResult: boolean;
  /** The status before this entry, if any. */
  previous: Status | null;
  personName: PersonName;
};

export type DigestNote = Pick<typeof reportNotes.$inferSelect, 'at' | 'text'> & {
  teamName: TeamName;
  personName: PersonName;
};

export interface DigestFacts {
  counts: { status: Status | null; count: number }[];
  changes: DigestChange[];
  notes: DigestNote[];
  blocked: {
    ref: string;
    title: (typeof goals.$inferSelect)['title'];
    teamName: TeamName;
    status: Status;
    dependsOn: (typeof goalDependencies.$inferSelect)['label'][];
  }[];
  notReported: TeamName[];
  /** Teams with goals in the quarter: those the month's report is asked of. */
  teamsAsked: number;
}

export function createDigestStore(db: Db) {
  return {
    async facts(window: DigestWindow): Promise<DigestFacts> {
      const from = sql`${window.from.toISOString()}::timestamptz`;
      const to = sql`${window.to.toISOString()}::timestamptz`;
      const dept = window.departmentId;
      const cycle = window.cycleId ?? -1;
      const current = sql`left join lateral (
          select se.status from status_entries se where se.goal_id = g.id and se.at <= ${to}
          order by se.at desc, se.id desc limit 1) cur on true`;
      const [counts, changes, notes, blocked, reporting] = await Promise.all([
        queryRows<DigestFacts['counts'][number]>(
          db,
          sql`select cur.status, count(*)::int as count
              from goals g join teams t on t.id = g.team_id ${current}
              where t.department_id = ${dept} and g.cycle_id = ${cycle} and g.parent_id is null
              group by cur.status`,
        ),
        // Newest first, so a long week shows its latest changes; each with the status it replaced.
        queryRows<RawRow<DigestChange>>(
          db,
          sql`select c.*,
                     case when c.goal_id is not null
                       then (select p.status from status_entries p where p.goal_id = c.goal_id
                             and (p.at, p.id) < (c.at, c.id) order by p.at desc, p.id desc limit 1)
                       else (select p.status from status_entries p where p.key_result_id = c.key_result_id
                             and (p.at, p.id) < (c.at, c.id) order by p.at desc, p.id desc limit 1)
                     end as previous
              from (
                select se.id, se.goal_id, se.key_result_id, se.at, t.name as "teamName",
                       coalesce(g.task_ids[1], 'G' || g.id) as ref, g.title, cy.label as "cycleLabel",
                       false as "keyResult", se.status, se.note, p.name as "personName", se.source
                from status_entries se join goals g on g.id = se.goal_id join teams t on t.id = g.team_id
                join cycles cy on cy.id = g.cycle_id left join people p on p.id = se.person_id
                where t.department_id = ${dept} and se.at >= ${from} and se.at <= ${to}
                union all
                select se.id, se.goal_id, se.key_result_id, se.at, null, o.code || '-' || kr.code, kr.text,
                       cy.label, true, se.status, se.note, p.name, se.source
                from status_entries se join key_results kr on kr.id = se.key_result_id
                join objectives o on o.id = kr.objective_id join cycles cy on cy.id = o.cycle_id
                left join people p on p.id = se.person_id
                where o.department_id = ${dept} and se.at >= ${from} and se.at <= ${to}
              ) c
              order by c.at desc, c.id desc`,
        ),
        queryRows<RawRow<DigestNote>>(
          db,
          sql`select n.at, t.name as "teamName", n.text, p.name as "personName"
              from report_notes n join status_reports r on r.id = n.report_id join teams t on t.id = r.team_id
              left join people p on p.id = n.person_id
              where t.department_id = ${dept} and n.at >= ${from} and n.at <= ${to}
              order by n.at, t.name, n.position`,
        ),
        queryRows<DigestFacts['blocked'][number]>(
          db,
          sql`select coalesce(g.task_ids[1], 'G' || g.id) as ref, g.title, t.name as "teamName", cur.status,
                     coalesce((select array_agg(d.label order by d.id) from goal_dependencies d where d.goal_id = g.id), '{}') as "dependsOn"
              from goals g join teams t on t.id = g.team_id ${current}
              where t.department_id = ${dept} and g.cycle_id = ${cycle} and cur.status in ('blocked', 'stalled')
              order by t.name, g.position`,
        ),
        // One meaning of a team's answer for the month (see team-answers.ts), as of `to`.
        queryRows<{ name: TeamName; answered: boolean }>(
          db,
          sql`select t.name, ${teamAnswered(sql`t.id`, sql`${window.month}::text`, sql`d.time_zone`, to)} as answered
              from teams t join departments d on d.id = t.department_id
              where t.department_id = ${dept} and t.archived_at is null
                and exists (select 1 from goals g where g.team_id = t.id and g.cycle_id = ${cycle})
              order by t.name`,
        ),
      ]);
      return {
        counts,
        changes: changes.map((c) => ({ ...c, at: new Date(c.at) })),
        notes: notes.map((n) => ({ ...n, at: new Date(n.at) })),
        blocked,
        notReported: reporting.filter((row) => !row.answered).map((row) => row.name),
        teamsAsked: reporting.length,
      };
    },
  };
}

export type DigestStore = ReturnType<typeof createDigestStore>;
