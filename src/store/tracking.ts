import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { idList as ids, instant, queryRows, type RawRow } from '../db/rows.ts';
import type {
  cycles,
  departments,
  goalDependencies,
  goals,
  keyResults,
  krMilestones,
  metricValues,
  people,
  snoozes,
  statusEntries,
  teams,
} from '../db/schema/index.ts';
import { dayIn, nextDay, startOfDayIn } from '../domain/fiscal-calendar.ts';
import { groupBy } from '../domain/group-by.ts';
import type { TrackedItem } from '../domain/overdue.ts';

// The facts the overdue and stale rules need, gathered for a department (or some of its teams)
// in a fixed number of queries whatever its size.

export interface TrackedGoal
  extends TrackedItem,
    Pick<GoalFacts, 'id' | 'ref' | 'title' | 'teamSlug' | 'teamName' | 'cycleLabel' | 'dependsOn'> {
  kind: 'goal';
}

export interface TrackedKeyResult
  extends TrackedItem,
    Pick<KeyResultFacts, 'id' | 'ref' | 'text' | 'unit' | 'managerName' | 'cycleLabel'> {
  kind: 'key-result';
}

export interface TrackingScope {
  departmentIds: readonly number[];
  /** Only these teams' goals, and the key results those goals link to. */
  teamIds?: readonly number[];
  /** Leave the goals out (the digest needs only the key results). */
  keyResultsOnly?: boolean;
  /** Only the key results this person manages (or whose objective they manage). */
  managerId?: number;
}

/** Cycles worth watching: under way, or ended less than a quarter ago. */
const RECENT_DAYS = 92;

type Goal = typeof goals.$inferSelect;
type KeyResult = typeof keyResults.$inferSelect;
type Cycle = typeof cycles.$inferSelect;
type StatusEntry = typeof statusEntries.$inferSelect;

/** What goals and key results both bring: where they stand and when they are due. */
type ItemFacts = Pick<Cycle, 'endsBefore'> &
  Pick<typeof departments.$inferSelect, 'timeZone'> & {
    cycleLabel: Cycle['label'];
    status: StatusEntry['status'] | null;
    /** The latest status entry (or metric value) up to now. */
    lastUpdateAt: StatusEntry['at'] | null;
    snoozedUntil: (typeof snoozes.$inferSelect)['until'] | null;
  };

type GoalFacts = ItemFacts &
  Pick<Goal, 'id' | 'title' | 'dueOn'> & {
    ref: string;
    teamSlug: (typeof teams.$inferSelect)['slug'];
    teamName: (typeof teams.$inferSelect)['name'];
    dependsOn: (typeof goalDependencies.$inferSelect)['label'][];
  };

type KeyResultFacts = ItemFacts &
  Pick<KeyResult, 'id' | 'text' | 'unit' | 'dueOn' | 'target' | 'direction'> & {
    ref: string;
    managerName: (typeof people.$inferSelect)['name'] | null;
  };

export function createTrackingStore(db: Db) {
  return {
    async items(
      scope: TrackingScope,
      now: Date,
    ): Promise<{ goals: TrackedGoal[]; keyResults: TrackedKeyResult[] }> {
      const at = sql`${now.toISOString()}::timestamptz`;
      const today = sql`${dayIn(now, 'UTC')}::date`;
      const teamFilter = scope.teamIds ? sql`and t.id in (${ids(scope.teamIds)})` : sql``;
      const goalRows = scope.keyResultsOnly
        ? []
        : await queryRows<RawRow<GoalFacts>>(
            db,
            sql`select g.id, coalesce(g.task_ids[1], 'G' || g.id) as ref, g.title, t.slug as "teamSlug",
                   t.name as "teamName", dep.time_zone as "timeZone", c.label as "cycleLabel",
                   c.ends_before::text as "endsBefore", g.due_on::text as "dueOn", cur.status,
                   (select max(se.at) from status_entries se where se.goal_id = g.id and se.at <= ${at}) as "lastUpdateAt",
                   (select max(s.until) from snoozes s where s.goal_id = g.id) as "snoozedUntil",
                   coalesce((select array_agg(d.label order by d.id) from goal_dependencies d where d.goal_id = g.id), '{}') as "dependsOn"
            from goals g
            join teams t on t.id = g.team_id
            join departments dep on dep.id = t.department_id
            join cycles c on c.id = g.cycle_id
            left join lateral (
              select se.status from status_entries se where se.goal_id = g.id and se.at <= ${at}
              order by se.at desc, se.id desc limit 1
            ) cur on true
            where t.department_id in (${ids(scope.departmentIds)}) ${teamFilter}
              and g.parent_id is null and t.archived_at is null
              and c.starts_on <= ${today} and c.ends_before > ${today} - ${RECENT_DAYS}::int
            order by t.name, c.starts_on, g.position`,
          );
      const linkFilter = scope.teamIds
        ? sql`and kr.id in (select g.key_result_id from goals g where g.team_id in (${ids(scope.teamIds)}))`
        : sql``;
      const managerFilter =
        scope.managerId === undefined
          ? sql``
          : sql`and (kr.manager_id = ${scope.managerId} or o.manager_id = ${scope.managerId})`;
      const krRows = await queryRows<RawRow<KeyResultFacts>>(
        db,
        sql`select kr.id, o.code || '-' || kr.code as ref, kr.text, kr.unit, p.name as "managerName",
                   dep.time_zone as "timeZone", c.label as "cycleLabel", c.ends_before::text as "endsBefore",
                   kr.due_on::text as "dueOn", kr.target, kr.direction, cur.status,
                   greatest((select max(se.at) from status_entries se where se.key_result_id = kr.id and se.at <= ${at}),
                            (select max(mv.at) from metric_values mv where mv.key_result_id = kr.id and mv.at <= ${at})) as "lastUpdateAt",
                   (select max(s.until) from snoozes s where s.key_result_id = kr.id) as "snoozedUntil"
            from key_results kr
            join objectives o on o.id = kr.objective_id
            join departments dep on dep.id = o.department_id
            join cycles c on c.id = o.cycle_id
            left join people p on p.id = kr.manager_id
            left join lateral (
              select se.status from status_entries se where se.key_result_id = kr.id and se.at <= ${at}
              order by se.at desc, se.id desc limit 1
            ) cur on true
            where o.department_id in (${ids(scope.departmentIds)}) ${linkFilter} ${managerFilter}
              and c.starts_on <= ${today} and c.ends_before > ${today} - ${RECENT_DAYS}::int
            order by o.code, kr.code`,
      );
      const krIds = krRows.map((row) => row.id);
      const [milestones, values] = await Promise.all([
        queryRows<
          Pick<typeof krMilestones.$inferSelect, 'keyResultId' | 'dueOn' | 'target' | 'text'>
        >(
          db,
          sql`select key_result_id as "keyResultId", due_on::text as "dueOn", target, text
              from kr_milestones where key_result_id in (${ids(krIds)}) order by due_on`,
        ),
        queryRows<RawRow<Pick<typeof metricValues.$inferSelect, 'keyResultId' | 'at' | 'value'>>>(
          db,
          sql`select key_result_id as "keyResultId", at, value from metric_values
              where key_result_id in (${ids(krIds)}) and at <= ${at} order by at, id`,
        ),
      ]);
      const milestonesOf = groupBy(milestones, (m) => m.keyResultId);
      const valuesOf = groupBy(values, (v) => v.keyResultId);
      // A day's deadline ends when the next day begins in the department's zone.
      // Thousands of goals share a few quarter ends: compute each (day, zone) instant once.
      const instants = new Map<string, Date>();
      const startOf = (day: string, zone: string) => {
        const key = `${day} ${zone}`;
        const known = instants.get(key);
        if (known) return known;
        const value = startOfDayIn(day, zone);
        instants.set(key, value);
        return value;
      };
      const endOf = (day: string, zone: string) => startOf(nextDay(day), zone);
      return {
        goals: goalRows.map((row) => ({
          kind: 'goal',
          id: row.id,
          ref: row.ref,
          title: row.title,
          teamSlug: row.teamSlug,
          teamName: row.teamName,
          cycleLabel: row.cycleLabel,
          dependsOn: row.dependsOn,
          status: row.status,
          dueAt: row.dueOn ? endOf(row.dueOn, row.timeZone) : startOf(row.endsBefore, row.timeZone),
          milestones: [],
          target: null,
          direction: 'up',
          values: [],
          lastUpdateAt: instant(row.lastUpdateAt),
          snoozedUntil: instant(row.snoozedUntil),
        })),
        keyResults: krRows.map((row) => ({
          kind: 'key-result',
          id: row.id,
          ref: row.ref,
          text: row.text,
          unit: row.unit,
          managerName: row.managerName,
          cycleLabel: row.cycleLabel,
          status: row.status,
          dueAt: row.dueOn ? endOf(row.dueOn, row.timeZone) : startOf(row.endsBefore, row.timeZone),
          milestones: (milestonesOf.get(row.id) ?? []).map((m) => ({
            dueAt: endOf(m.dueOn, row.timeZone),
            target: m.target === null ? null : Number(m.target),
            text: m.text,
          })),
          target: row.target === null ? null : Number(row.target),
          direction: row.direction,
          values: (valuesOf.get(row.id) ?? []).map((v) => ({
            at: new Date(v.at),
            value: Number(v.value),
          })),
          lastUpdateAt: instant(row.lastUpdateAt),
          snoozedUntil: instant(row.snoozedUntil),
        })),
      };
    },
  };
}

export type TrackingStore = ReturnType<typeof createTrackingStore>;
