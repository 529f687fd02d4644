import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { changeSource, cycleKind, goalStatus, metricDirection } from './enums.ts';
import { departments, people, teams } from './organisation.ts';

/** Fiscal years and quarters; `label` is the canonical `FY2019-20 Q1`. */
export const cycles = pgTable(
  'cycles',
  {
    id: serial('id').primaryKey(),
    label: text('label').notNull().unique(),
    kind: cycleKind('kind').notNull(),
    fiscalYear: integer('fiscal_year').notNull(),
    quarter: smallint('quarter'),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    /** First day after the cycle. */
    endsBefore: date('ends_before', { mode: 'string' }).notNull(),
  },
  (t) => [uniqueIndex('cycles_period_unique').on(t.fiscalYear, t.quarter)],
);

export const objectives = pgTable(
  'objectives',
  {
    id: serial('id').primaryKey(),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    cycleId: integer('cycle_id')
      .notNull()
      .references(() => cycles.id),
    /** Short code, unique within a cycle; key results are referred to as CODE-KRn. */
    code: text('code').notNull(),
    /** Program or priority label, e.g. "MTP-Y2: Platform Evolution". */
    program: text('program'),
    title: text('title').notNull(),
    description: text('description'),
    managerId: integer('manager_id').references(() => people.id),
    /** `outcome`: a department-level outcome whose key results are its metrics (MTP outcomes). */
    kind: text('kind').notNull().default('objective'),
    /** "Key deliverables" an outcome names. */
    deliverables: text('deliverables').array().notNull().default(sql`'{}'::text[]`),
    /** Full-time equivalents budgeted and spent ("Budget: 10.6 FTE, Actual: 8.4 FTE"). */
    budgetFte: doublePrecision('budget_fte'),
    actualFte: doublePrecision('actual_fte'),
    /** "Target quarter for completion": a quarter label such as `FY2020-21 Q4`. */
    targetCycle: text('target_cycle'),
    /** Other tables the review shows beside the key results (an SLO table): caption, columns, rows. */
    tables: jsonb('tables').notNull().default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('objectives_code_unique').on(t.cycleId, t.code)],
);

/**
 * What a review says about a department's cycle or one objective in words, dated: work
 * delivered, supporting wins, challenges, next quarter's themes.
 */
export const cycleNotes = pgTable(
  'cycle_notes',
  {
    id: serial('id').primaryKey(),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    cycleId: integer('cycle_id')
      .notNull()
      .references(() => cycles.id),
    /** Null for the department's notes; set for an objective's. */
    objectiveId: integer('objective_id').references(() => objectives.id, { onDelete: 'cascade' }),
    /** `delivered`, `win`, `challenge`, `theme` (see domain/cycle-notes.ts). */
    kind: text('kind').notNull(),
    on: date('on', { mode: 'string' }),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    source: changeSource('source').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('cycle_notes_cycle_idx').on(t.departmentId, t.cycleId)],
);

export const keyResults = pgTable(
  'key_results',
  {
    id: serial('id').primaryKey(),
    objectiveId: integer('objective_id')
      .notNull()
      .references(() => objectives.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    text: text('text').notNull(),
    managerId: integer('manager_id').references(() => people.id),
    baseline: doublePrecision('baseline'),
    target: doublePrecision('target'),
    /** A baseline or target given in words ("4 at L1, 4 at L2", "TBD", "Three recommendations"). */
    baselineText: text('baseline_text'),
    targetText: text('target_text'),
    unit: text('unit'),
    direction: metricDirection('direction').notNull().default('up'),
    /** Last day to reach the target. */
    dueOn: date('due_on', { mode: 'string' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('key_results_code_unique').on(t.objectiveId, t.code)],
);

/** A key result's status for a quarter of its year as the review writes it ("On track", "0 (Q2)"). */
export const krQuarterStatuses = pgTable(
  'kr_quarter_statuses',
  {
    id: serial('id').primaryKey(),
    keyResultId: integer('key_result_id')
      .notNull()
      .references(() => keyResults.id, { onDelete: 'cascade' }),
    /** 1 to 4: the quarter of the objective's fiscal year. */
    quarter: smallint('quarter').notNull(),
    text: text('text').notNull(),
    source: changeSource('source').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('kr_quarter_statuses_unique').on(t.keyResultId, t.quarter)],
);

/** "1 service by end of Q2, 2 by end of Q3": intermediate targets of a key result. */
export const krMilestones = pgTable(
  'kr_milestones',
  {
    id: serial('id').primaryKey(),
    keyResultId: integer('key_result_id')
      .notNull()
      .references(() => keyResults.id, { onDelete: 'cascade' }),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    target: doublePrecision('target'),
    text: text('text'),
  },
  (t) => [uniqueIndex('kr_milestones_due_unique').on(t.keyResultId, t.dueOn)],
);

export const goals = pgTable(
  'goals',
  {
    id: serial('id').primaryKey(),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id),
    cycleId: integer('cycle_id')
      .notNull()
      .references(() => cycles.id),
    parentId: integer('parent_id').references((): AnyPgColumn => goals.id, { onDelete: 'cascade' }),
    /** Stable key within (team, cycle, parent) so imports update instead of duplicating. */
    key: text('key').notNull(),
    title: text('title').notNull(),
    /** The heading the goal sits under on the page ("Core: maintain CI services"). */
    groupLabel: text('group_label'),
    taskIds: text('task_ids').array().notNull().default(sql`'{}'::text[]`),
    stretch: boolean('stretch').notNull().default(false),
    multiQuarter: boolean('multi_quarter').notNull().default(false),
    keyResultId: integer('key_result_id').references(() => keyResults.id, { onDelete: 'set null' }),
    /** Order on the page; lists keep it. */
    position: integer('position').notNull().default(0),
    /** Optional own due day; otherwise the end of the cycle. */
    dueOn: date('due_on', { mode: 'string' }),
    /**
     * Someone removed the goal's line from the wiki page: it waits for an admin to confirm
     * (okrbot never deletes on its own) and is left off the page meanwhile.
     */
    removalRequestedAt: timestamp('removal_requested_at', { withTimezone: true }),
    removalRequestedBy: integer('removal_requested_by').references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('goals_key_unique').on(t.teamId, t.cycleId, t.key),
    index('goals_cycle_idx').on(t.cycleId),
    index('goals_parent_idx').on(t.parentId),
    index('goals_task_ids_idx').using('gin', t.taskIds),
  ],
);

/** "Dependencies on: SRE, Performance": a team of ours, or a free-text party outside. */
export const goalDependencies = pgTable(
  'goal_dependencies',
  {
    id: serial('id').primaryKey(),
    goalId: integer('goal_id')
      .notNull()
      .references(() => goals.id, { onDelete: 'cascade' }),
    teamId: integer('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
  },
  (t) => [
    uniqueIndex('goal_dependencies_unique').on(t.goalId, t.label),
    index('goal_dependencies_team_idx').on(t.teamId),
  ],
);

/** Every status change ever made, for a goal or a key result; the current one is the latest. */
export const statusEntries = pgTable(
  'status_entries',
  {
    id: serial('id').primaryKey(),
    goalId: integer('goal_id').references(() => goals.id, { onDelete: 'cascade' }),
    keyResultId: integer('key_result_id').references(() => keyResults.id, { onDelete: 'cascade' }),
    status: goalStatus('status').notNull(),
    note: text('note'),
    personId: integer('person_id').references(() => people.id),
    /** When the status took effect (a pinned clock or an imported date may differ from createdAt). */
    at: timestamp('at', { withTimezone: true }).notNull(),
    source: changeSource('source').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('status_entries_one_subject', sql`(${t.goalId} is null) <> (${t.keyResultId} is null)`),
    index('status_entries_goal_at_idx').on(t.goalId, t.at),
    index('status_entries_kr_at_idx').on(t.keyResultId, t.at),
  ],
);

/** A key result's measured value at a date ("2067 maintainers", "68% of traffic"). */
export const metricValues = pgTable(
  'metric_values',
  {
    id: serial('id').primaryKey(),
    keyResultId: integer('key_result_id')
      .notNull()
      .references(() => keyResults.id, { onDelete: 'cascade' }),
    value: doublePrecision('value').notNull(),
    note: text('note'),
    personId: integer('person_id').references(() => people.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    source: changeSource('source').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('metric_values_kr_at_idx').on(t.keyResultId, t.at)],
);

/** A team's monthly report: the dated block of notes under a month on the goals page. */
export const statusReports = pgTable(
  'status_reports',
  {
    id: serial('id').primaryKey(),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** `YYYY-MM`. */
    month: text('month').notNull(),
    /** The day the report was written, when known. */
    reportedOn: date('reported_on', { mode: 'string' }),
    /** The marker beside the month on the page. */
    status: goalStatus('status'),
    personId: integer('person_id').references(() => people.id),
    createdAt: createdAt(),
  },
  // A month may have several dated reports ("September 10" and "September"); one of each day.
  (t) => [
    unique('status_reports_day_unique').on(t.teamId, t.month, t.reportedOn).nullsNotDistinct(),
  ],
);

export const reportNotes = pgTable(
  'report_notes',
  {
    id: serial('id').primaryKey(),
    reportId: integer('report_id')
      .notNull()
      .references(() => statusReports.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    /** 0 for a note of the report, 1 for a note under the note before it, and so on. */
    level: smallint('level').notNull().default(0),
    /** The goal the note is about, when it is about one. */
    goalId: integer('goal_id').references(() => goals.id, { onDelete: 'set null' }),
    personId: integer('person_id').references(() => people.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    source: changeSource('source').notNull(),
    createdAt: createdAt(),
  },
  // Imported notes and notes from chat number their positions separately.
  (t) => [uniqueIndex('report_notes_position_unique').on(t.reportId, t.source, t.position)],
);
