import { z } from 'zod';
import { STATUSES, type Status } from '../../domain/status.ts';

// A department's quarter as okrbot exports it: the JSON download, and the one model the
// dashboard pages and every other export format are rendered from. The zod schema is the
// documentation's source of truth (docs/quarter-export.schema.json is generated from it), so
// the JSON format cannot drift from what the docs say. Field names follow the quarter-file YAML.

export const QUARTER_FORMAT = 'okrbot-quarter';
// Version 2: report notes are `{ text, level }` (nested notes), a month may hold several dated
// reports, and objectives and key results carry what review decks say in words.
export const QUARTER_FORMAT_VERSION = 2;

export interface DatedStatus {
  on: string;
  status: Status;
  note: string | null;
}

export interface QuarterGoal {
  key: string;
  title: string;
  group: string | null;
  tasks: string[];
  status: Status | null;
  status_on: string | null;
  note: string | null;
  history: DatedStatus[];
  stretch: boolean;
  multi_quarter: boolean;
  key_result: string | null;
  depends_on: string[];
  items: QuarterGoal[];
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day written YYYY-MM-DD');
const status = z.enum(STATUSES);

const datedStatus = z.object({
  on: day.describe('The day, in the department time zone'),
  status: status,
  note: z.string().nullable(),
});

const goal: z.ZodType<QuarterGoal> = z.lazy(() =>
  z.object({
    key: z.string().describe('Stable key within the team and quarter (re-imports update it)'),
    title: z.string(),
    group: z.string().nullable().describe('The heading the goal sits under on the page'),
    tasks: z.array(z.string()).describe('Task ids, e.g. T208612'),
    status: status.nullable().describe('Current status; null when none was recorded'),
    status_on: day.nullable().describe('Day of the current status'),
    note: z.string().nullable().describe('Note given with the current status'),
    history: z
      .array(datedStatus)
      .describe('Every status by day, oldest first; the last one is the current status'),
    stretch: z.boolean(),
    multi_quarter: z.boolean(),
    key_result: z.string().nullable().describe('The key result it serves, e.g. TCB-KR2'),
    depends_on: z.array(z.string()).describe('Teams or outside parties it depends on'),
    items: z.array(goal).describe('Sub-items, with the same fields'),
  }),
);

const reportNote = z.object({
  text: z.string(),
  level: z
    .number()
    .int()
    .min(0)
    .describe('0 for a note of the report, 1 under the note before it ...'),
});

const report = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/, 'expected a month written YYYY-MM'),
  on: day
    .nullable()
    .describe('The day the report was written, when known (a month may have several)'),
  status: status.nullable().describe('The marker beside the date'),
  notes: z.array(reportNote),
});

export const CYCLE_NOTE_KINDS = ['delivered', 'win', 'challenge', 'theme'] as const;
export type CycleNoteKind = (typeof CYCLE_NOTE_KINDS)[number];

const cycleNote = z.object({
  kind: z
    .enum(CYCLE_NOTE_KINDS)
    .describe('delivered (work delivered), win, challenge, theme (for the next quarter)'),
  on: day.nullable(),
  text: z.string(),
});

const table = z.object({
  caption: z.string().nullable(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
});

const team = z.object({
  slug: z.string(),
  name: z.string(),
  aliases: z.array(z.string()).describe('Other names the team is known by (as lookup keys)'),
  parent: z.string().nullable().describe('Slug of the parent team, for sub-teams'),
  managers: z.array(z.string()).describe('Team managers, by name'),
  delegates: z.array(z.string()).describe('People who may answer for the managers'),
  goals: z.array(goal),
  reports: z.array(report).describe('Monthly status reports of the quarter, oldest first'),
});

const keyResult = z.object({
  code: z.string().describe('KR1, KR2 ...'),
  ref: z.string().describe('Objective code and KR code, e.g. TCB-KR2'),
  text: z.string(),
  manager: z.string().nullable(),
  baseline: z.number().nullable(),
  target: z.number().nullable(),
  baseline_text: z
    .string()
    .nullable()
    .describe('The baseline in words ("4 at L1, 4 at L2", "TBD")'),
  target_text: z.string().nullable().describe('The year goal in words ("Three recommendations")'),
  unit: z.string().nullable(),
  direction: z.enum(['up', 'down']).describe('Whether higher (up) or lower values are better'),
  due: day.nullable(),
  milestones: z.array(
    z.object({ due: day, target: z.number().nullable(), text: z.string().nullable() }),
  ),
  values: z
    .array(z.object({ on: day, value: z.number(), note: z.string().nullable() }))
    .describe('Metric check-ins up to as_of, oldest first'),
  quarters: z
    .array(z.object({ quarter: z.number().int().min(1).max(4), text: z.string() }))
    .describe("The status of a quarter of the objective's year, as the review words it"),
  statuses: z.array(datedStatus).describe('Status history by day, oldest first'),
  status: status.nullable().describe('Current status'),
  value: z.number().nullable().describe('Latest value'),
  value_on: day.nullable().describe('Day of the latest value'),
});

const objective = z.object({
  code: z.string(),
  cycle: z.string().describe('The quarter, or the fiscal year the quarter belongs to'),
  program: z.string().nullable(),
  title: z.string(),
  description: z.string().nullable(),
  manager: z.string().nullable(),
  kind: z
    .enum(['objective', 'outcome'])
    .describe('outcome: a department-level outcome whose key results are its metrics'),
  deliverables: z.array(z.string()).describe("An outcome's key deliverables"),
  budget_fte: z.number().nullable().describe('Full-time equivalents budgeted'),
  actual_fte: z.number().nullable().describe('Full-time equivalents spent'),
  target_cycle: z.string().nullable().describe('Target quarter for completion, e.g. FY2020-21 Q4'),
  tables: z.array(table).describe('Other tables shown with it (an SLO table)'),
  notes: z.array(cycleNote).describe('Work delivered, wins and challenges, dated when known'),
  key_results: z.array(keyResult),
});

export const quarterDocumentSchema = z
  .object({
    format: z.literal(QUARTER_FORMAT),
    version: z.literal(QUARTER_FORMAT_VERSION),
    department: z.object({ slug: z.string(), name: z.string(), timezone: z.string() }),
    cycle: z.object({
      label: z.string().describe('e.g. FY2019-20 Q1'),
      starts_on: day,
      ends_on: day.describe('Last day of the quarter'),
    }),
    as_of: z.string().describe('The instant the statuses are given at (ISO 8601, UTC)'),
    teams: z.array(team).describe('Teams with goals or reports this quarter, parents first'),
    objectives: z
      .array(objective)
      .describe('Objectives of the quarter and of its fiscal year, with their key results'),
    notes: z
      .array(cycleNote)
      .describe("The department's notes of the quarter: supporting wins, challenges, themes"),
  })
  .describe("A department's goals, key results and monthly notes for one quarter");

export type QuarterDocument = z.infer<typeof quarterDocumentSchema>;
export type QuarterTeam = QuarterDocument['teams'][number];
export type QuarterReport = QuarterTeam['reports'][number];
export type QuarterNote = QuarterDocument['notes'][number];
export type QuarterTable = QuarterObjective['tables'][number];
export type QuarterObjective = QuarterDocument['objectives'][number];
export type QuarterKeyResult = QuarterObjective['key_results'][number];

// What the pages need beyond the export: database ids for anchors, refs and links. The JSON
// export drops them (the schema strips unknown keys), since ids differ between databases.

export interface GoalSnapshot extends QuarterGoal {
  id: number;
  items: GoalSnapshot[];
  /** Who set the current status (a person's name), when known. */
  status_by: string | null;
  /** Someone removed the goal from the wiki page; it waits for an admin to confirm. */
  removal: { by: string | null; on: string } | null;
}

export interface TeamSnapshot extends QuarterTeam {
  id: number;
  goals: GoalSnapshot[];
}

export interface QuarterSnapshot extends QuarterDocument {
  department: QuarterDocument['department'] & { id: number };
  teams: TeamSnapshot[];
}
