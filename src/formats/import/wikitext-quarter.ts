import { parseStatus, type Status, statusWords } from '../../domain/status.ts';
import { suggest } from '../../domain/text.ts';
import { OBJECTIVES_HEADING, REPORTS_MARKER } from '../export/wikitext.ts';
import { decodeWikiText, readWikiComments } from '../export/wikitext-text.ts';
import { parseLongDate } from '../quarter/layout.ts';

// Reads a quarter page written by `okrbot export --format wikitext` (and edited by people on the
// wiki) back into the quarter-file structure, which then goes through the same validation and
// idempotent import as a YAML file. Every line is either understood or reported with its number:
// nothing on the page is dropped silently.

type Raw = Record<string, unknown>;

export interface WikitextQuarter {
  /** The quarter file, not yet validated. */
  file: Raw;
  /** Line numbers of the items, by their path in the file (`teams[2].goals[0]`). */
  lines: Map<string, number>;
  /** What could not be read, each with its line. */
  problems: string[];
}

/** Does this text look like an okrbot wikitext page (rather than YAML)? */
export function looksLikeWikitext(source: string): boolean {
  return /^\s*<!-- okrbot:quarter\b/.test(source);
}

const HEADING = /^(={2,6})\s*(.*?)\s*\1$/;
const BULLET = /^(\*+)\s*(.*)$/;
const PEOPLE_LINE = /^(?:Team\s+)?(?:Managers?|Directors?):\s*(.*)$/i;
const TASK_LINKS =
  /\s*(?:\[\S+ task (T\d{1,9})\]|\[\[phab:(T\d{1,9})(?:\|[^\]]*)?\]\]|\{\{(?:phab|phabricator|task)\|(T\d{1,9})\}\})/gi;

export function readWikitextQuarter(source: string): WikitextQuarter {
  const problems: string[] = [];
  const lines = new Map<string, number>();
  const text = source.replace(/\r\n?/g, '\n').split('\n');
  const file: Raw = {};
  const teams: Raw[] = [];
  const objectives: Raw[] = [];

  const first = readWikiComments(text[0] ?? '').comments.find((c) => c.kind === 'quarter');
  if (!first) {
    problems.push(
      'line 1: not an okrbot quarter page: it must start with the <!-- okrbot:quarter ... --> line that `okrbot export --format wikitext` writes',
    );
    return { file, lines, problems };
  }
  const header = first.data;
  Object.assign(file, {
    department: header.name,
    department_slug: header.department,
    timezone: header.timezone,
    cycle: header.cycle,
  });

  // Where we are on the page.
  let section: 'intro' | 'team' | 'objectives' = 'intro';
  const teamStack: { level: number; team: Raw; path: string }[] = [];
  let team: { team: Raw; path: string } | undefined;
  let mode: 'goals' | 'reports' = 'goals';
  let group: string | undefined;
  let groupGoals: Raw[] = [];
  let goalStack: { goal: Raw; path: string }[] = [];
  let objective: { objective: Raw; path: string; description: string[] } | undefined;
  let table:
    | { headers: string[]; rows: { cells: string[]; meta: Raw; line: number }[] }
    | undefined;

  const problem = (line: number, message: string) => problems.push(`line ${line}: ${message}`);
  const finishObjective = () => {
    if (objective?.description.length)
      objective.objective.description = objective.description.join('\n');
    objective = undefined;
  };

  for (let index = 1; index < text.length; index++) {
    const number = index + 1;
    const { text: line, comments } = readWikiComments(text[index] as string);
    const content = line.trimEnd();
    const heading = HEADING.exec(content.trim());
    if (heading) {
      finishObjective();
      table = undefined;
      const level = (heading[1] as string).length;
      const title = decodeWikiText(heading[2] as string);
      // The comment that says what the heading is sits on the line below it.
      const marker = readWikiComments(text[index + 1] ?? '').comments[0];
      const kind =
        marker?.kind ??
        (level === 2 && title === OBJECTIVES_HEADING
          ? 'objectives'
          : section === 'objectives' && level > 2
            ? 'objective'
            : 'team');
      if (kind === 'objectives') {
        section = 'objectives';
        team = undefined;
      } else if (kind === 'objective') {
        section = 'objectives';
        const meta = marker?.data ?? {};
        const program = typeof meta.program === 'string' ? meta.program : undefined;
        const path = `objectives[${objectives.length}]`;
        const raw: Raw = {
          code: meta.code,
          cycle: meta.cycle ?? header.cycle?.toString().split(' ')[0],
          title:
            program && title.startsWith(`${program} - `) ? title.slice(program.length + 3) : title,
          key_results: [],
        };
        if (program) raw.program = program;
        if (meta.code === undefined)
          problem(number, `objective "${title}" has no okrbot:objective comment with its code`);
        objectives.push(raw);
        lines.set(path, number);
        objective = { objective: raw, path, description: [] };
      } else {
        section = 'team';
        const meta = marker?.kind === 'team' ? marker.data : {};
        while (teamStack.length && (teamStack.at(-1) as { level: number }).level >= level)
          teamStack.pop();
        const parent = teamStack.at(-1);
        const path = `teams[${teams.length}]`;
        const raw: Raw = { name: title, goals: [], reports: [] };
        if (typeof meta.slug === 'string') raw.slug = meta.slug;
        if (Array.isArray(meta.aliases)) raw.aliases = meta.aliases;
        if (parent) raw.parent = parent.team.slug ?? parent.team.name;
        teams.push(raw);
        lines.set(path, number);
        team = { team: raw, path };
        teamStack.push({ level, team: raw, path });
        mode = 'goals';
        group = undefined;
        groupGoals = [];
        goalStack = [];
      }
      continue;
    }
    if (content.trim() === '') {
      group = undefined;
      groupGoals = [];
      continue;
    }

    if (section === 'intro') continue;

    if (section === 'objectives') {
      if (!objective) {
        problem(number, 'text under "Objectives and key results" before any objective heading');
        continue;
      }
      const trimmed = content.trim();
      if (table) {
        if (trimmed === '|}') {
          readKeyResults(table, objective, lines, problem);
          table = undefined;
        } else if (trimmed.startsWith('!')) {
          table.headers = trimmed
            .slice(1)
            .split('!!')
            .map((h) => decodeWikiText(h.trim()).toLowerCase());
        } else if (trimmed.startsWith('|-')) {
          table.rows.push({ cells: [], meta: {}, line: number });
        } else if (trimmed.startsWith('|')) {
          const row = table.rows.at(-1);
          if (!row) {
            problem(number, 'table cell before the first row (|-)');
            continue;
          }
          row.cells.push(
            ...trimmed
              .slice(1)
              .split('||')
              .map((c) => decodeWikiText(c.trim())),
          );
          const kr = comments.find((c) => c.kind === 'kr');
          if (kr) row.meta = kr.data;
        } else {
          problem(number, `not a table line: ${trimmed.slice(0, 80)}`);
        }
        continue;
      }
      if (trimmed.startsWith('{|')) {
        table = { headers: [], rows: [] };
        continue;
      }
      const manager = /^Objective Manager:\s*(.*)$/i.exec(trimmed);
      if (manager) {
        objective.objective.manager = decodeWikiText(manager[1] as string);
        continue;
      }
      objective.description.push(decodeWikiText(trimmed));
      continue;
    }

    // A team's section.
    if (!team) continue;
    const trimmed = content.trim();
    const people = PEOPLE_LINE.exec(trimmed);
    if (people && mode === 'goals' && !trimmed.startsWith('*')) {
      team.team.managers = names(people[1] as string, true);
      continue;
    }
    const delegates = /^Delegates?:\s*(.*)$/i.exec(trimmed);
    if (delegates) {
      team.team.delegates = names(delegates[1] as string, true);
      continue;
    }
    if (trimmed === REPORTS_MARKER) {
      mode = 'reports';
      continue;
    }
    const bold = /^'''(.*)'''$/.exec(trimmed);
    if (bold && !trimmed.startsWith('*')) {
      mode = 'goals';
      group = decodeWikiText(bold[1] as string);
      groupGoals = [];
      continue;
    }
    const shared = /^Dependencies on:\s*(.*)$/i.exec(trimmed);
    if (shared) {
      const labels = names(shared[1] as string);
      if (groupGoals.length === 0) problem(number, '"Dependencies on" with no goals above it');
      for (const goal of groupGoals) goal.depends_on = labels;
      groupGoals = [];
      continue;
    }
    const bullet = BULLET.exec(trimmed);
    if (!bullet) {
      problem(
        number,
        `not understood (expected a goal, a heading or a manager line): ${trimmed.slice(0, 80)}`,
      );
      continue;
    }
    const depth = (bullet[1] as string).length;
    const body = bullet[2] as string;

    if (mode === 'reports') {
      const reports = team.team.reports as Raw[];
      if (depth === 1) {
        const report = readReport(body, comments, number, problem);
        if (report) {
          lines.set(`${team.path}.reports[${reports.length}]`, number);
          reports.push(report);
        }
      } else {
        const last = reports.at(-1);
        if (!last) problem(number, 'a note before any dated month');
        else (last.notes as string[]).push(decodeWikiText(body));
      }
      continue;
    }

    const deps = /^Dependencies on:\s*(.*)$/i.exec(body);
    if (deps) {
      const owner = goalStack[depth - 2];
      if (!owner) problem(number, '"Dependencies on" with no goal above it');
      else owner.goal.depends_on = names(deps[1] as string);
      continue;
    }
    const parent = depth > 1 ? goalStack[depth - 2] : undefined;
    if (depth > 1 && !parent) {
      problem(number, 'a sub-item with no goal above it');
      continue;
    }
    if (parent && !parent.goal.items) parent.goal.items = [];
    const siblings = (parent ? parent.goal.items : team.team.goals) as Raw[];
    const path = parent
      ? `${parent.path}.items[${siblings.length}]`
      : `${team.path}.goals[${siblings.length}]`;
    const goal = readGoal(body, comments, number, problem);
    if (!parent && group !== undefined) goal.group = group;
    siblings.push(goal);
    lines.set(path, number);
    if (!parent) groupGoals.push(goal);
    goalStack = [...goalStack.slice(0, depth - 1), { goal, path }];
  }
  finishObjective();
  if (table) problems.push('the last key-result table is not closed with |}');
  if (teams.length) file.teams = teams;
  if (objectives.length) file.objectives = objectives;
  return { file, lines, problems };
}

/** A comma-separated list; people lines may also join the last two names with "and". */
function names(list: string, and = false): string[] {
  return list
    .split(and ? /,\s*|\s+and\s+/ : /,\s*/)
    .map((name) => decodeWikiText(name).trim())
    .filter(Boolean);
}

function readStatus(
  name: string,
  line: number,
  problem: (line: number, message: string) => void,
): Status | undefined {
  const status = parseStatus(decodeWikiText(name));
  if (status) return status;
  const close = suggest(name, statusWords(), 1);
  problem(
    line,
    `unknown status template {{${name}}}${close.length ? ` (did you mean {{${close[0]}}}?)` : ''}`,
  );
  return undefined;
}

function readGoal(
  body: string,
  comments: { kind: string; data: Raw }[],
  line: number,
  problem: (line: number, message: string) => void,
): Raw {
  const goal: Raw = {};
  let rest = body;
  const template = /^\{\{([^{}]+)\}\}\s*/.exec(rest);
  if (template) {
    const status = readStatus(template[1] as string, line, problem);
    if (status) goal.status = status;
    rest = rest.slice(template[0].length);
  }
  if (rest.startsWith('[stretch] ')) {
    goal.stretch = true;
    rest = rest.slice('[stretch] '.length);
  }
  if (rest.startsWith('[multi-quarter] ')) {
    goal.multi_quarter = true;
    rest = rest.slice('[multi-quarter] '.length);
  }
  const separator = rest.indexOf(' — ');
  if (separator >= 0) {
    goal.note = decodeWikiText(rest.slice(separator + 3));
    rest = rest.slice(0, separator);
  }
  const tasks: string[] = [];
  rest = rest.replace(TASK_LINKS, (_, a?: string, b?: string, c?: string) => {
    tasks.push(((a ?? b ?? c) as string).toUpperCase());
    return '';
  });
  goal.title = decodeWikiText(rest.trim());
  if (tasks.length) goal.tasks = tasks;

  const meta = comments.find((c) => c.kind === 'goal')?.data ?? {};
  if (typeof meta.key === 'string') goal.key = meta.key;
  if (typeof meta.on === 'string') goal.status_on = meta.on;
  if (typeof meta.kr === 'string') goal.key_result = meta.kr;
  if (Array.isArray(meta.history)) goal.history = meta.history.map(datedEntry);
  return goal;
}

/** `[day, status, note?]` from a comment, as the quarter file writes a dated status. */
function datedEntry(entry: unknown): Raw {
  const [on, status, note] = Array.isArray(entry) ? entry : [];
  return note === undefined ? { on, status } : { on, status, note };
}

function readReport(
  body: string,
  comments: { kind: string; data: Raw }[],
  line: number,
  problem: (line: number, message: string) => void,
): Raw | undefined {
  const match = /^(.*?)(?:\s+-\s+\{\{([^{}]+)\}\})?$/.exec(body.trim()) as RegExpExecArray;
  const date = parseLongDate(decodeWikiText(match[1] as string));
  if (!date) {
    problem(line, `expected a date such as "July 23, 2019" or "August 2019", got "${match[1]}"`);
    return undefined;
  }
  const meta = comments.find((c) => c.kind === 'report')?.data ?? {};
  const report: Raw = {
    month: typeof meta.month === 'string' ? meta.month : date.slice(0, 7),
    notes: [],
  };
  if (date.length === 10) report.on = date;
  if (match[2]) {
    const status = readStatus(match[2], line, problem);
    if (status) report.status = status;
  }
  return report;
}

function readKeyResults(
  table: { headers: string[]; rows: { cells: string[]; meta: Raw; line: number }[] },
  objective: { objective: Raw; path: string },
  lines: Map<string, number>,
  problem: (line: number, message: string) => void,
): void {
  const column = (...names: string[]) => table.headers.findIndex((h) => names.includes(h));
  const at = {
    code: column('kr', 'code'),
    text: column('key result', 'text'),
    manager: column('key result manager', 'manager'),
    baseline: column('baseline'),
    target: column('target'),
    unit: column('unit'),
    due: column('due'),
  };
  const keyResults = objective.objective.key_results as Raw[];
  for (const row of table.rows) {
    const cell = (i: number) => (i >= 0 ? (row.cells[i] ?? '') : '');
    const kr: Raw = { code: cell(at.code), text: cell(at.text) };
    const optional = { manager: at.manager, unit: at.unit, due: at.due };
    for (const [field, i] of Object.entries(optional)) if (cell(i)) kr[field] = cell(i);
    for (const field of ['baseline', 'target'] as const) {
      const value = cell(at[field]);
      if (!value) continue;
      const parsed = Number(value);
      if (Number.isFinite(parsed)) kr[field] = parsed;
      else problem(row.line, `${field} "${value}" is not a number`);
    }
    const meta = row.meta;
    if (meta.direction === 'down') kr.direction = 'down';
    if (Array.isArray(meta.milestones))
      kr.milestones = meta.milestones.map((m: unknown) => {
        const [due, target, text] = Array.isArray(m) ? m : [];
        return {
          due,
          ...(target !== null && target !== undefined && { target }),
          ...(text !== null && text !== undefined && { text }),
        };
      });
    if (Array.isArray(meta.values))
      kr.values = meta.values.map((v: unknown) => {
        const [on, value, note] = Array.isArray(v) ? v : [];
        return note === undefined ? { on, value } : { on, value, note };
      });
    if (Array.isArray(meta.statuses)) kr.statuses = meta.statuses.map(datedEntry);
    lines.set(`${objective.path}.key_results[${keyResults.length}]`, row.line);
    keyResults.push(kr);
  }
}
