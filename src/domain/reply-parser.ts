import { type Status, statusPhrases } from './status.ts';
import { cleanText } from './text.ts';

// Reads the lines a manager writes back to a monthly prompt, one item per line:
//
//   2 done                                   goal number 2 of the prompt's list
//   T223626 postponed: licensing             a task id, a status, a note after ":" "," "-" or a space
//   G12 is in progress                       a goal id; filler words ("is", "now", "->") are skipped
//   KR2 68%   /   TCB-KR2 2067 maintainers   a key-result value (a number, optionally with %)
//   KR2 blocked waiting on data              a key-result status
//   mediarequests API in progress, waiting on hardware   a goal named by words from its title
//   all on track   /   everything done       every goal of the prompt
//   note: waiting on hardware                a note for this month's report
//
// Status words are the page markers and their synonyms, with one typo forgiven in longer words.
// Nothing is guessed silently: a line that fits none of these comes back as `unknown` with the
// reason. The parser never throws, and its work is linear in the length of the line (lines are
// capped, and each position is compared with a fixed set of status phrases).

export type ReplyTarget =
  | { kind: 'number'; number: number }
  | { kind: 'task'; taskId: string }
  | { kind: 'goal'; goalId: number }
  | { kind: 'key-result'; objectiveCode: string | undefined; code: string }
  | { kind: 'title'; words: string };

export type ReplyItem =
  | { kind: 'status'; target: ReplyTarget; status: Status; note: string | undefined }
  | {
      kind: 'metric';
      target: Extract<ReplyTarget, { kind: 'key-result' }>;
      value: number;
      percent: boolean;
      note: string | undefined;
    }
  | { kind: 'all'; status: Status; note: string | undefined }
  | { kind: 'note'; text: string }
  | { kind: 'unknown'; text: string; reason: string };

export interface ParsedLine {
  line: string;
  item: ReplyItem;
}

/** Longest line read; longer lines are refused rather than scanned. */
export const MAX_REPLY_LINE = 2000;
/** Most lines read from one reply. */
export const MAX_REPLY_LINES = 100;

/** Every non-blank line of a reply, in order, each with what it means. */
export function parseReply(text: string): ParsedLine[] {
  const lines = text.split(/\r?\n|\r/).filter((line) => line.trim() !== '');
  const parsed = lines
    .slice(0, MAX_REPLY_LINES)
    .map((line) => ({ line, item: parseReplyLine(line) }));
  if (lines.length > MAX_REPLY_LINES) {
    parsed.push({
      line: `(${lines.length - MAX_REPLY_LINES} more lines)`,
      item: {
        kind: 'unknown',
        text: '',
        reason: `only the first ${MAX_REPLY_LINES} lines of a reply are read; send the rest separately`,
      },
    });
  }
  return parsed;
}

export function parseReplyLine(raw: string): ReplyItem {
  try {
    return parseLine(raw);
  } catch (error) {
    // A parser bug must not lose the line: it comes back as not understood.
    return {
      kind: 'unknown',
      text: raw.slice(0, 200),
      reason: `could not read this line (${(error as Error).message})`,
    };
  }
}

// Characters that change nothing a reader sees: soft hyphens, zero-width spaces and joiners.
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
// List bullets a reply may start with; numbers are not bullets here, they name the prompt's goals.
const BULLET = /^(?:[-*•·–—>]+|\([a-z]\))\s*/i;
const NOTE_PREFIX = /^notes?\s*(?::|-|–|—)\s*/i;
const ALL_PREFIX =
  /^(?:all(?:\s+\d+)?(?:\s+(?:goals?|items?|of\s+them|points))?|everything|every\s+goal)\b(?:\s+(?:is|are|now|still))*\s*/i;
const EXCEPT = /\b(?:except|but|apart from|other than)\b/i;
// A dash is filler only when a space follows it, so "-5%" keeps its sign.
const FILLER =
  /^(?:(?:is|are|was|were|now|still|has\s+been|have\s+been|been|marked(?:\s+as)?|set\s+to|status|->|→|=|:|[-–—](?=\s)|,)\s*)+/i;
const SEPARATOR = /^\s*[:,;.!?\-–—]*\s*/;
// "2,067" groups thousands; "12,5" has a decimal comma.
const NUMBER =
  /^([-+−]?\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|[-+−]?\d+(?:[.,]\d+)?(?:e[-+]?\d+)?)(?![\p{L}\d.])\s*(%|\s*percent\b)?/iu;

function parseLine(raw: string): ReplyItem {
  if (raw.length > MAX_REPLY_LINE) {
    return {
      kind: 'unknown',
      text: raw.slice(0, 80),
      reason: `the line is ${raw.length} characters long; the limit is ${MAX_REPLY_LINE}`,
    };
  }
  // Matching text: NFKC (full-width digits), no invisible characters, straight apostrophes.
  const text = cleanText(raw)
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/[‘’]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  const line = text.replace(BULLET, '').trim();
  if (!line) return { kind: 'unknown', text, reason: 'nothing to read' };

  const note = NOTE_PREFIX.exec(line);
  if (note) {
    const body = line.slice(note[0].length).trim();
    return body
      ? { kind: 'note', text: body }
      : { kind: 'unknown', text, reason: 'the note is empty' };
  }

  const ref = readRef(line);
  if (ref) return parseAfterRef(ref.target, line.slice(ref.length), text);

  const all = ALL_PREFIX.exec(line);
  if (all) {
    const found = statusAtStart(line.slice(all[0].length).replace(FILLER, ''));
    if (found && EXCEPT.test(found.rest)) {
      return {
        kind: 'unknown',
        text,
        reason: 'give the exceptions their own lines, e.g. "all on track" then "3 blocked"',
      };
    }
    if (found) return { kind: 'all', status: found.status, note: noteFrom(found.rest) };
  }

  // Words from a goal's title, then a status: "mediarequests API in progress, waiting on hardware".
  const found = findStatus(line);
  if (!found) return { kind: 'unknown', text, reason: 'no goal and no status found in this line' };
  const words = line
    .slice(0, found.start)
    .replace(/(?:\s|[:,;\-–—]|\b(?:is|are|was|now|still)\b)+$/i, '')
    .trim();
  if (words.split(' ').length > MAX_TITLE_WORDS) {
    return {
      kind: 'unknown',
      text,
      reason:
        'this reads as a sentence, not a goal: start the line with the goal number or task id',
    };
  }
  if (!words)
    return {
      kind: 'unknown',
      text,
      reason: `which goal is ${found.phrase}? Start the line with its number, task id or title`,
    };
  return {
    kind: 'status',
    target: { kind: 'title', words },
    status: found.status,
    note: noteFrom(skipRepeat(line.slice(found.end), found.phrase)),
  };
}

function readRef(line: string): { target: ReplyTarget; length: number } | undefined {
  let match = /^(?:#|no\.?\s*|goal\s+)?(\d{1,3})(?=$|[\s:,.)\-–—])[.)]?/i.exec(line);
  if (match)
    return { target: { kind: 'number', number: Number(match[1]) }, length: match[0].length };
  match = /^(?:task\s+)?(?:phab:)?T(\d{1,9})\b/i.exec(line);
  if (match) return { target: { kind: 'task', taskId: `T${match[1]}` }, length: match[0].length };
  match = /^G(\d{1,9})\b/i.exec(line);
  if (match) return { target: { kind: 'goal', goalId: Number(match[1]) }, length: match[0].length };
  match = /^(?:([A-Z][A-Z0-9]{0,15})[-\s])?(KR\s?\d{1,3})\b/i.exec(line);
  if (match) {
    const code = (match[2] as string).replace(/\s/g, '').toUpperCase();
    return {
      target: { kind: 'key-result', objectiveCode: match[1]?.toUpperCase(), code },
      length: match[0].length,
    };
  }
  return undefined;
}

function parseAfterRef(target: ReplyTarget, after: string, text: string): ReplyItem {
  const rest = after.trim().replace(FILLER, '').trim();
  if (!rest)
    return { kind: 'unknown', text, reason: 'a status or value is missing after the reference' };
  const number = NUMBER.exec(rest);
  if (number && target.kind === 'key-result') {
    const digits = number[1] as string;
    // "2,067" groups thousands; "12,5" is a decimal comma.
    const value = Number(
      (/,\d{3}(?!\d)/.test(digits) ? digits.replace(/,/g, '') : digits.replace(',', '.')).replace(
        '−',
        '-',
      ),
    );
    if (!Number.isFinite(value))
      return { kind: 'unknown', text, reason: `${number[1]} is not a usable number` };
    return {
      kind: 'metric',
      target,
      value,
      percent: Boolean(number[2]),
      note: noteFrom(rest.slice(number[0].length)),
    };
  }
  const found = statusAtStart(rest);
  if (found) return { kind: 'status', target, status: found.status, note: noteFrom(found.rest) };
  if (number) {
    return {
      kind: 'unknown',
      text,
      reason:
        'values are recorded for key results only; give a goal a status such as "in progress"',
    };
  }
  return {
    kind: 'unknown',
    text,
    reason: `"${firstWords(rest)}" is not a status; use e.g. done, in progress, blocked, postponed`,
  };
}

interface Found {
  status: Status;
  phrase: string;
  start: number;
  end: number;
}

interface Phrase {
  parts: string[];
  status: Status;
  phrase: string;
  /** Weak phrases ("planned", "waiting") are everyday words: read only right after a reference. */
  weak: boolean;
}

const WEAK = new Set([
  'planned',
  'started',
  'active',
  'doing',
  'waiting',
  'failed',
  'dropped',
  'missed',
  'partial',
  'partially',
  'progress',
  'incomplete',
  'delayed',
  'paused',
]);
// Real words one letter away from a status word, which must not be "corrected" into it.
const NOT_TYPOS = new Set([
  'slipped',
  'skipped',
  'passed',
  'writing',
  'parsed',
  'posted',
  'blocker',
  'shipping',
  'complain',
  'finishes',
]);
// A status word right after these is negated or not (yet) a fact: "no longer stalled",
// "has to do with", "should be done".
const NEGATORS = new Set([
  'not',
  'no',
  'longer',
  'never',
  'has',
  'have',
  'had',
  'be',
  'should',
  'will',
  'would',
]);
// ... or within three words after these: "once that is done", "if it is blocked".
const CONDITIONS = new Set(['once', 'if', 'when', 'unless', 'until', 'after', 'before']);
/** Longest goal title read before a status; a longer run of words is a sentence, not a title. */
const MAX_TITLE_WORDS = 20;

const PHRASES: Phrase[] = statusPhrases().map(([phrase, status]) => ({
  parts: phrase.split(' '),
  status,
  phrase,
  weak: WEAK.has(phrase),
}));
const BY_FIRST_WORD = new Map<string, Phrase[]>();
for (const entry of PHRASES)
  BY_FIRST_WORD.set(entry.parts[0] as string, [
    ...(BY_FIRST_WORD.get(entry.parts[0] as string) ?? []),
    entry,
  ]);
// Candidates for a forgiven typo: first words of six letters or more.
const TYPO_FIRST_WORDS = [...BY_FIRST_WORD.keys()].filter((word) => word.length >= 6);

/** A status phrase at the very start of `text` (doubled page markers read once), and what follows. */
function statusAtStart(text: string): { status: Status; rest: string } | undefined {
  const found = findStatus(text, true);
  if (!found) return undefined;
  return { status: found.status, rest: skipRepeat(text.slice(found.end), found.phrase) };
}

/** "In progress In progress": the page templates print each marker twice; read it once. */
function skipRepeat(rest: string, phrase: string): string {
  if (!/^\s+\p{L}/u.test(rest)) return rest;
  const again = findStatus(rest.trimStart(), true);
  return again && again.phrase === phrase ? rest.trimStart().slice(again.end) : rest;
}

/**
 * The first status phrase in `text` on word boundaries (only at the start with `anchored`),
 * longest phrase first at each position. Each word is looked up by its first word (plus a few
 * typo candidates), so the work per word is bounded and the scan is linear.
 */
function findStatus(text: string, anchored = false): Found | undefined {
  const words = [...text.matchAll(/[\p{L}\p{N}']+/gu)];
  const lower = words.map((w) => w[0].toLowerCase());
  for (let i = 0; i < words.length; i++) {
    if (anchored && i > 0) break;
    if (
      !anchored &&
      (NEGATORS.has(lower[i - 1] ?? '') ||
        lower.slice(Math.max(0, i - 3), i).some((w) => CONDITIONS.has(w)))
    ) {
      continue;
    }
    const word = lower[i] as string;
    const firsts = [
      word,
      ...(BY_FIRST_WORD.has(word) || word.length < 5 || NOT_TYPOS.has(word)
        ? []
        : TYPO_FIRST_WORDS.filter((f) => isTypo(word, f))),
    ];
    for (const first of firsts) {
      for (const entry of BY_FIRST_WORD.get(first) ?? []) {
        if (entry.weak && !anchored) continue;
        if (i + entry.parts.length > words.length) continue;
        let matches = true;
        for (let k = 1; k < entry.parts.length && matches; k++) {
          const next = lower[i + k] as string;
          matches =
            next === entry.parts[k] ||
            (!NOT_TYPOS.has(next) && isTypo(next, entry.parts[k] as string));
        }
        if (!matches) continue;
        const last = words[i + entry.parts.length - 1] as RegExpMatchArray;
        return {
          status: entry.status,
          phrase: entry.phrase,
          start: words[i]?.index as number,
          end: (last.index as number) + last[0].length,
        };
      }
    }
  }
  return undefined;
}

/** One letter wrong, missing or extra, in a word long enough for that to be a typo (linear check). */
function isTypo(word: string, expected: string): boolean {
  if (expected.length < 6 || Math.abs(word.length - expected.length) > 1) return false;
  const [short, long] = word.length <= expected.length ? [word, expected] : [expected, word];
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  // After the first difference the rest must match, skipping one letter of the longer word
  // (or one letter of each, for a substitution).
  const skip = short.length === long.length ? 1 : 0;
  return short.slice(i + skip) === long.slice(i + 1);
}

/** The note after a status or value, without its leading separator. */
function noteFrom(rest: string): string | undefined {
  const note = rest.replace(SEPARATOR, '').trim();
  return note ? note : undefined;
}

function firstWords(text: string): string {
  const words = text.split(' ').slice(0, 4).join(' ');
  return words.length > 40 ? `${words.slice(0, 40)}…` : words;
}
