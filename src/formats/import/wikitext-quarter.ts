import { slugify } from '../../domain/text.ts';
import {
  KEY_RESULTS_TABLE,
  NOTE_HEADINGS,
  NOTES_HEADING,
  OBJECTIVES_HEADING,
  REPORTS_MARKER,
} from '../export/wikitext.ts';
import { decodeWikiText, readWikiComments } from '../export/wikitext-text.ts';
import { parseLongDate } from '../quarter/layout.ts';
import type { CycleNoteKind } from '../quarter/quarter-document.ts';
import {
  readDependencies,
  readGoalLine,
  readPeople,
  readReportLine,
  splitNames,
  templateStatus,
} from './wikitext-lines.ts';

// Reads a quarter page written by `okrbot export --format wikitext` and edited by people on the
// wiki back into the quarter-file structure, which then goes through the same validation and
// idempotent import as a YAML file. Lines people add that carry no data (comment lines, headings
// that are neither a team nor a goal heading) are kept as `extras`, each with the item it follows,
// so a page okrbot publishes again keeps them. Every other line is understood or reported with
// its number: nothing on the page is dropped silently.

type Raw = Record<string, unknown>;

/** A line okrbot keeps as people wrote it, after the item it follows (`anchor`). */
export interface ExtraLine {
  anchor: string;
  text: string;
}

export interface WikitextQuarter {
  /** The quarter file, not yet validated. */
  file: Raw;
  /** Line numbers of the items, by their path in the file (`teams[2].goals[0]`). */
  lines: Map<string, number>;
  /** What could not be read, each with its line. */
  problems: string[];
  /** Lines kept verbatim, in page order. */
  extras: ExtraLine[];
  /** The item each line of the page belongs to (index: line number - 1). */
  anchors: string[];
}

/** Does this text look like an okrbot wikitext page (rather than YAML)? */
export function looksLikeWikitext(source: string): boolean {
  return /^\s*(?:<!--(?:(?!-->)[\s\S])*-->\s*)*<!-- okrbot:quarter\b/.test(source);
}

const HEADING = /^(={2,6})\s*(.*?)\s*\1$/;
const BULLET = /^([*#]+)\s*(.*)$/;
const COMMENT_ONLY = /^\s*<!--(?:(?!-->)[\s\S])*-->\s*$/;
const NOTE_KINDS = new Map(
  (Object.entries(NOTE_HEADINGS) as [CycleNoteKind, string][]).map(([kind, label]) => [
    label.toLowerCase(),
    kind,
  ]),
);

/** Anchor names: where an extra line goes back when the page is written again. */
export const anchors = {
  top: 'top',
  intro: 'intro',
  team: (slug: string) => `team:${slug}`,
  goal: (slug: string, key: string) => `team:${slug}/goal:${key}`,
  reports: (slug: string) => `team:${slug}/reports`,
  report: (slug: string, month: string, on: string | undefined) =>
    `team:${slug}/report:${month}:${on ?? ''}`,
  objective: (code: string) => `objective:${code}`,
};

/** The key an import derives for a goal line without okrbot's comment (import-goals `goalKey`). */
function derivedKey(goal: Raw): string {
  const tasks = goal.tasks as string[] | undefined;
  return (
    (goal.key as string | undefined) ?? tasks?.[0] ?? slugify(String(goal.title)).slice(0, 200)
  );
}

export function readWikitextQuarter(source: string): WikitextQuarter {
  const problems: string[] = [];
  const lines = new Map<string, number>();
  const extras: ExtraLine[] = [];
  const text = source.replace(/\r\n?/g, '\n').split('\n');
  const lineAnchors: string[] = [];
  const file: Raw = {};
  const teams: Raw[] = [];
  const objectives: Raw[] = [];
  const notes: Raw[] = [];

  const headerAt = text.findIndex((line) =>
    readWikiComments(line).comments.some((c) => c.kind === 'quarter'),
  );
  if (headerAt < 0) {
    problems.push(
      'line 1: not an okrbot quarter page: it must have the <!-- okrbot:quarter ... --> line that `okrbot export --format wikitext` writes',
    );
    return { file, lines, problems, extras, anchors: lineAnchors };
  }
  const header = (
    readWikiComments(text[headerAt] as string).comments.find((c) => c.kind === 'quarter') as {
      data: Raw;
    }
  ).data;
  Object.assign(file, {
    department: header.name,
    department_slug: header.department,
    timezone: header.timezone,
    cycle: header.cycle,
  });

  // Where we are on the page.
  let section: 'intro' | 'team' | 'objectives' | 'notes' = 'intro';
  const teamStack: { level: number; team: Raw; path: string; slug: string }[] = [];
  let team: { team: Raw; path: string; slug: string; level: number } | undefined;
  let mode: 'goals' | 'reports' = 'goals';
  let group: string | undefined;
  let groupGoals: Raw[] = [];
  let goalStack: { goal: Raw; path: string; key: string }[] = [];
  let objective: { objective: Raw; path: string; description: string[] } | undefined;
  let noteKind: CycleNoteKind | undefined;
  let table:
    | {
        keyResults: boolean;
        caption: string | null;
        headers: string[];
        rows: { cells: string[]; meta: Raw; line: number }[];
      }
    | undefined;
  let anchor = anchors.top;
  let inComment = false;

  const problem = (line: number, message: string) => problems.push(`line ${line}: ${message}`);
  const keep = (line: string) => extras.push({ anchor, text: line });
  const finishObjective = () => {
    if (objective?.description.length)
      objective.objective.description = objective.description.join('\n');
    objective = undefined;
  };
  const notesOf = (): Raw[] => {
    if (section === 'objectives' && objective) {
      objective.objective.notes ??= [];
      return objective.objective.notes as Raw[];
    }
    return notes;
  };

  for (let index = 0; index < text.length; index++) {
    const number = index + 1;
    const raw = text[index] as string;
    lineAnchors[index] = anchor;
    if (index <= headerAt) {
      if (index < headerAt) keep(raw);
      // What people write between the header and the first heading stays there.
      else anchor = anchors.intro;
      continue;
    }
    // People's comments: whole lines (and comments over several lines) are kept as written.
    if (inComment) {
      keep(raw);
      if (raw.includes('-->')) inComment = false;
      continue;
    }
    if (/^\s*<!--(?! okrbot:)/.test(raw) && !raw.includes('-->')) {
      keep(raw);
      inComment = true;
      continue;
    }
    if (COMMENT_ONLY.test(raw) && !/<!-- okrbot:/.test(raw)) {
      keep(raw);
      continue;
    }
    const { text: withoutOurs, comments } = readWikiComments(raw);
    // Inline comments of people's own at the end of a line are not part of what it says.
    const content = withoutOurs.replace(/\s*<!--(?:(?!-->).)*-->/g, '').trimEnd();
    const trimmed = content.trim();
    const heading = HEADING.exec(trimmed);
    if (heading) {
      finishObjective();
      table = undefined;
      noteKind = undefined;
      const level = (heading[1] as string).length;
      const title = decodeWikiText(heading[2] as string);
      // The comment that says what the heading is sits on the line below it.
      const marker = readWikiComments(text[index + 1] ?? '').comments[0];
      const kind =
        marker?.kind ??
        (level === 2 && title === OBJECTIVES_HEADING
          ? 'objectives'
          : level === 2 && title === NOTES_HEADING
            ? 'notes'
            : section === 'objectives' && level > 2
              ? 'objective'
              : isTeamSection(text, index, level, team !== undefined && team.level < level)
                ? 'team'
                : 'other');
      if (kind === 'objectives') {
        section = 'objectives';
        team = undefined;
        anchor = 'objectives';
      } else if (kind === 'notes') {
        section = 'notes';
        team = undefined;
        anchor = 'notes';
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
        if (meta.kind === 'outcome') raw.kind = 'outcome';
        if (meta.code === undefined)
          problem(number, `objective "${title}" has no okrbot:objective comment with its code`);
        objectives.push(raw);
        lines.set(path, number);
        objective = { objective: raw, path, description: [] };
        anchor = anchors.objective(String(meta.code));
      } else if (kind === 'team') {
        section = 'team';
        const meta = marker?.kind === 'team' ? marker.data : {};
        while (teamStack.length && (teamStack.at(-1) as { level: number }).level >= level)
          teamStack.pop();
        const parent = teamStack.at(-1);
        const path = `teams[${teams.length}]`;
        const raw: Raw = { name: title, goals: [], reports: [] };
        if (typeof meta.slug === 'string') raw.slug = meta.slug;
        if (Array.isArray(meta.aliases)) raw.aliases = meta.aliases;
        if (parent) raw.parent = parent.slug;
        teams.push(raw);
        lines.set(path, number);
        const slug = slugify(typeof meta.slug === 'string' ? meta.slug : title);
        team = { team: raw, path, slug, level };
        teamStack.push({ level, team: raw, path, slug });
        mode = 'goals';
        group = undefined;
        groupGoals = [];
        goalStack = [];
        anchor = anchors.team(slug);
      } else {
        // A heading that is neither a team nor a goal heading: kept where it is, and the lines
        // below it still belong to the team above.
        keep(raw);
      }
      lineAnchors[index] = anchor;
      continue;
    }
    if (trimmed === '') {
      group = undefined;
      groupGoals = [];
      continue;
    }

    if (section === 'intro') continue;

    if (section === 'notes' || (section === 'objectives' && !table && noteHeading(trimmed))) {
      const kind = noteHeading(trimmed);
      if (kind) {
        noteKind = kind;
        continue;
      }
      const bullet = BULLET.exec(trimmed);
      if (bullet && noteKind) {
        const meta = comments.find((c) => c.kind === 'note')?.data ?? {};
        notesOf().push({
          kind: noteKind,
          text: decodeWikiText(bullet[2] as string),
          ...(typeof meta.on === 'string' && { on: meta.on }),
        });
        continue;
      }
      if (section === 'notes') {
        problem(
          number,
          `not understood (expected a bold heading such as '''Supporting wins''' or a note): ${trimmed.slice(0, 80)}`,
        );
        continue;
      }
    }

    if (section === 'objectives') {
      if (!objective) {
        problem(number, 'text under "Objectives and key results" before any objective heading');
        continue;
      }
      if (noteKind && BULLET.test(trimmed)) {
        const bullet = BULLET.exec(trimmed) as RegExpExecArray;
        const meta = comments.find((c) => c.kind === 'note')?.data ?? {};
        notesOf().push({
          kind: noteKind,
          text: decodeWikiText(bullet[2] as string),
          ...(typeof meta.on === 'string' && { on: meta.on }),
        });
        continue;
      }
      if (table) {
        if (trimmed === '|}') {
          if (table.keyResults) readKeyResults(table, objective, lines, problem);
          else readTable(table, objective);
          table = undefined;
        } else if (trimmed.startsWith('|+')) {
          table.caption = decodeWikiText(trimmed.slice(2).trim());
        } else if (trimmed.startsWith('!')) {
          table.headers = trimmed
            .slice(1)
            .split('!!')
            .map((h) => decodeWikiText(h.trim()));
          if (table.headers[0]?.toLowerCase() === 'kr') table.keyResults = true;
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
        table = {
          keyResults: trimmed === KEY_RESULTS_TABLE,
          caption: null,
          headers: [],
          rows: [],
        };
        continue;
      }
      const manager = /^Objective Manager:\s*(.*)$/i.exec(trimmed);
      if (manager) {
        objective.objective.manager = decodeWikiText(manager[1] as string);
        continue;
      }
      const deliverables = /^Key deliverables:\s*(.*)$/i.exec(trimmed);
      if (deliverables) {
        objective.objective.deliverables = splitNames(deliverables[1] as string);
        continue;
      }
      const fte = /^Full-time equivalents: budget ([\d.]+|\?), actual ([\d.]+|\?)$/i.exec(trimmed);
      if (fte) {
        if (fte[1] !== '?') objective.objective.budget_fte = Number(fte[1]);
        if (fte[2] !== '?') objective.objective.actual_fte = Number(fte[2]);
        continue;
      }
      const target = /^Target quarter for completion:\s*(.*)$/i.exec(trimmed);
      if (target) {
        objective.objective.target_cycle = decodeWikiText(target[1] as string);
        continue;
      }
      objective.description.push(decodeWikiText(trimmed));
      continue;
    }

    // A team's section.
    if (!team) continue;
    const people = readPeople(trimmed);
    if (people && mode === 'goals' && !trimmed.startsWith('*')) {
      team.team.managers = people;
      continue;
    }
    const delegates = /^Delegates?:\s*(.*)$/i.exec(trimmed);
    if (delegates) {
      team.team.delegates = splitNames(delegates[1] as string, true);
      continue;
    }
    if (trimmed === REPORTS_MARKER) {
      mode = 'reports';
      anchor = anchors.reports(team.slug);
      lineAnchors[index] = anchor;
      continue;
    }
    const shared = !trimmed.startsWith('*') ? readDependencies(trimmed) : undefined;
    if (shared) {
      // A line after the group's goals, or (people write it so) after a single goal.
      const owners = groupGoals.length ? groupGoals : goalStack.slice(0, 1).map((g) => g.goal);
      if (owners.length === 0) problem(number, '"Dependencies on" with no goals above it');
      for (const goal of owners) goal.depends_on = shared;
      groupGoals = [];
      continue;
    }
    const bold = /^'''(.*)'''$/.exec(trimmed);
    const bullet = BULLET.exec(trimmed);
    const startsWithMarker = !bullet && !bold && startsWithStatus(trimmed);
    if (!bullet && !startsWithMarker) {
      if (mode === 'reports' && /^[A-Z][a-z]+ (?:\d{1,2}, )?\d{4}\b/.test(trimmed)) {
        // A dated report written without its bullet.
      } else if (!bold && !goalFollows(text, index)) {
        problem(
          number,
          `not understood (expected a goal, a heading or a manager line): ${trimmed.slice(0, 80)}`,
        );
        continue;
      } else {
        // A heading line of goals, bold as okrbot writes it or plain as the pages often are.
        mode = 'goals';
        group = decodeWikiText(bold ? (bold[1] as string) : trimmed);
        groupGoals = [];
        anchor = anchors.team(team.slug);
        lineAnchors[index] = anchor;
        continue;
      }
    }
    const depth = bullet ? (bullet[1] as string).length : 1;
    const body = bullet ? (bullet[2] as string) : trimmed;

    if (mode === 'reports') {
      const reports = team.team.reports as Raw[];
      const line = depth === 1 ? readReportLine(body, parseLongDate) : undefined;
      if (line) {
        const meta = comments.find((c) => c.kind === 'report')?.data ?? {};
        const report: Raw = {
          month: typeof meta.month === 'string' ? meta.month : line.date.slice(0, 7),
          notes: line.note ? [line.note] : [],
        };
        if (line.date.length === 10) report.on = line.date;
        if (line.status) report.status = line.status;
        lines.set(`${team.path}.reports[${reports.length}]`, number);
        reports.push(report);
        anchor = anchors.report(team.slug, String(report.month), report.on as string | undefined);
        lineAnchors[index] = anchor;
      } else if (depth === 1) {
        problem(
          number,
          `expected a date such as "July 23, 2019" or "August 2019", got "${body.slice(0, 40)}"`,
        );
      } else {
        const last = reports.at(-1);
        const text = decodeWikiText(body);
        if (!last) problem(number, 'a note before any dated month');
        else (last.notes as unknown[]).push(depth === 2 ? text : { text, level: depth - 2 });
      }
      continue;
    }

    const deps = readDependencies(body);
    if (deps && depth === 1) {
      // "* Dependencies on:" at the goals' own level: theirs, as the line without a bullet is.
      const owners = groupGoals.length ? groupGoals : goalStack.slice(0, 1).map((g) => g.goal);
      if (owners.length === 0) problem(number, '"Dependencies on" with no goals above it');
      for (const goal of owners) goal.depends_on = deps;
      groupGoals = [];
      continue;
    }
    if (deps) {
      const owner = goalStack[depth - 2];
      if (!owner) problem(number, '"Dependencies on" with no goal above it');
      else owner.goal.depends_on = deps;
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
    const own = derivedKey(goal);
    const key = parent ? `${parent.key}/${own}` : own;
    goalStack = [...goalStack.slice(0, depth - 1), { goal, path, key }];
    anchor = anchors.goal(team.slug, key);
    lineAnchors[index] = anchor;
  }
  finishObjective();
  if (table) problems.push('the last table is not closed with |}');
  datesFromNotes(teams);
  if (teams.length) file.teams = teams;
  if (objectives.length) file.objectives = objectives;
  if (notes.length) file.notes = notes;
  return { file, lines, problems, extras, anchors: lineAnchors };
}

/** Whether goal lines follow a plain line (people's pages head their goals with plain lines). */
function goalFollows(text: readonly string[], at: number): boolean {
  for (let i = at + 1; i < text.length; i++) {
    const line = (text[i] as string).trim();
    if (COMMENT_ONLY.test(line)) continue;
    return BULLET.test(line) || startsWithStatus(line);
  }
  return false;
}

function noteHeading(line: string): CycleNoteKind | undefined {
  const bold = /^'''(.*)'''$/.exec(line);
  return bold ? NOTE_KINDS.get(decodeWikiText(bold[1] as string).toLowerCase()) : undefined;
}

function startsWithStatus(line: string): boolean {
  const template = /^\{\{\s*([^{}|]+?)\s*\}\}/.exec(line);
  if (template) return templateStatus(template[1] as string) !== undefined;
  return /^(?:Yes Done|Incomplete Partially done|In progress In progress|To do To do|N (?:Not done|Postponed|Stalled|Blocked|Cancelled))\b/i.test(
    line,
  );
}

/**
 * Whether a heading without okrbot's comment starts a team: its section (up to the next
 * heading of the same or a higher level) names a team manager or directors; or, for a heading
 * that is not under a team, holds goals. Other headings are neither teams nor goal headings.
 */
function isTeamSection(
  text: readonly string[],
  at: number,
  level: number,
  underTeam: boolean,
): boolean {
  let goals = false;
  for (let i = at + 1; i < text.length; i++) {
    const line = (text[i] as string).trim();
    const heading = HEADING.exec(line);
    if (heading && (heading[1] as string).length <= level) break;
    if (heading) continue;
    if (readPeople(line)) return true;
    if (BULLET.test(line) || startsWithStatus(line)) goals = true;
  }
  return goals && !underTeam;
}

function readGoal(
  body: string,
  comments: { kind: string; data: Raw }[],
  line: number,
  problem: (line: number, message: string) => void,
): Raw {
  const read = readGoalLine(body);
  const goal: Raw = { title: read.title };
  if (read.status) goal.status = read.status;
  else if (read.unknownTemplate)
    problem(
      line,
      `unknown status template {{${read.unknownTemplate.name}}} (did you mean {{${read.unknownTemplate.close[0]}}}?)`,
    );
  if (read.stretch) goal.stretch = true;
  if (read.multiQuarter) goal.multi_quarter = true;
  if (read.note !== undefined && read.note !== '') goal.note = read.note;
  if (read.tasks.length) goal.tasks = [...new Set(read.tasks)];
  const meta = comments.find((c) => c.kind === 'goal')?.data;
  if (!meta) return goal;
  if (typeof meta.key === 'string') goal.key = meta.key;
  if (typeof meta.on === 'string') goal.status_on = meta.on;
  if (typeof meta.kr === 'string') goal.key_result = meta.kr;
  if (Array.isArray(meta.history)) goal.history = meta.history.map(datedEntry);
  // okrbot's own line: its status day is the quarter's first when the comment gives none.
  goal.written_by_okrbot = true;
  return goal;
}

/**
 * Goals people wrote (without okrbot's comment) take the day of their status from the page's
 * own dated notes: the first report whose notes name the goal, else the team's latest report.
 * Without any dated note the importer's default applies.
 */
function datesFromNotes(teams: readonly Raw[]): void {
  for (const team of teams) {
    const reports = (team.reports as Raw[]).map((report) => ({
      on: (report.on as string | undefined) ?? `${report.month}-01`,
      text: (report.notes as (string | { text: string })[])
        .map((note) => (typeof note === 'string' ? note : note.text))
        .join('\n')
        .toLowerCase(),
    }));
    const latest = reports
      .map((r) => r.on)
      .sort()
      .at(-1);
    const visit = (goals: Raw[] | undefined) => {
      for (const goal of goals ?? []) {
        const ours = goal.written_by_okrbot === true;
        delete goal.written_by_okrbot;
        if (!ours && goal.status && goal.status_on === undefined) {
          const words = String(goal.title).toLowerCase().split(/\s+/).slice(0, 5).join(' ');
          const named =
            words.length >= 12 ? reports.find((r) => r.text.includes(words)) : undefined;
          const on = named?.on ?? latest;
          if (on) goal.status_on = on;
        }
        visit(goal.items as Raw[] | undefined);
      }
    };
    visit(team.goals as Raw[]);
  }
}

/** `[day, status, note?]` from a comment, as the quarter file writes a dated status. */
function datedEntry(entry: unknown): Raw {
  const [on, status, note] = Array.isArray(entry) ? entry : [];
  return note === undefined ? { on, status } : { on, status, note };
}

function readTable(
  table: { caption: string | null; headers: string[]; rows: { cells: string[] }[] },
  objective: { objective: Raw },
): void {
  objective.objective.tables ??= [];
  (objective.objective.tables as Raw[]).push({
    ...(table.caption !== null && { caption: table.caption }),
    columns: table.headers,
    rows: table.rows.map((row) => row.cells),
  });
}

function readKeyResults(
  table: { headers: string[]; rows: { cells: string[]; meta: Raw; line: number }[] },
  objective: { objective: Raw; path: string },
  lines: Map<string, number>,
  problem: (line: number, message: string) => void,
): void {
  const headers = table.headers.map((h) => h.toLowerCase());
  const column = (...names: string[]) => headers.findIndex((h) => names.includes(h));
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
    const meta = row.meta;
    for (const field of ['baseline', 'target'] as const) {
      const words = meta[`${field}_text`];
      if (typeof words === 'string') kr[`${field}_text`] = words;
      const value = cell(at[field]);
      if (!value) continue;
      const parsed = Number(value);
      // A cell that shows the words (there is no number) is not read as a number.
      if (typeof words === 'string' && value === words) continue;
      if (Number.isFinite(parsed)) kr[field] = parsed;
      else if (typeof words !== 'string') kr[`${field}_text`] = value;
    }
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
    if (Array.isArray(meta.quarters))
      kr.quarters = Object.fromEntries(
        meta.quarters.map((q: unknown) => {
          const [quarter, text] = Array.isArray(q) ? q : [];
          return [`Q${quarter}`, text];
        }),
      );
    if (!kr.code) problem(row.line, 'a key result row without its code (KR1, KR2 ...)');
    lines.set(`${objective.path}.key_results[${keyResults.length}]`, row.line);
    keyResults.push(kr);
  }
}
