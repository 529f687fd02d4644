import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { idList, queryRows, type RawRow } from '../db/rows.ts';
import type {
  cycleNotes,
  cycles,
  departments,
  goalDependencies,
  goals,
  keyResults,
  krMilestones,
  krQuarterStatuses,
  metricValues,
  objectives,
  people,
  reportNotes,
  statusEntries,
  statusReports,
  teams,
} from '../db/schema/index.ts';

// Everything a department's quarter page and its exports show, in a fixed number of set-based
// queries whatever the department's size. Rows come back raw; src/quarter/ shapes them.

export interface QuarterScope {
  departmentId: number;
  /** Null when the quarter has no cycle row yet: no goals, but maybe its year's objectives. */
  cycleId: number | null;
  /** Fiscal year of the quarter: its objectives are shown with the quarter's. */
  fiscalYear: number;
  /** `YYYY-MM` months of the quarter: their monthly reports are part of it. */
  months: readonly string[];
  /** Only these teams (a team page); objectives are then left out. */
  teamIds?: readonly number[];
  /** Statuses, values and notes recorded after this instant are not shown. */
  asOf: Date;
  /** The day of `asOf` in the department's zone. */
  asOfDay: string;
}

type Team = typeof teams.$inferSelect;
type Goal = typeof goals.$inferSelect;
type StatusEntry = typeof statusEntries.$inferSelect;
type StatusReport = typeof statusReports.$inferSelect;
type Objective = typeof objectives.$inferSelect;
type KeyResult = typeof keyResults.$inferSelect;
type Cycle = typeof cycles.$inferSelect;
type Department = typeof departments.$inferSelect;
type MetricValue = typeof metricValues.$inferSelect;
type PersonName = (typeof people.$inferSelect)['name'] | null;

export type QuarterTeamRow = Pick<Team, 'id' | 'slug' | 'name' | 'parentId' | 'aliases'>;

/** A goal waiting for an admin to confirm its removal from the wiki page. */
export type RemovalRow = { goalId: number; at: Date; by: PersonName };

export type QuarterGoalRow = Pick<
  Goal,
  | 'id'
  | 'teamId'
  | 'parentId'
  | 'key'
  | 'title'
  | 'groupLabel'
  | 'taskIds'
  | 'stretch'
  | 'multiQuarter'
> & {
  /** `TCB-KR2`: the key result the goal serves. */
  keyResult: string | null;
};

/** A status entry of a goal or a key result: `subjectId` is the one or the other. */
export type EntryRow = Pick<StatusEntry, 'status' | 'note' | 'at'> & {
  subjectId: number;
  personName: PersonName;
};

export type QuarterReportRow = Pick<
  StatusReport,
  'id' | 'teamId' | 'month' | 'reportedOn' | 'status'
>;

export type ObjectiveRow = Pick<
  Objective,
  | 'id'
  | 'code'
  | 'program'
  | 'title'
  | 'description'
  | 'kind'
  | 'deliverables'
  | 'budgetFte'
  | 'actualFte'
  | 'targetCycle'
> & {
  cycle: Cycle['label'];
  manager: PersonName;
  tables: { caption: string | null; columns: string[]; rows: string[][] }[];
};

export type KeyResultDetailRow = Pick<
  KeyResult,
  | 'id'
  | 'objectiveId'
  | 'code'
  | 'text'
  | 'baseline'
  | 'target'
  | 'baselineText'
  | 'targetText'
  | 'unit'
  | 'direction'
  | 'dueOn'
> & { manager: PersonName };

export type CycleNoteRow = Pick<
  typeof cycleNotes.$inferSelect,
  'objectiveId' | 'kind' | 'on' | 'text'
>;

export interface QuarterRows {
  teams: QuarterTeamRow[];
  goals: QuarterGoalRow[];
  dependencies: Pick<typeof goalDependencies.$inferSelect, 'goalId' | 'label'>[];
  goalEntries: EntryRow[];
  reports: QuarterReportRow[];
  notes: Pick<typeof reportNotes.$inferSelect, 'reportId' | 'text' | 'level'>[];
  removals: RemovalRow[];
  objectives: ObjectiveRow[];
  cycleNotes: CycleNoteRow[];
  quarterStatuses: Pick<
    typeof krQuarterStatuses.$inferSelect,
    'keyResultId' | 'quarter' | 'text'
  >[];
  keyResults: KeyResultDetailRow[];
  milestones: Pick<typeof krMilestones.$inferSelect, 'keyResultId' | 'dueOn' | 'target' | 'text'>[];
  values: Pick<MetricValue, 'keyResultId' | 'value' | 'note' | 'at'>[];
  keyResultEntries: EntryRow[];
}

/** A key result with its objective, cycle and department: what its page is headed with. */
export type KeyResultPageRow = Pick<
  KeyResult,
  'id' | 'code' | 'text' | 'baseline' | 'target' | 'unit' | 'direction' | 'dueOn'
> &
  Pick<Objective, 'program'> &
  Pick<Department, 'timeZone'> & {
    objectiveCode: Objective['code'];
    objectiveTitle: Objective['title'];
    objectiveManager: PersonName;
    cycleLabel: Cycle['label'];
    cycleStartsOn: Cycle['startsOn'];
    cycleEndsBefore: Cycle['endsBefore'];
    manager: PersonName;
    departmentSlug: Department['slug'];
    departmentName: Department['name'];
  };

/** A cycle with something of a department in it, for indexes and quarter navigation. */
export type DepartmentCycleRow = Pick<Cycle, 'label' | 'fiscalYear' | 'quarter' | 'startsOn'> & {
  /** How many top-level goals and objectives the department has in the cycle. */
  goals: number;
  objectives: number;
};

const toNumber = (value: number | null): number | null => (value === null ? null : Number(value));

export function createQuarterStore(db: Db) {
  return {
    async rows(scope: QuarterScope): Promise<QuarterRows> {
      const cycleId = scope.cycleId ?? -1;
      const at = sql`${scope.asOf.toISOString()}::timestamptz`;
      const teamFilter: SQL = scope.teamIds ? sql`and t.id in (${idList(scope.teamIds)})` : sql``;
      const goalsOfScope = sql`goals g join teams t on t.id = g.team_id
        where t.department_id = ${scope.departmentId} and g.cycle_id = ${cycleId}
          and t.archived_at is null ${teamFilter}`;
      const months = scope.months.length
        ? sql.join(
            scope.months.map((m) => sql`${m}`),
            sql`, `,
          )
        : sql`null`;
      const reportsOfScope = sql`status_reports r join teams t on t.id = r.team_id
        where t.department_id = ${scope.departmentId} and t.archived_at is null ${teamFilter}
          and r.month in (${months})
          and coalesce(r.reported_on, (r.month || '-01')::date) <= ${scope.asOfDay}::date`;

      const [
        teams,
        goals,
        dependencies,
        goalEntries,
        reports,
        notes,
        objectives,
        removals,
        cycleNotes,
      ] = await Promise.all([
        queryRows<QuarterTeamRow>(
          db,
          sql`select t.id, t.slug, t.name, t.parent_id as "parentId", t.aliases from teams t
                where t.department_id = ${scope.departmentId} and t.archived_at is null
                order by t.position, t.id`,
        ),
        queryRows<QuarterGoalRow>(
          db,
          sql`select g.id, g.team_id as "teamId", g.parent_id as "parentId", g.key, g.title,
                       g.group_label as "groupLabel", g.task_ids as "taskIds", g.stretch,
                       g.multi_quarter as "multiQuarter",
                       (select o.code || '-' || kr.code from key_results kr
                        join objectives o on o.id = kr.objective_id
                        where kr.id = g.key_result_id) as "keyResult"
                from ${goalsOfScope} order by g.team_id, g.position, g.id`,
        ),
        queryRows<QuarterRows['dependencies'][number]>(
          db,
          sql`select d.goal_id as "goalId", d.label from goal_dependencies d
                join goals g on g.id = d.goal_id join teams t on t.id = g.team_id
                where t.department_id = ${scope.departmentId} and g.cycle_id = ${cycleId}
                  and t.archived_at is null ${teamFilter}
                order by d.id`,
        ),
        queryRows<RawRow<EntryRow>>(
          db,
          sql`select se.goal_id as "subjectId", se.status, se.note, se.at, p.name as "personName"
                from status_entries se join goals g on g.id = se.goal_id join teams t on t.id = g.team_id
                left join people p on p.id = se.person_id
                where t.department_id = ${scope.departmentId} and g.cycle_id = ${cycleId}
                  and t.archived_at is null ${teamFilter} and se.at <= ${at}
                order by se.at, se.id`,
        ),
        queryRows<QuarterReportRow>(
          db,
          sql`select r.id, r.team_id as "teamId", r.month, r.reported_on::text as "reportedOn", r.status
                from ${reportsOfScope}
                order by r.team_id, r.month, coalesce(r.reported_on, (r.month || '-01')::date), r.reported_on nulls last`,
        ),
        // The order `status` uses for a report's notes: written order, imported ones first.
        queryRows<QuarterRows['notes'][number]>(
          db,
          sql`select n.report_id as "reportId", n.text, n.level from report_notes n
                join status_reports r on r.id = n.report_id join teams t on t.id = r.team_id
                where t.department_id = ${scope.departmentId} and t.archived_at is null ${teamFilter}
                  and r.month in (${months}) and n.at <= ${at}
                order by n.at, n.source <> 'import', n.position, n.id`,
        ),
        scope.teamIds
          ? Promise.resolve([])
          : queryRows<ObjectiveRow>(
              db,
              sql`select o.id, o.code, c.label as cycle, o.program, o.title, o.description,
                           p.name as manager, o.kind, o.deliverables, o.budget_fte as "budgetFte",
                           o.actual_fte as "actualFte", o.target_cycle as "targetCycle", o.tables
                    from objectives o join cycles c on c.id = o.cycle_id
                    left join people p on p.id = o.manager_id
                    where o.department_id = ${scope.departmentId}
                      and (o.cycle_id = ${cycleId}
                           or (c.quarter is null and c.fiscal_year = ${scope.fiscalYear}))
                    order by c.quarter nulls first, o.id`,
            ),
        queryRows<RawRow<RemovalRow>>(
          db,
          sql`select g.id as "goalId", g.removal_requested_at as at,
                       (select p.name from people p where p.id = g.removal_requested_by) as by
                from ${goalsOfScope} and g.removal_requested_at is not null`,
        ),
        // The department's notes of the quarter and of its year, and its objectives' notes.
        scope.teamIds
          ? Promise.resolve([])
          : queryRows<CycleNoteRow>(
              db,
              sql`select n.objective_id as "objectiveId", n.kind, n.on::text as on, n.text
                    from cycle_notes n join cycles c on c.id = n.cycle_id
                    where n.department_id = ${scope.departmentId}
                      and (n.cycle_id = ${cycleId}
                           or (c.quarter is null and c.fiscal_year = ${scope.fiscalYear}))
                    order by n.objective_id nulls first, n.position, n.id`,
            ),
      ]);

      const objectiveIds = objectives.map((o) => o.id);
      const keyResults = objectiveIds.length
        ? await queryRows<KeyResultDetailRow>(
            db,
            sql`select kr.id, kr.objective_id as "objectiveId", kr.code, kr.text, p.name as manager,
                       kr.baseline, kr.target, kr.baseline_text as "baselineText",
                       kr.target_text as "targetText", kr.unit, kr.direction, kr.due_on::text as "dueOn"
                from key_results kr left join people p on p.id = kr.manager_id
                where kr.objective_id in (${idList(objectiveIds)}) order by kr.objective_id, kr.id`,
          )
        : [];
      const krIds = idList(keyResults.map((kr) => kr.id));
      const [milestones, values, keyResultEntries, quarterStatuses] = keyResults.length
        ? await Promise.all([
            queryRows<QuarterRows['milestones'][number]>(
              db,
              sql`select key_result_id as "keyResultId", due_on::text as "dueOn", target, text
                  from kr_milestones where key_result_id in (${krIds}) order by due_on`,
            ),
            queryRows<RawRow<QuarterRows['values'][number]>>(
              db,
              sql`select key_result_id as "keyResultId", value, note, at from metric_values
                  where key_result_id in (${krIds}) and at <= ${at} order by at, id`,
            ),
            queryRows<RawRow<EntryRow>>(
              db,
              sql`select se.key_result_id as "subjectId", se.status, se.note, se.at, p.name as "personName"
                  from status_entries se left join people p on p.id = se.person_id
                  where se.key_result_id in (${krIds}) and se.at <= ${at} order by se.at, se.id`,
            ),
            queryRows<QuarterRows['quarterStatuses'][number]>(
              db,
              sql`select key_result_id as "keyResultId", quarter, text from kr_quarter_statuses
                  where key_result_id in (${krIds}) order by key_result_id, quarter`,
            ),
          ])
        : [[], [], [], []];

      return {
        teams,
        goals,
        dependencies,
        goalEntries: goalEntries.map((e) => ({ ...e, at: new Date(e.at) })),
        reports,
        notes,
        removals: removals.map((r) => ({ ...r, at: new Date(r.at) })),
        objectives,
        cycleNotes,
        quarterStatuses,
        keyResults: keyResults.map((kr) => ({
          ...kr,
          baseline: toNumber(kr.baseline),
          target: toNumber(kr.target),
        })),
        milestones: milestones.map((m) => ({ ...m, target: toNumber(m.target) })),
        values: values.map((v) => ({ ...v, value: Number(v.value), at: new Date(v.at) })),
        keyResultEntries: keyResultEntries.map((e) => ({ ...e, at: new Date(e.at) })),
      };
    },

    /** The key result `OBJ-KRn` of a cycle (objective codes are unique within a cycle). */
    async keyResult(
      cycleLabel: string,
      objectiveCode: string,
      code: string,
    ): Promise<KeyResultPageRow | undefined> {
      const [row] = await queryRows<KeyResultPageRow>(
        db,
        sql`select kr.id, kr.code, o.code as "objectiveCode", o.title as "objectiveTitle",
                   om.name as "objectiveManager", o.program, c.label as "cycleLabel",
                   c.starts_on::text as "cycleStartsOn", c.ends_before::text as "cycleEndsBefore",
                   kr.text, p.name as manager, kr.baseline, kr.target, kr.unit, kr.direction,
                   kr.due_on::text as "dueOn", d.slug as "departmentSlug", d.name as "departmentName",
                   d.time_zone as "timeZone"
            from key_results kr join objectives o on o.id = kr.objective_id
            join cycles c on c.id = o.cycle_id join departments d on d.id = o.department_id
            left join people p on p.id = kr.manager_id left join people om on om.id = o.manager_id
            where c.label = ${cycleLabel} and upper(o.code) = upper(${objectiveCode})
              and upper(kr.code) = upper(${code})`,
      );
      return row && { ...row, baseline: toNumber(row.baseline), target: toNumber(row.target) };
    },

    /** Cycles in which a department has goals or objectives, newest first. */
    async cyclesOf(departmentId: number): Promise<DepartmentCycleRow[]> {
      const rows = await queryRows<DepartmentCycleRow>(
        db,
        sql`select c.label, c.fiscal_year as "fiscalYear", c.quarter, c.starts_on::text as "startsOn",
                   (select count(*)::int from goals g join teams t on t.id = g.team_id
                    where g.cycle_id = c.id and t.department_id = ${departmentId}
                      and g.parent_id is null and t.archived_at is null) as goals,
                   (select count(*)::int from objectives o
                    where o.cycle_id = c.id and o.department_id = ${departmentId}) as objectives
            from cycles c
            order by c.starts_on desc, c.quarter nulls first`,
      );
      return rows.filter((row) => row.goals > 0 || row.objectives > 0);
    },
  };
}

export type QuarterStore = ReturnType<typeof createQuarterStore>;
