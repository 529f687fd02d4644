import { parseStatus, STATUS_LABELS, type Status } from '../../domain/status.ts';
import { suggest } from '../../domain/text.ts';
import { decodeWikiText } from '../export/wikitext-text.ts';

// The pieces of a goals-page line as people write them, not only as okrbot writes them: status
// templates before or after the title (`{{Done}}`, `{{Yes}}`), the markers those templates render
// typed as text ("Yes Done", "N Postponed", "In progress In progress"), task links in every form
// the pages use, "Dependencies on:" and people lines in their bold and worded variants.

/** Templates the foundation's wiki uses for a status besides the nine status names. */
const TEMPLATE_STATUSES: Readonly<Record<string, Status>> = {
  yes: 'done',
  tick: 'done',
  check: 'done',
  no: 'not_done',
  n: 'not_done',
  incomplete: 'partially_done',
  partial: 'partially_done',
};

/** A status template's name read as a status; undefined when it is no status template. */
export function templateStatus(name: string): Status | undefined {
  const key = decodeWikiText(name).trim().toLowerCase();
  return TEMPLATE_STATUSES[key] ?? parseStatus(key);
}

/** The template names people most likely meant by an unknown one (status names only). */
export function closeTemplates(name: string): string[] {
  return suggest(name, Object.values(STATUS_LABELS), 1);
}

// "Yes Done", "N Postponed", "Incomplete Partially done", "In progress In progress": the icon's
// alternative text and the label, as the rendered templates read when copied as text.
const TEXT_MARKERS: readonly (readonly [RegExp, Status])[] = (
  [
    ['(?:Yes )?Done', 'done'],
    ['Yes', 'done'],
    ['(?:Incomplete )?Partially done', 'partially_done'],
    ['In progress(?: In progress)?', 'in_progress'],
    ['To do(?: To do)?', 'to_do'],
    ['N Not done|Not done', 'not_done'],
    ['N Postponed|Postponed', 'postponed'],
    ['N Stalled|Stalled', 'stalled'],
    ['N Blocked|Blocked', 'blocked'],
    ['N Cancelled|Cancelled', 'cancelled'],
  ] as const
).map(([pattern, status]) => [new RegExp(`^(?:${pattern})$`, 'i'), status] as const);

// Doubled markers only in the middle of a line: a single "Done" in a title is a word.
const DOUBLED =
  /(?:^|\s)(Yes Done|Incomplete Partially done|In progress In progress|To do To do|N Not done|N Postponed|N Stalled|N Blocked|N Cancelled)(?=$|[\s.,;:])/i;
const LEADING_MARKER =
  /^(Yes Done|Incomplete Partially done|In progress In progress|To do To do|N Not done|N Postponed|N Stalled|N Blocked|N Cancelled)(?=$|[\s.,;:-])/i;

function textMarker(text: string): Status | undefined {
  for (const [pattern, status] of TEXT_MARKERS) if (pattern.test(text.trim())) return status;
  return undefined;
}

const TEMPLATE = /\{\{\s*([^{}|]+?)\s*(?:\|([^{}]*))?\}\}/g;
const TASK_TEMPLATES = new Set(['phab', 'phabricator', 'task']);
const TASK_PATTERNS: readonly RegExp[] = [
  /\[\S+ task (T\d{1,9})\]/gi,
  /\[\[phab:(T\d{1,9})(?:\|[^\]]*)?\]\]/gi,
  /\[https?:\/\/phabricator\.\S+?\/(T\d{1,9})(?:\s[^\]]*)?\]/gi,
  /\b(?:task|phab:)\s?(T\d{3,9})\b/gi,
];
// A bare id at the end of a title ("... (Multi-DC prep).T113916"): the character before it stays.
const BARE_TASK = /(^|[\s.,;:)])(T\d{4,9})\s*$/;

export interface GoalLine {
  status?: Status;
  /** A template that names no status, with the closest status template when one is close. */
  unknownTemplate?: { name: string; close: string[] };
  title: string;
  tasks: string[];
  note?: string;
  stretch?: true;
  multiQuarter?: true;
}

/**
 * A goal line without its bullets and okrbot's comments: `{{Done}} [stretch] Title [task link] —
 * note` as okrbot writes it, or as people do ("Title task T208612 {{Done}} will continue",
 * "Yes Done - [Ongoing] Title", "(Stretch): Title To do To do").
 */
export function readGoalLine(body: string): GoalLine {
  const line: GoalLine = { title: '', tasks: [] };
  let rest = body;

  // okrbot's note separator first: a note may itself contain a marker or a task id.
  const separator = rest.indexOf(' — ');
  if (separator >= 0) {
    line.note = decodeWikiText(rest.slice(separator + 3)).trim();
    rest = rest.slice(0, separator);
  }

  // Task links in all their forms; `{{phabricator|T1}}` is one of them.
  rest = rest.replace(TEMPLATE, (whole, name: string, argument: string | undefined) => {
    if (
      TASK_TEMPLATES.has(name.trim().toLowerCase()) &&
      argument &&
      /^T\d{1,9}$/i.test(argument.trim())
    ) {
      line.tasks.push(argument.trim().toUpperCase());
      return ' ';
    }
    return whole;
  });
  for (const pattern of TASK_PATTERNS)
    rest = rest.replace(pattern, (_, id: string) => {
      line.tasks.push(id.toUpperCase());
      return ' ';
    });

  // A status template anywhere: what precedes it is the title, what follows a note.
  const template = [...rest.matchAll(TEMPLATE)].find((match) => {
    const status = templateStatus(match[1] as string);
    if (status) return true;
    const close = closeTemplates(match[1] as string);
    if (close.length && !line.unknownTemplate)
      line.unknownTemplate = { name: match[1] as string, close };
    return false;
  });
  if (template) {
    line.status = templateStatus(template[1] as string) as Status;
    delete line.unknownTemplate;
    const before = rest.slice(0, template.index);
    const after = rest.slice((template.index ?? 0) + template[0].length);
    ({ rest } = splitAround(before, after, line));
  } else {
    const leading = LEADING_MARKER.exec(rest.trim());
    const doubled = leading ? undefined : DOUBLED.exec(rest);
    if (leading) {
      line.status = textMarker(leading[1] as string);
      rest = rest.trim().slice((leading[1] as string).length);
    } else if (doubled) {
      line.status = textMarker(doubled[1] as string);
      const at = (doubled.index ?? 0) + doubled[0].indexOf(doubled[1] as string);
      ({ rest } = splitAround(
        rest.slice(0, at),
        rest.slice(at + (doubled[1] as string).length),
        line,
      ));
    }
  }

  const bare = BARE_TASK.exec(rest);
  if (bare) {
    line.tasks.push((bare[2] as string).toUpperCase());
    rest = rest.slice(0, bare.index + (bare[1] as string).length);
  }

  // "[stretch]" as okrbot writes it, "(Stretch):" and "[stretch]" as the pages do.
  rest = rest.replace(/^\s*[-–:]?\s*(?:\[stretch\]|\(stretch\):?)\s*/i, () => {
    line.stretch = true;
    return '';
  });
  rest = rest.replace(/^\s*\[multi-quarter\]\s*/i, () => {
    line.multiQuarter = true;
    return '';
  });
  rest = rest.replace(/\s*\((?:continues, )?multi-quarter project\)\s*/i, () => {
    line.multiQuarter = true;
    return ' ';
  });
  line.title = decodeWikiText(
    rest
      .replace(/^\s*[-–:]\s*/, '')
      .replace(/\s*(?:[-–:]|\bis(?: now)?)?\s*$/, '')
      .replace(/\s{2,}/g, ' ')
      .trim(),
  );
  return line;
}

/** A marker in the middle of a line: the title before it, and a note after it when there is one. */
function splitAround(before: string, after: string, line: GoalLine): { rest: string } {
  const note = after.replace(/^\s*[-–:.]?\s*/, '').trim();
  if (before.trim() === '') return { rest: note };
  if (note && line.note === undefined) line.note = decodeWikiText(note);
  return { rest: before };
}

/** `Dependencies on: A, B` (also bold, "for core work is on:", and "none"); undefined otherwise. */
export function readDependencies(text: string): string[] | undefined {
  const match =
    /^(?:'''\s*)?Dependencies(?: for [^:']*?)?(?: is)?(?: on)?\s*:\s*(?:'''\s*)?(.*)$/i.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const list = (match[1] as string).replace(/'''/g, '').trim().replace(/\.$/, '');
  if (/^(?:none|n\/a|-)?$/i.test(list)) return [];
  return splitNames(list);
}

/** `Team Manager: X`, `Team Managers: X, Y`, `Directors: X and Y` (bold or not); undefined otherwise. */
export function readPeople(text: string): string[] | undefined {
  const match = /^(?:'''\s*)?(?:Team\s+)?(?:Managers?|Directors?)\s*:\s*(?:'''\s*)?(.*)$/i.exec(
    text.trim(),
  );
  return match ? splitNames((match[1] as string).replace(/'''/g, ''), true) : undefined;
}

/** A comma-separated list; people lines may also join the last two names with "and". */
export function splitNames(list: string, and = false): string[] {
  return list
    .split(and ? /,\s*|\s+and\s+/ : /,\s*/)
    .map((name) => decodeWikiText(name).trim())
    .filter(Boolean);
}

/** `July 23, 2019 - {{In progress}} notes...`: a dated report line and what follows its date. */
export function readReportLine(
  body: string,
  parseDate: (text: string) => string | undefined,
): { date: string; status?: Status; note?: string } | undefined {
  const match = /^([A-Z][a-z]+(?: \d{1,2},)? \d{4})\b\s*(?:[-–:]\s*)?(.*)$/.exec(body.trim());
  if (!match) return undefined;
  const date = parseDate(match[1] as string);
  if (!date) return undefined;
  let rest = (match[2] as string).trim();
  let status: Status | undefined;
  const template = /^\{\{\s*([^{}|]+?)\s*\}\}/.exec(rest);
  if (template && templateStatus(template[1] as string)) {
    status = templateStatus(template[1] as string);
    rest = rest.slice(template[0].length);
  } else {
    const leading =
      /^(Yes Done|Incomplete Partially done|In progress In progress|To do To do|N \w+(?: done)?|In progress|To do|Done)(?=$|[\s.,;:])/i.exec(
        rest,
      );
    if (leading && textMarker(leading[1] as string)) {
      status = textMarker(leading[1] as string);
      rest = rest.slice((leading[1] as string).length);
    }
  }
  const note = decodeWikiText(rest.replace(/^\s*[-–:.]?\s*/, '').trim());
  return { date, ...(status && { status }), ...(note && { note }) };
}
