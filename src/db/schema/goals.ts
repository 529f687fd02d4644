import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
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
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('objectives_code_unique').on(t.cycleId, t.code)],
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
    unit: text('unit'),
    direction: metricDirection('direction').notNull().default('up'),
    /** Last day to reach the target. */
    dueOn: date('due_on', { mode: 'string' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('key_results_code_unique').on(t.objectiveId, t.code)],
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
  (t) => [uniqueIndex('status_reports_month_unique').on(t.teamId, t.month)],
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
