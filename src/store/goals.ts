import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { instant, queryRows, type RawRow } from '../db/rows.ts';
import type {
  cycles,
  departments,
  goalDependencies,
  goals,
  statusEntries,
  teams,
} from '../db/schema/index.ts';
import { statusHistory } from './status-history.ts';

type Goal = typeof goals.$inferSelect;
type Team = typeof teams.$inferSelect;
type StatusEntry = typeof statusEntries.$inferSelect;

export type GoalRow = Pick<
  Goal,
  'id' | 'parentId' | 'teamId' | 'title' | 'groupLabel' | 'taskIds' | 'stretch' | 'multiQuarter'
> & {
  teamParentId: Team['parentId'];
  teamSlug: Team['slug'];
  teamName: Team['name'];
  /** The department's zone, in which the goal's dates are days. */
  timeZone: (typeof departments.$inferSelect)['timeZone'];
  cycleLabel: (typeof cycles.$inferSelect)['label'];
  cycleStartsOn: (typeof cycles.$inferSelect)['startsOn'];
  /** `TCB-KR2`: the key result the goal serves. */
  keyResultCode: string | null;
  /** Status at the instant asked about; null when nothing was recorded yet. */
  status: StatusEntry['status'] | null;
  statusAt: StatusEntry['at'] | null;
  /** The latest note on any status entry of the goal, and when. */
  lastNote: StatusEntry['note'];
  lastNoteAt: StatusEntry['at'] | null;
  dependsOn: (typeof goalDependencies.$inferSelect)['label'][];
};

// A goal's current status is its latest entry at or before `now` (entries dated later have not
// happened yet; of two at one instant the later recorded wins). The lateral joins use
// status_entries_goal_at_idx.
const goalSelect = (now: Date) => sql`
  select g.id, g.parent_id as "parentId", g.team_id as "teamId", t.parent_id as "teamParentId",
         t.slug as "teamSlug", t.name as "teamName", dep.time_zone as "timeZone", c.label as "cycleLabel", c.starts_on::text as "cycleStartsOn",
         g.title, g.group_label as "groupLabel", g.task_ids as "taskIds", g.stretch,
         g.multi_quarter as "multiQuarter",
         case when kr.id is null then null else o.code || '-' || kr.code end as "keyResultCode",
         cur.status, cur.at as "statusAt", nt.note as "lastNote", nt.at as "lastNoteAt",
         coalesce((select array_agg(d.label order by d.id) from goal_dependencies d where d.goal_id = g.id),
                  '{}') as "dependsOn"
  from goals g
  join teams t on t.id = g.team_id
  join departments dep on dep.id = t.department_id
  join cycles c on c.id = g.cycle_id
  left join key_results kr on kr.id = g.key_result_id
  left join objectives o on o.id = kr.objective_id
  left join lateral (
    select se.status, se.at from status_entries se
    where se.goal_id = g.id and se.at <= ${now.toISOString()}::timestamptz
    order by se.at desc, se.id desc limit 1
  ) cur on true
  left join lateral (
    select se.note, se.at from status_entries se
    where se.goal_id = g.id and se.at <= ${now.toISOString()}::timestamptz and se.note is not null
    order by se.at desc, se.id desc limit 1
  ) nt on true`;

function toGoal(row: RawRow<GoalRow>): GoalRow {
  return { ...row, statusAt: instant(row.statusAt), lastNoteAt: instant(row.lastNoteAt) };
}

export function createGoalStore(db: Db) {
  return {
    /** A team's goals (and sub-items) of one cycle, in page order, with status as of `now`. */
    async ofTeam(teamId: number, cycleId: number, now: Date): Promise<GoalRow[]> {
      const rows = await queryRows<RawRow<GoalRow>>(
        db,
        sql`${goalSelect(now)} where g.team_id = ${teamId} and g.cycle_id = ${cycleId}
            order by g.position, g.id`,
      );
      return rows.map(toGoal);
    },

    /** Goals carrying a task id, newest cycle first (a multi-quarter task has one per quarter). */
    async byTaskId(taskId: string, now: Date): Promise<GoalRow[]> {
      const rows = await queryRows<RawRow<GoalRow>>(
        db,
        sql`${goalSelect(now)} where ${taskId} = any(g.task_ids) order by c.starts_on desc, g.position`,
      );
      return rows.map(toGoal);
    },

    async byId(id: number, now: Date): Promise<GoalRow | undefined> {
      const rows = await queryRows<RawRow<GoalRow>>(db, sql`${goalSelect(now)} where g.id = ${id}`);
      return rows.map(toGoal)[0];
    },

    async children(parentId: number, now: Date): Promise<GoalRow[]> {
      const rows = await queryRows<RawRow<GoalRow>>(
        db,
        sql`${goalSelect(now)} where g.parent_id = ${parentId} order by g.position, g.id`,
      );
      return rows.map(toGoal);
    },

    /** Goals that serve a key result, by team and page order. */
    async forKeyResult(keyResultId: number, now: Date): Promise<GoalRow[]> {
      const rows = await queryRows<RawRow<GoalRow>>(
        db,
        sql`${goalSelect(now)} where g.key_result_id = ${keyResultId} order by t.name, g.position`,
      );
      return rows.map(toGoal);
    },

    /** Every status entry of a goal up to `now`, oldest first. */
    history: (goalId: number, now: Date) => statusHistory(db, 'goal', goalId, now),
  };
}

export type GoalStore = ReturnType<typeof createGoalStore>;
