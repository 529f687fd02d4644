import { parseDocument } from 'yaml';
import { z } from 'zod';
import { isDay, isMonth, parseCycle } from '../../domain/fiscal-calendar.ts';
import { parseLocalTime, parseWeekday } from '../../domain/schedules.ts';
import { parseStatus, type Status, statusWords } from '../../domain/status.ts';
import { cleanText, suggest } from '../../domain/text.ts';
import { isValidTimeZone } from '../../domain/time-zone.ts';
import {
  CHAT_TRANSPORTS,
  channelProblem,
  chatTransportInfo,
  parseChatTransport,
} from '../../domain/transports.ts';
import { CYCLE_NOTE_KINDS } from '../quarter/quarter-document.ts';

// The YAML format of seeds/README.md. Objects are strict so a misspelt field is an error,
// not silently ignored data.

const MAX_TEXT = 4000;
const MAX_TITLE = 1000;

const text = (max = MAX_TEXT) =>
  z
    .string()
    .transform(cleanText)
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));
const name = text(200);
const day = z.string().refine(isDay, 'expected a real date written YYYY-MM-DD');
const month = z.string().refine(isMonth, 'expected a month written YYYY-MM');
const cycle = z.string().refine((value) => parseCycle(value) !== undefined, {
  message: 'expected a cycle such as "FY2019-20 Q1" or "FY2020-21"',
});
const zone = z
  .string()
  .refine(isValidTimeZone, 'expected an IANA time zone such as UTC or Europe/Berlin');
const status = z.string().transform((value, ctx): Status => {
  const parsed = parseStatus(value);
  if (parsed) return parsed;
  const close = suggest(value, statusWords(), 2);
  ctx.addIssue({
    code: 'custom',
    message: `unknown status "${value}"${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : ''}; use To do, In progress, Done, Partially done, Not done, Stalled, Postponed, Blocked or Cancelled`,
  });
  return z.NEVER;
});
const number = z.number().refine(Number.isFinite, 'expected a finite number');
const taskId = z
  .string()
  .transform((value) => value.trim().toUpperCase())
  .refine((value) => /^T\d{1,9}$/.test(value), 'expected a task id such as T208612');

const dated = z.strictObject({ on: day, status, note: text().optional() });

export interface GoalInput {
  title: string;
  key?: string | undefined;
  cycle?: string | undefined;
  group?: string | undefined;
  tasks?: string[] | undefined;
  status?: Status | undefined;
  status_on?: string | undefined;
  note?: string | undefined;
  history?: { on: string; status: Status; note?: string | undefined }[] | undefined;
  stretch?: boolean | undefined;
  multi_quarter?: boolean | undefined;
  key_result?: string | undefined;
  depends_on?: string[] | undefined;
  items?: GoalInput[] | undefined;
}

const goal: z.ZodType<GoalInput, unknown> = z.lazy(() =>
  z.strictObject({
    title: text(MAX_TITLE),
    key: text(200).optional(),
    cycle: cycle.optional(),
    group: text(MAX_TITLE).optional(),
    tasks: z.array(taskId).optional(),
    status: status.optional(),
    status_on: day.optional(),
    note: text().optional(),
    history: z.array(dated).optional(),
    stretch: z.boolean().optional(),
    multi_quarter: z.boolean().optional(),
    key_result: z
      .string()
      .regex(/^[A-Za-z0-9]+-KR\d+$/i, 'expected OBJECTIVE-KRn, e.g. TCB-KR2')
      .optional(),
    depends_on: z.array(name).optional(),
    items: z.array(goal).optional(),
  }),
);

/** A note of a report: its text, or `{ text, level }` for one nested under the note before it. */
const reportNote = z.union([
  text().transform((value) => ({ text: value, level: 0 })),
  z.strictObject({ text: text(), level: z.number().int().min(0).max(5).default(0) }),
]);

const report = z.strictObject({
  month,
  on: day.optional(),
  status: status.optional(),
  notes: z.array(reportNote).default([]),
});

const cycleNote = z.strictObject({
  kind: z.enum(CYCLE_NOTE_KINDS),
  on: day.optional(),
  text: text(),
});

const quarterLabel = z.string().refine((value) => parseCycle(value)?.quarter !== undefined, {
  message: 'expected a quarter such as "FY2020-21 Q4"',
});

const team = z.strictObject({
  name,
  slug: name.optional(),
  aliases: z.array(name).optional(),
  parent: name.nullish(),
  managers: z.array(name).optional(),
  delegates: z.array(name).optional(),
  goals: z.array(goal).optional(),
  reports: z.array(report).optional(),
});

const keyResult = z.strictObject({
  code: z.string().regex(/^KR\d+$/i, 'expected KR1, KR2 ...'),
  text: text(),
  manager: name.optional(),
  baseline: number.optional(),
  target: number.optional(),
  baseline_text: text(500).optional(),
  target_text: text(500).optional(),
  unit: name.optional(),
  direction: z.enum(['up', 'down']).optional(),
  due: day.optional(),
  milestones: z
    .array(z.strictObject({ due: day, target: number.optional(), text: text().optional() }))
    .optional(),
  values: z.array(z.strictObject({ on: day, value: number, note: text().optional() })).optional(),
  statuses: z.array(dated).optional(),
  /** A quarter's status as the review words it: `{ Q1: "On track", Q2: "0 (Q2)" }`. */
  quarters: z.partialRecord(z.enum(['Q1', 'Q2', 'Q3', 'Q4']), text(500)).optional(),
});

const table = z.strictObject({
  caption: text(500).optional(),
  columns: z.array(text(500)).min(1),
  rows: z.array(z.array(z.string().transform(cleanText))).default([]),
});

const objective = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,15}$/, 'expected a short code of letters and digits, e.g. TCB'),
  cycle,
  program: text(300).optional(),
  title: text(MAX_TITLE),
  description: text().optional(),
  manager: name.optional(),
  kind: z.enum(['objective', 'outcome']).optional(),
  deliverables: z.array(text(500)).optional(),
  budget_fte: number.optional(),
  actual_fte: number.optional(),
  target_cycle: quarterLabel.optional(),
  tables: z.array(table).optional(),
  notes: z.array(cycleNote).optional(),
  key_results: z.array(keyResult).default([]),
});

const person = z.strictObject({
  name,
  handle: name.optional(),
  email: z.email('expected an email address').optional(),
  timezone: zone.optional(),
  wiki_user: name.optional(),
});

const localTime = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const time = parseLocalTime(String(value));
  if (time) return time;
  ctx.addIssue({
    code: 'custom',
    message: 'expected a time of day written HH:MM, such as "09:00"',
  });
  return z.NEVER;
});
const weekday = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const day = parseWeekday(String(value));
  if (day) return day;
  ctx.addIssue({ code: 'custom', message: 'expected a weekday such as monday' });
  return z.NEVER;
});
const digestChannel = z.string().transform((value, ctx) => {
  const [prefix = '', ...rest] = value.trim().split(':');
  const transport = parseChatTransport(prefix);
  const channel = rest.join(':');
  const problem =
    transport && channel
      ? channelProblem(transport, channel)
      : `expected ${CHAT_TRANSPORTS.map((id) => `${id}:${chatTransportInfo(id).channel.example}`).join(' or ')}`;
  if (transport && !problem) return { transport, channel };
  ctx.addIssue({ code: 'custom', message: problem });
  return z.NEVER;
});
/** Every schedule may be switched off and given its own catch-up window. */
const scheduleCommon = {
  enabled: z.boolean().optional(),
  catch_up_days: z.number().positive().max(31).optional(),
};
const schedulesSection = z.strictObject({
  prompt: z
    .strictObject({
      day: z.number().int().min(1).max(31).optional(),
      time: localTime.optional(),
      reminders: z
        .array(z.number().int().min(1).max(27))
        .refine((days) => new Set(days).size === days.length, 'expected different numbers of days')
        .optional(),
      ...scheduleCommon,
    })
    .optional(),
  digest: z
    .strictObject({
      weekday: weekday.optional(),
      time: localTime.optional(),
      channels: z.array(digestChannel).optional(),
      ...scheduleCommon,
    })
    .optional(),
  overdue: z.strictObject({ time: localTime.optional(), ...scheduleCommon }).optional(),
});

export const quarterFileSchema = z.strictObject({
  department: name,
  department_slug: name.optional(),
  timezone: zone.optional(),
  cycle: cycle.optional(),
  as_of: day.optional(),
  source: text(500).optional(),
  people: z.array(person).optional(),
  teams: z.array(team).optional(),
  objectives: z.array(objective).optional(),
  /** The department's notes of the file's `cycle`: supporting wins, challenges, themes. */
  notes: z.array(cycleNote).optional(),
  schedules: schedulesSection.optional(),
});

export type QuarterFile = z.infer<typeof quarterFileSchema>;
export type TeamInput = z.infer<typeof team>;
export type ObjectiveInput = z.infer<typeof objective>;
export type SchedulesInput = z.infer<typeof schedulesSection>;

/** A quarter file that cannot be read, with every problem and where it is. */
export class QuarterFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'QuarterFileError';
  }
}

/** Parses and validates a quarter file's text; `file` names it in error messages. */
export function parseQuarterFile(source: string, file: string): QuarterFile {
  const document = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new QuarterFileError(
      file,
      document.errors.map((error) => (error.message.split('\n')[0] as string).replace(/:$/, '')),
    );
  }
  return validateQuarterFile(document.toJS(), file);
}

/**
 * Checks data in the quarter-file structure, whatever it was read from (YAML, a wiki page, a
 * JSON export); `locate` names where in the source an item came from (`line 12`).
 */
export function validateQuarterFile(
  data: unknown,
  file: string,
  locate: (path: readonly PropertyKey[]) => string | undefined = () => undefined,
): QuarterFile {
  const parsed = quarterFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new QuarterFileError(
      file,
      parsed.error.issues.slice(0, 50).map((issue) => {
        const where = locate(issue.path);
        return `${where ? `${where} (${formatPath(issue.path)})` : formatPath(issue.path)}: ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`))
    .join('');
}
