import { distance } from 'fastest-levenshtein';
import { findMentions, hasMeaning, type Mention, statusOf } from './reply-mentions.ts';
import { partsPerGoal } from './reply-per-goal.ts';
import { asciiDigits, foldWord, type Token, tokenize } from './reply-tokens.ts';
import { readValue, type ValueRead } from './reply-values.ts';
import { type Meaning, phraseKey, VOCABULARY } from './reply-vocabulary.ts';
import { formatStatus, type Status } from './status.ts';
import { excerpt, stripInvisible } from './text.ts';
import { matchTitle, type TitleMatch } from './title-match.ts';

// Reads the lines a manager writes back to a monthly prompt, one item per line, in their own
// words and language (the words are data: reply-vocabulary.json):
//
//   2 done / 4 wrapped up / T223626 postponed: licensing / (3) ✅ / Finished: 4 / 目标3已完成
//   KR2 68% / TCB-KR2 ~2,067 maintainers / KR1 went from 1900 to 2010
//   mediarequests API in progress, waiting on hardware        a goal named by its title
//   was stalled in July, done now / 4 finished, sorry, no, still in progress
//   all on track / nothing changed / note: ... / FYI ... / plain prose (a note) / thanks!
//
// A line yields a confident reading, a proposal that names what is uncertain (two statuses, a
// question, a hedge, a range, a part of the goal rather than the goal), or nothing (with the
// reason). A proposal is never recorded without the manager's yes. The status that counts is
// the one that holds now, for the goal as a whole: negated statuses, statuses that were true
// before, and statuses taken back by a correction are not it. The parser never throws, and its
// work is linear in the length of the line (lines are capped).

export type ReplyTarget =
  | { kind: 'number'; number: number }
  | { kind: 'task'; taskId: string }
  | { kind: 'goal'; goalId: number }
  | { kind: 'key-result'; objectiveCode: string | undefined; code: string }
  /** Words from a goal's title; `number` is the listed goal they match, when a list was given. */
  | { kind: 'title'; words: string; number?: number };

export type KeyResultTarget = Extract<ReplyTarget, { kind: 'key-result' }>;

export interface StatusReading {
  kind: 'status';
  /** Usually one; "3 and 4 done" names two. */
  targets: ReplyTarget[];
  status: Status;
  note: string | undefined;
  /** The manager's words read as the status, when they are not its name ("wrapped up", "fnished"). */
  said?: string;
  /** How the status was chosen among several in the line, for the echo. */
  because?: string;
}

export interface MetricReading {
  kind: 'metric';
  target: KeyResultTarget;
  value: number;
  percent: boolean;
  /** A unit word the manager wrote and what it measures (checked against the key result's). */
  unit?: { word: string; measure: string };
  approximate: boolean;
  note: string | undefined;
}

export interface NoteReading {
  kind: 'note';
  text: string;
  /** A note about one goal ("note for 3: ...", "3 — we hired a contractor"). */
  target?: ReplyTarget;
}

export interface AllReading {
  kind: 'all';
  status: Status;
  note: string | undefined;
}

/** What a proposal would record once confirmed. */
export type ProposedReading = StatusReading | MetricReading | NoteReading | AllReading;

export type ReplyItem =
  | StatusReading
  | MetricReading
  | NoteReading
  | AllReading
  /** "nothing changed": the month's report, without status changes. */
  | { kind: 'nothing-changed'; note: string | undefined }
  /** A greeting, thanks or sign-off: acknowledged, nothing recorded. */
  | { kind: 'greeting' }
  /** "yes" / "no" to a proposal. */
  | { kind: 'answer'; yes: boolean }
  /** "correction: 3 in progress": replaces the last change to that goal. */
  | { kind: 'correction'; reading: StatusReading | MetricReading }
  | { kind: 'proposal'; reading: ProposedReading; doubt: string }
  | { kind: 'unknown'; text: string; reason: string };

export interface ParsedLine {
  line: string;
  item: ReplyItem;
}

/** What the reader knows of the prompt: the goals as numbered (from 1). */
export interface ReadContext {
  goals?: readonly { title: string; status?: Status | null; taskIds?: readonly string[] }[];
}

/** Longest line read; longer lines are refused rather than scanned. */
export const MAX_REPLY_LINE = 2000;
/** Most lines read from one reply. */
export const MAX_REPLY_LINES = 100;
/** Most goals one line may name ("3, 4 and 5 done"). */
const MAX_TARGETS = 10;
/** A longer run of words before a status is a sentence, not a goal's title. */
const MAX_TITLE_WORDS = 12;

const V = VOCABULARY;
/** Words in the longest "all on track" / "nothing changed" phrase: a longer head is never one. */
const LONGEST_ALL_PHRASE = Math.max(
  ...[...V.allOnTrack, ...V.nothingChanged].map((key) => key.split(' ').length),
);

/** Every non-blank line of a reply, in order, each with what it means. */
export function parseReply(text: string, context: ReadContext = {}): ParsedLine[] {
  const lines = text.split(/\r?\n|\r/).filter((line) => line.trim() !== '');
  const parsed = lines
    .slice(0, MAX_REPLY_LINES)
    .flatMap(
      (line) => readPerGoal(line, context) ?? [{ line, item: parseReplyLine(line, context) }],
    );
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

/**
 * "3 done, 4 blocked": a line that names several goals, each with its own status or value, read
 * part by part when every part reads as one goal's status or value, each about another goal
 * ("6 postponed, 6 in progress" stays one unsure line, "1 done, 2 weeks early" one status).
 */
function readPerGoal(line: string, context: ReadContext): ParsedLine[] | undefined {
  const whole = parseReplyLine(line, context);
  // "T208612 done, KR2 2050" reads whole as a status with the rest as its note.
  if (!['proposal', 'unknown', 'status', 'metric'].includes(whole.kind)) return undefined;
  const parts = partsPerGoal(readableLine(line), context.goals?.length ?? 0);
  if (!parts) return undefined;
  const read = parts.map((part) => ({ line: part, item: parseReplyLine(part, context) }));
  const goals = read.map((part) => goalOf(part.item, context));
  if (goals.some((goal) => goal === undefined) || new Set(goals).size !== goals.length)
    return undefined;
  return read;
}

/** The one goal or key result a status or value (or its proposal) is about, as a key. */
function goalOf(item: ReplyItem, context: ReadContext): string | undefined {
  const reading = item.kind === 'proposal' ? item.reading : item;
  const targets =
    reading.kind === 'status' ? reading.targets : reading.kind === 'metric' ? [reading.target] : [];
  const [target] = targets;
  if (!target || targets.length !== 1) return undefined;
  switch (target.kind) {
    case 'number':
      return `goal ${target.number}`;
    case 'title':
      return target.number === undefined ? undefined : `goal ${target.number}`;
    case 'task': {
      const index = (context.goals ?? []).findIndex((goal) =>
        goal.taskIds?.some((id) => id.toUpperCase() === target.taskId.toUpperCase()),
      );
      return index < 0 ? `task ${target.taskId.toUpperCase()}` : `goal ${index + 1}`;
    }
    case 'goal':
      return `id ${target.goalId}`;
    case 'key-result':
      return `kr ${target.objectiveCode ?? ''}-${target.code}`;
  }
}

export function parseReplyLine(raw: string, context: ReadContext = {}): ReplyItem {
  try {
    return readLine(raw, context);
  } catch (error) {
    // A parser bug must not lose the line: it comes back as not understood.
    return {
      kind: 'unknown',
      text: excerpt(raw),
      reason: `could not read this line (${(error as Error).message})`,
    };
  }
}

// List bullets a line may start with; numbers are not bullets, they name the prompt's goals.
const BULLET = /^(?:[-*•·–—>]+|\([a-z]\)|[a-z]\))\s*/i;
// Markdown and wiki decoration around words: **5**, _done_, `T123`, ~~x~~.
const DECORATION = /(\*\*|__|~~|[*_`])(\S(?:.*?\S)?)\1/g;

/** The line as the reader compares it: visible characters only, NFKC, no decoration. */
export function readableLine(raw: string): string {
  return asciiDigits(
    stripInvisible(raw)
      .normalize('NFKC')
      .replace(/[‘’‛]/g, "'")
      .replace(/[“”„]/g, '"')
      .replace(DECORATION, '$2')
      // A task's address names the task: https://phabricator.wikimedia.org/T208612 is T208612.
      .replace(/\bhttps?:\/\/\S*?\/(T\d{1,9})\b\S*/gi, '$1')
      .replace(/`/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  )
    .replace(BULLET, '')
    .trim();
}

function unknown(text: string, reason: string): ReplyItem {
  return { kind: 'unknown', text: excerpt(text), reason };
}

function readLine(raw: string, context: ReadContext): ReplyItem {
  if (raw.length > MAX_REPLY_LINE)
    return unknown(
      raw,
      `the line is ${raw.length} characters long; the limit is ${MAX_REPLY_LINE}`,
    );
  const line = readableLine(raw);
  if (!line) return unknown(raw, 'nothing to read');
  const tokens = tokenize(line);
  if (tokens.length === 0) return unknown(line, 'nothing to read');
  const words = tokens.filter((t) => t.kind !== 'punct');
  if (words.length === 0) return unknown(line, 'nothing to read');

  // "✅ 1 (finally)", "🚧→✅ 9", "✅ Kerberos": signs before the goal go after it.
  let signsEnd = 0;
  while (
    tokens[signsEnd] &&
    (tokens[signsEnd]?.kind === 'emoji' ||
      (signsEnd > 0 && ['→', '-', '>'].includes(tokens[signsEnd]?.text ?? '')))
  )
    signsEnd++;
  if (signsEnd > 0 && tokens[signsEnd]) {
    const signs = line.slice(0, (tokens[signsEnd] as Token).start).trim();
    const rest = line.slice((tokens[signsEnd] as Token).start);
    const [, first = '', more = ''] = /^(\S+)(.*)$/su.exec(rest) ?? [];
    return readLine(`${first} ${signs}${more}`, context);
  }
  // "thanks! 4 done btw": a greeting first, then what to record.
  const breakAt = tokens.findIndex(
    (t) => t.kind === 'punct' && ['!', ',', '.', ';'].includes(t.text),
  );
  if (breakAt > 0 && tokens[breakAt + 1] && V.greetings.has(phraseKey(tokens, 0, breakAt))) {
    const rest = readLine(line.slice((tokens[breakAt + 1] as Token).start), context);
    if (rest.kind !== 'note' && rest.kind !== 'unknown' && rest.kind !== 'greeting') return rest;
  }
  const exception = allButOne(tokens, line, context);
  if (exception) return exception;
  const whole = wholeLine(tokens, line);
  if (whole) return whole;

  // Commands typed inside an update mean what they say: "set 3 done", "metric KR2 150%".
  const first = tokens[0] as Token;
  if ((first.text === 'set' || first.text === 'metric') && tokens.length > 1 && !first.joined)
    return readLine(line.slice((tokens[1] as Token).start), context);

  const correction = correctionLabel(tokens);
  if (correction !== undefined) {
    const rest = line.slice(correction).trim();
    const item = readLine(rest, context);
    if (item.kind === 'status' || item.kind === 'metric')
      return { kind: 'correction', reading: item };
    if (item.kind === 'proposal' || item.kind === 'unknown') return item;
    return unknown(
      line,
      'a correction names a goal and its status, e.g. "correction: 3 in progress"',
    );
  }

  const note = noteLabel(tokens, line, context);
  if (note) return note;

  const every = everyGoal(tokens, line);
  if (every) return every;

  const lead = leadingRefs(tokens, context);
  if (lead && 'reply' in lead) return lead.reply;
  const clash = lead && conflictingRef(tokens, lead, context);
  if (clash) return unknown(line, clash);
  if (lead) return readAfterRefs(tokens, line, lead.targets, lead.end, context);

  // A reference later in the line: "Finished: 4", "postponed — 2", "the API work (3) is done".
  const later = laterRef(tokens, context);
  if (later && 'reply' in later) return later.reply;
  if (later) return readWithRefInside(tokens, line, later, context);

  return readWithoutRef(tokens, line, context);
}

const EXCEPT = new Set([
  'except',
  'but',
  'apart',
  'außer',
  'ausser',
  'bis',
  'excepto',
  'salvo',
  'menos',
  'sauf',
  'tranne',
  'eccetto',
  'exceto',
  '除了',
  '以外',
]);

/**
 * "all on track except 7, still blocked": what the exception says is what to record (the goals
 * on track need no change); an exception that says no status is not guessed.
 */
function allButOne(
  tokens: readonly Token[],
  line: string,
  context: ReadContext,
): ReplyItem | undefined {
  const at = tokens.findIndex((t) => EXCEPT.has(t.text));
  if (at < 1) return undefined;
  const head = tokens.slice(0, at).filter((t) => t.kind !== 'punct');
  const key = phraseKey(head);
  const saysAll =
    V.allOnTrack.has(key) ||
    V.everyGoal.has(phraseKey(head, 0, 1)) ||
    V.everyGoal.has(phraseKey(head, 0, 2));
  if (!saysAll) return undefined;
  const giveTheirOwnLines = () =>
    unknown(line, 'give the exceptions their own lines, e.g. "all on track" then "3 blocked"');
  // "all goals except 7 on track", "every goal but 3 done": the status after the exception is
  // what the others are, and the exception's own is not said.
  if (!V.allOnTrack.has(key)) return giveTheirOwnLines();
  let from = at + 1;
  if (tokens[from]?.text === 'for' || tokens[from]?.text === 'from') from++;
  const rest = tokens[from];
  if (!rest) return undefined;
  const item = readLine(line.slice(rest.start), context);
  // An exception to "on track" that reads as on track says nothing of its own.
  if (item.kind === 'status' && item.status === 'in_progress') return giveTheirOwnLines();
  if (item.kind === 'status' || item.kind === 'proposal') return item;
  return giveTheirOwnLines();
}

// --- whole lines ----------------------------------------------------------------------------

/** Greetings, yes/no, "all on track", "nothing changed": lines that are only that. */
function wholeLine(tokens: readonly Token[], line: string): ReplyItem | undefined {
  const content = tokens.filter((t) => t.kind !== 'punct' || t.text === '&');
  const key = phraseKey(content);
  if (V.yes.has(key)) return { kind: 'answer', yes: true };
  if (V.no.has(key)) return { kind: 'answer', yes: false };
  // "thanks, that's all" is greetings throughout; so is a lone 👋.
  const parts = splitOn(tokens, (t) => t.kind === 'punct' && !['&', "'"].includes(t.text));
  const worded = parts
    .map((part) => part.filter((t) => t.kind !== 'emoji'))
    .filter((p) => p.length);
  if (worded.length > 0 && worded.every((part) => V.greetings.has(phraseKey(part))))
    return { kind: 'greeting' };
  // "Hi! Here's the update for July", "Viele Grüße, Andreas": a greeting with a few words
  // around it that say nothing about a goal.
  if (
    worded.length > 1 &&
    (V.greetings.has(phraseKey(worded[0] as Token[])) ||
      V.greetings.has(phraseKey(worded.at(-1) as Token[])))
  ) {
    const rest = (
      V.greetings.has(phraseKey(worded[0] as Token[])) ? worded.slice(1) : worded.slice(0, -1)
    ).flat();
    const quiet =
      rest.filter((t) => t.kind === 'word' && !V.fillers.has(t.text)).length <= 5 &&
      !rest.some((t) => t.kind === 'number') &&
      !findMentions(rest).some((m) => statusOf(m));
    if (quiet) return { kind: 'greeting' };
  }
  // "Good morning team": a greeting and whom it greets.
  const first = worded[0] ?? [];
  if (
    worded.length === 1 &&
    first.length >= 2 &&
    V.greetings.has(phraseKey(first, 0, first.length - 1)) &&
    first.at(-1)?.kind === 'word'
  )
    return { kind: 'greeting' };
  if (
    parts.length > 0 &&
    parts.every(
      (part) =>
        V.greetings.has(phraseKey(part)) ||
        part.every((t) => t.kind === 'emoji' && V.greetings.has(t.text)),
    )
  )
    return { kind: 'greeting' };
  // "all on track", "all on track, no blockers", "nothing changed this month: budget".
  const [head = []] = parts;
  for (let n = Math.min(head.length, LONGEST_ALL_PHRASE); n > 0; n--) {
    const key = phraseKey(head, 0, n);
    const all = V.allOnTrack.has(key);
    if (!all && !V.nothingChanged.has(key)) continue;
    const tail = head.slice(n);
    // "this month", "so far", "since last month" say when, they are no note.
    const when = tail.every((t) => WHEN.has(t.text));
    const after = when ? tokens[tokens.indexOf(head[head.length - 1] as Token) + 1] : tail[0];
    const note = after
      ? line
          .slice(after.start)
          .replace(/^[\s:,;.!\-–—]+/, '')
          .trim() || undefined
      : undefined;
    return all ? { kind: 'all', status: 'in_progress', note } : { kind: 'nothing-changed', note };
  }
  return undefined;
}

const WHEN = new Set([
  'this',
  'month',
  'so',
  'far',
  'since',
  'last',
  'for',
  'now',
  'overall',
  'here',
  'from',
  'me',
  'us',
  'our',
  'side',
  'week',
  'quarter',
  'yet',
  'again',
  'diesen',
  'monat',
  'este',
  'mes',
  'ce',
  'mois',
  'questo',
  'mese',
]);

function splitOn(tokens: readonly Token[], at: (t: Token) => boolean): Token[][] {
  const parts: Token[][] = [[]];
  for (const token of tokens) {
    if (at(token)) parts.push([]);
    else parts.at(-1)?.push(token);
  }
  return parts.filter((part) => part.length > 0);
}

/** Where the rest of a "correction: ..." line starts, if the line is one. */
function correctionLabel(tokens: readonly Token[]): number | undefined {
  const [label, colon, next] = tokens;
  if (!label || !colon || !next || colon.text !== ':') return undefined;
  return V.correctionLabels.has(label.text) ? next.start : undefined;
}

const NOTE_SEPARATORS = new Set([':', '-', '–', '—', '=']);
// Labels that are followed by the note itself, without a colon ("FYI the vendor called").
const BARE_LABELS = new Set(['fyi', 'ps', 'btw', 'nb', 'pd', 'obs', 'note', 'notes']);

/** "note: ...", "FYI ...", "PS: ...", "note for 3: ...", "Notiz: ...", "备注：..." */
function noteLabel(
  tokens: readonly Token[],
  line: string,
  context: ReadContext,
): ReplyItem | undefined {
  let labelEnd = 0;
  for (let n = Math.min(3, tokens.length); n >= 1; n--) {
    if (V.noteLabels.has(phraseKey(tokens, 0, n))) {
      labelEnd = n;
      break;
    }
  }
  let i = labelEnd;
  // "p.s.", "n.b.": the dots belong to the label.
  while (labelEnd && tokens[i]?.text === '.' && i < labelEnd + 2) i++;
  // "note for 3: ...", and without a label "For 6, ...", "About Kerberos: ...", "Sobre el 2: ...".
  let target: ReplyTarget | undefined;
  const about = tokens[i];
  const aboutWords = [3, 2, 1].find((n) => V.noteTarget.has(phraseKey(tokens, i, i + n))) ?? 0;
  if (about && aboutWords) {
    let at = i + aboutWords;
    if (tokens[at] && V.determiners.has((tokens[at] as Token).text)) at++;
    const ref = refAt(tokens, at, context);
    const named = ref ? undefined : goalsNamedIn(tokens.slice(at, at + 1), context);
    if (ref && !('reply' in ref)) {
      target = ref.target;
      i = ref.end;
    } else if (named?.length === 1) {
      target = { kind: 'number', number: named[0] as number };
      i = at + 1;
    }
  }
  // "FYI T218341: the last hosts ...": a label, the goal and a colon.
  if (labelEnd && !target) {
    const ref = refAt(tokens, i, context);
    const colon = ref && !('reply' in ref) && NOTE_SEPARATORS.has(tokens[ref.end - 1]?.text ?? '');
    if (ref && !('reply' in ref) && (colon || NOTE_SEPARATORS.has(tokens[ref.end]?.text ?? ''))) {
      target = ref.target;
      i = ref.end;
    }
  }
  // "1について：", "लक्ष्य 1 के बारे में:": the reference, then the word for "about".
  if (!labelEnd && !target) {
    const ref = refAt(tokens, 0, context);
    if (ref && !('reply' in ref)) {
      const after = ref.end;
      const aboutAfter = [4, 3, 2, 1].find((n) =>
        V.noteTarget.has(phraseKey(tokens, after, after + n)),
      );
      if (aboutAfter) {
        target = ref.target;
        i = after + aboutAfter;
      }
    }
  }
  // "Superset: legal sent a first draft": a goal named by its title's word, then a colon.
  if (!labelEnd && !target && tokens[1]?.text === ':' && tokens[2]) {
    const named = goalsNamedIn(tokens.slice(0, 1), context);
    if (named.length === 1 && !findMentions(tokens, 2).some((m) => statusOf(m))) {
      target = { kind: 'number', number: named[0] as number };
      i = 1;
    }
  }
  if (!labelEnd && !target) return undefined;
  // The reference may have taken its colon along ("Sobre el 2:").
  if (target && i > 0 && NOTE_SEPARATORS.has((tokens[i - 1] as Token).text)) i--;
  const separator = tokens[i];
  const labelText = phraseKey(tokens, 0, labelEnd);
  if (separator && (NOTE_SEPARATORS.has(separator.text) || (!labelEnd && separator.text === ',')))
    i++;
  else if (!labelEnd || !BARE_LABELS.has(labelText) || target) {
    if (!target || !labelEnd) return undefined;
  }
  const start = tokens[i]?.start;
  const text = start === undefined ? '' : line.slice(start).trim();
  if (!text) return unknown(line, 'the note is empty');
  if (target) {
    // "Re 9: unblocked, started yesterday" gives a status, it is no note.
    const said = tokens.slice(i);
    const mentions = findMentions(said, 0);
    if (!labelEnd && mentions.some((m) => statusOf(m) && !statusOf(m)?.weak))
      return statusReading(said, line, [target], 0, mentions, context);
    return { kind: 'note', text, target };
  }
  // A labelled note that gives a goal a status, or sounds unsure, is asked about.
  const rest = tokens.slice(i);
  const mentions = findMentions(rest, 0);
  const unsure = mentions.some(
    (m) => (hasMeaning(m, 'doubt') || hasMeaning(m, 'hedge')) && !statusOf(m),
  );
  const statusSaid = mentions.some((m) => statusOf(m) && !statusOf(m)?.weak);
  // Explicit references only: task ids, "goal 3", "#3" (a date's "the 20th" is none).
  const refSaid = rest.some(
    (t, k) =>
      TASK.test(t.text) ||
      (t.kind === 'number' && (goalWordAt(rest, k - 1) !== undefined || rest[k - 1]?.text === '#')),
  );
  const named = goalsNamedIn(rest, context);
  if (!unsure && !statusSaid && named.length === 1)
    return {
      kind: 'proposal',
      reading: { kind: 'note', text, target: { kind: 'number', number: named[0] as number } },
      doubt: `it reads as a note on goal ${named[0]}`,
    };
  if (unsure || (statusSaid && refSaid) || refSaid || named.length > 1)
    return {
      kind: 'proposal',
      reading: { kind: 'note', text },
      doubt: unsure
        ? 'it sounds unsure'
        : 'it gives a goal a status: write it as its own line to record the status',
    };
  return { kind: 'note', text };
}

/** "everything done", "all goals postponed to Q2", "alles erledigt", "tout est fait". */
function everyGoal(tokens: readonly Token[], line: string): ReplyItem | undefined {
  let n = 0;
  for (let k = Math.min(4, tokens.length); k >= 1; k--)
    if (V.everyGoal.has(phraseKey(tokens, 0, k))) {
      n = k;
      break;
    }
  if (!n) return undefined;
  // "all 3 in progress": the count of goals said along.
  if (tokens[n]?.kind === 'number') n++;
  const mentions = findMentions(tokens, n);
  const status = firstStatusAfterFillers(tokens, n, mentions);
  if (!status) return undefined;
  const others = mentions.filter((m) => m !== status && statusOf(m) && !statusOf(m)?.weak);
  const except =
    /\b(?:except|but|apart from|other than|außer|excepto|menos|sauf|sauf|tranne|exceto|सिवाय|除了|以外)\b/iu;
  if (except.test(line) || others.length)
    return unknown(
      line,
      'give the exceptions their own lines, e.g. "all on track" then "3 blocked"',
    );
  const state = statusOf(status) as { status: Status };
  const doubt = doubtsOf(tokens, line, mentions, status, n);
  const reading: AllReading = {
    kind: 'all',
    status: state.status,
    note: noteAfter(tokens, line, status.to),
  };
  return doubt ? { kind: 'proposal', reading, doubt } : reading;
}

// --- references -----------------------------------------------------------------------------

interface Ref {
  target: ReplyTarget;
  /** Token index after the reference. */
  end: number;
}

const TASK = /^t(\d{1,9})$/;
const GOAL_ID = /^g(\d{1,9})$/;
const KR = /^kr(\d{1,3})$/;
const SMALL_NUMBER = /^\d{1,3}$/;
// Marks after a goal number that say it is one: "3.", "3)", "3:", "第3个", "3番".
const AFTER_NUMBER = new Set(['.', ')', ':', ']', '/', '个', '项', '号', '番', '번']);
const BEFORE_NUMBER = new Set(['#', '(', '[', '第', '№']);

/** A reference at token `i` (task id, goal id, key result, or a goal number with its marks). */
function refAt(
  tokens: readonly Token[],
  i: number,
  context: ReadContext,
): Ref | { reply: ReplyItem } | undefined {
  let at = i;
  const token = tokens[at];
  if (!token) return undefined;
  if (token.kind === 'word') {
    let match = TASK.exec(token.text);
    if (match) return { target: { kind: 'task', taskId: `T${match[1]}` }, end: at + 1 };
    match = GOAL_ID.exec(token.text);
    if (match) return { target: { kind: 'goal', goalId: Number(match[1]) }, end: at + 1 };
    const kr = keyResultAt(tokens, at);
    if (kr) return kr;
    // "1st goal", "the 6th goal", "the second one".
    const ordinal = ordinalOf(token.text);
    if (ordinal !== undefined) {
      let end = at + 1;
      end += goalWordAt(tokens, end) ?? 0;
      return rangeChecked(tokens, i, ordinal, end, context);
    }
    // "task T123", "phab:T123", "goal 3", "Ziel 3", "目标3".
    const next = tokens[at + 1];
    if (next && (token.text === 'task' || token.text === 'phab' || token.text === 'phabricator')) {
      const after = next.text === ':' || next.text === '|' ? at + 2 : at + 1;
      const task = tokens[after] && TASK.exec((tokens[after] as Token).text);
      if (task) return { target: { kind: 'task', taskId: `T${task[1]}` }, end: after + 1 };
    }
    const words =
      goalWordAt(tokens, at) ??
      (elided(token.text) && V.goalWords.has(elided(token.text)) ? 1 : undefined);
    if (words && next) {
      at += words;
      if (tokens[at]?.text === '.') at++;
    } else return undefined;
  }
  while (tokens[at] && BEFORE_NUMBER.has((tokens[at] as Token).text)) at++;
  const number = tokens[at];
  if (number?.kind !== 'number' || !SMALL_NUMBER.test(number.text)) return undefined;
  // A value is no goal number: "40%", "12 days", "3/4", "2.5".
  const after = tokens[at + 1];
  if (
    after &&
    (after.text === '%' ||
      (after.text === '/' && after.start === number.end && tokens[at + 2]?.kind === 'number'))
  )
    return undefined;
  const value = Number(number.text);
  const count = context.goals?.length;
  if (value === 0) return undefined;
  const isQuantity =
    after?.kind === 'word' && V.units.has(after.text) && !V.byFirst.has(after.text);
  if (isQuantity && !(i === 0 && count !== undefined && value > count)) return undefined;
  // "3个人" is three people; "第3个" is the third.
  if (
    after &&
    CLASSIFIERS.has(after.text) &&
    tokens[at - 1]?.text !== '第' &&
    !goalWordAt(tokens, at + 2)
  )
    return undefined;
  let end = at + 1;
  while (tokens[end] && AFTER_NUMBER.has((tokens[end] as Token).text) && end < at + 3) end++;
  // "第4个目标": the goal word may follow the number, written against it.
  if (tokens[end] && tokens[end]?.start === tokens[end - 1]?.end)
    end += goalWordAt(tokens, end) ?? 0;
  return rangeChecked(tokens, i, value, end, context);
}

const CLASSIFIERS = new Set(['个', '項', '名', '人', '件', '台', '位', '次']);

/** A goal number, or the answer that the list is shorter. */
function rangeChecked(
  tokens: readonly Token[],
  _start: number,
  value: number,
  end: number,
  context: ReadContext,
): Ref | { reply: ReplyItem } {
  const count = context.goals?.length;
  if (count !== undefined && value > count)
    return {
      reply: unknown(
        tokens.map((t) => t.text).join(' '),
        `there ${count === 1 ? 'is only 1 goal' : `are only ${count} goals`}; start the line with a goal's number (1–${count}), its task id or its title`,
      ),
    };
  return { target: { kind: 'number', number: value }, end };
}

const ORDINAL_WORDS = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
];

/** `6th`, `2nd`, `3º`, `1er`, `second`: the number an ordinal stands for. */
function ordinalOf(word: string): number | undefined {
  const match = /^(\d{1,2})(?:st|nd|rd|th|º|ª|o|a|e|er|re|ème|eme|°)$/.exec(word);
  if (match) return Number(match[1]);
  const index = ORDINAL_WORDS.indexOf(word);
  return index < 0 ? undefined : index + 1;
}

/** `l'objectif` → `objectif`: French and Italian elision before a goal word. */
function elided(word: string): string {
  return word.replace(/^(?:l|d|dell|all|nell)'/, '');
}

/** How many tokens a goal word takes at `at` ("goal", "Ziel", "目标" is two characters). */
function goalWordAt(tokens: readonly Token[], at: number): number | undefined {
  for (const n of [2, 1])
    if (at + n <= tokens.length && V.goalWords.has(phraseKey(tokens, at, at + n))) return n;
  return undefined;
}

/** KR2, KR 2, TCB-KR2, TCB KR2, O1-KR2. */
function keyResultAt(tokens: readonly Token[], at: number): Ref | undefined {
  const token = tokens[at] as Token;
  // "Key result 1: 46%".
  const third = tokens[at + 2];
  if (token.text === 'key' && tokens[at + 1]?.text === 'result' && third?.kind === 'number')
    return {
      target: { kind: 'key-result', objectiveCode: undefined, code: `KR${third.text}` },
      end: at + 3,
    };
  const own = KR.exec(token.text);
  if (own)
    return {
      target: { kind: 'key-result', objectiveCode: undefined, code: `KR${own[1]}` },
      end: at + 1,
    };
  if (
    token.text === 'kr' &&
    tokens[at + 1]?.kind === 'number' &&
    /^\d{1,3}$/.test(tokens[at + 1]?.text as string)
  )
    return {
      target: { kind: 'key-result', objectiveCode: undefined, code: `KR${tokens[at + 1]?.text}` },
      end: at + 2,
    };
  const next = tokens[at + 1];
  const code = next && KR.exec(next.text);
  if (
    code &&
    /^[a-z][a-z0-9]{0,15}$/.test(token.text) &&
    !V.fillers.has(token.text) &&
    !V.goalWords.has(token.text)
  )
    return {
      target: { kind: 'key-result', objectiveCode: token.text.toUpperCase(), code: `KR${code[1]}` },
      end: at + 2,
    };
  return undefined;
}

const REF_JOINERS = new Set([
  ',',
  '&',
  '+',
  'and',
  'und',
  'y',
  'et',
  'e',
  'ed',
  'और',
  '和',
  'と',
  '、',
]);

/** The references a line starts with: "3", "T123", "3 and 4", "3, 4, 5". */
function leadingRefs(
  tokens: readonly Token[],
  context: ReadContext,
): { targets: ReplyTarget[]; end: number } | { reply: ReplyItem } | undefined {
  // Words before the reference that say nothing: "the 2nd", "la 9", "El objetivo 1",
  // "status 4 blocked", "/status 2 done".
  let skip = 0;
  while (
    skip < 3 &&
    tokens[skip] &&
    LEAD_WORDS.has((tokens[skip] as Token).text) &&
    !refAt(tokens, skip, context)
  )
    skip++;
  const first = refAt(tokens, skip, context);
  if (!first) return undefined;
  if ('reply' in first) return first;
  const targets = [first.target];
  let end = first.end;
  // More goals joined to the first, only when a status follows the list.
  for (let i = end; targets.length < MAX_TARGETS; ) {
    const joiner = tokens[i];
    if (!joiner || !REF_JOINERS.has(joiner.text)) break;
    const more = refAt(tokens, i + 1, context);
    if (!more || 'reply' in more || more.target.kind !== first.target.kind) break;
    targets.push(more.target);
    i = more.end;
    end = more.end;
  }
  return { targets, end };
}

const QUESTION_START = new Set([
  'is',
  'did',
  'has',
  'should',
  'was',
  'are',
  'ist',
  'está',
  'est',
  'é',
  'è',
]);

/** Whether a status ends right before token `i` ("postpone 9?"). */
function statusBefore(tokens: readonly Token[], i: number): boolean {
  return findMentions(tokens, Math.max(0, i - 4), i).some(
    (m) => m.to === i && statusOf(m) !== undefined,
  );
}

const LEAD_WORDS = new Set([
  'the',
  'a',
  'la',
  'el',
  'le',
  'lo',
  'il',
  'o',
  'das',
  'der',
  'die',
  'status',
  'set',
  '/',
  'for',
  'para',
  'of',
  'de',
  'del',
  'du',
]);

/** Whether a status follows token `i`, with only filler between ("is back in progress"). */
function followedByStatus(tokens: readonly Token[], i: number): boolean {
  const at = firstContentIndex(tokens, i);
  const [first] = findMentions(tokens, at, Math.min(tokens.length, at + 6));
  return (
    first !== undefined &&
    first.from === at &&
    statusOf(first) !== undefined &&
    !statusOf(first)?.weak
  );
}

/** Whether tokens before `end` are one status phrase (with punctuation): "✅ 2", "done 4". */
function onlyStatusBefore(tokens: readonly Token[], end: number): boolean {
  const mentions = findMentions(tokens, 0, end);
  const status = mentions.filter((m) => statusOf(m));
  if (status.length !== 1) return false;
  const [m] = status as [Mention];
  return tokens.slice(0, end).every((t, i) => (i >= m.from && i < m.to) || t.kind === 'punct');
}

/** "3 (T211248) done" when goal 3 is another task: the line names two goals as one. */
function conflictingRef(
  tokens: readonly Token[],
  lead: { targets: ReplyTarget[]; end: number },
  context: ReadContext,
): string | undefined {
  const [target] = lead.targets;
  if (target?.kind !== 'number' || lead.targets.length > 1) return undefined;
  const goal = context.goals?.[target.number - 1];
  if (!goal?.taskIds) return undefined;
  for (let i = lead.end; i < Math.min(tokens.length, lead.end + 3); i++) {
    const task = TASK.exec((tokens[i] as Token).text);
    if (task && !goal.taskIds.includes(`T${task[1]}`))
      return `goal ${target.number} is ${goal.taskIds[0] ?? 'another goal'}, not T${task[1]}: which one do you mean?`;
  }
  return undefined;
}

/** A reference after the start: "Finished: 4", "done (3)", "#4 is blocked", "goal 3 is done". */
function laterRef(
  tokens: readonly Token[],
  context: ReadContext,
): (Ref & { start: number; ofPart: boolean }) | { reply: ReplyItem } | undefined {
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const previous = tokens[i - 1] as Token;
    const isTask = token.kind === 'word' && (TASK.test(token.text) || GOAL_ID.test(token.text));
    const isKr = token.kind === 'word' && KR.test(token.text);
    const marked =
      token.kind === 'number' &&
      ((['(', '#', '['].includes(previous.text) && previous.end === token.start) ||
        // "The migration for 4 finished", "Ignore what I said about 2", "Retract ... of 5".
        (V.noteTarget.has(previous.text) && followedByStatus(tokens, i + 1)) ||
        // "Is 6 done?", "Should 5 be postponed?", "Did 1 finish?".
        (i === 1 && QUESTION_START.has(previous.text) && followedByStatus(tokens, i + 1)) ||
        // "Cancel or postpone 9?".
        (QUESTION.has(tokens[i + 1]?.text ?? '') && statusBefore(tokens, i)) ||
        // "Not cancelled after all — 9 is back in progress".
        ([',', ';', '—', '–', '-', '.', ':'].includes(previous.text) &&
          followedByStatus(tokens, i + 1)) ||
        goalWordAt(tokens, i - 1) !== undefined ||
        (i >= 2 && goalWordAt(tokens, i - 2) === 2) ||
        // "Finished: 4", "postponed — 2": a number that ends the line after a separator.
        ((i === tokens.length - 1 ||
          (i === tokens.length - 2 && ['.', '!', ')'].includes((tokens[i + 1] as Token).text))) &&
          [':', '-', '–', '—', '→', '=', ','].includes(previous.text)) ||
        // "✅ 2", "done 4": a status and then the number, nothing else.
        (i === tokens.length - 1 && onlyStatusBefore(tokens, i)));
    if (!isTask && !isKr && !marked) continue;
    const from =
      isTask || isKr
        ? i
        : i >= 2 && goalWordAt(tokens, i - 2) === 2
          ? i - 2
          : goalWordAt(tokens, i - 1) !== undefined
            ? i - 1
            : token.kind === 'number' && ['(', '#', '['].includes(previous.text)
              ? i - 1
              : i;
    const ref = refAt(tokens, from, context);
    if (!ref) continue;
    if ('reply' in ref) return ref;
    // "the design part of 3", "Docs for 4": the words before say which part of the goal.
    const ofPart = token.kind === 'number' && V.noteTarget.has(previous.text);
    return { ...ref, start: from, ofPart };
  }
  return undefined;
}

// --- statuses -------------------------------------------------------------------------------

/** Statuses that stay true once reached: "was finished in July" is still Done. */
const SETTLED: ReadonlySet<Status> = new Set([
  'done',
  'cancelled',
  'not_done',
  'partially_done',
  'postponed',
]);

const CLAUSE_BREAK = new Set([',', ';', '.', '!', '?', '(', ')', ':', '—', '–', '|', '…']);

interface StatusMention {
  mention: Mention;
  status: Status;
  clause: number;
  negated: boolean;
  past: boolean;
  present: boolean;
  /** Expected, not reached: "will be done next week", "once that is done". */
  future: boolean;
  whole: boolean;
  /** Content words before it in its clause (not the reference, fillers or markers). */
  subject: Token[];
  /** Said of a thing named after it ("paused the vendor talks"). */
  object: boolean;
  /** Where its clause stands in the line (characters). */
  span: [number, number];
  /** An everyday word not first in the line: a status only when nothing else is. */
  late: boolean;
  /** A correction stands between it and an earlier status. */
  corrects: boolean;
  /** An "or" stands between it and an earlier status. */
  alternative: boolean;
}

/** The clause each token belongs to (numbered from 0), split at punctuation and joining words. */
function clausesOf(tokens: readonly Token[], mentions: readonly Mention[], from: number): number[] {
  const clause = new Array<number>(tokens.length).fill(0);
  const joinerAt = new Map<number, number>();
  for (const m of mentions)
    if (
      hasMeaning(m, 'but') ||
      hasMeaning(m, 'or') ||
      hasMeaning(m, 'and') ||
      hasMeaning(m, 'correction')
    )
      joinerAt.set(m.from, m.to);
  let c = 0;
  for (let i = from; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const spacedDash =
      token.kind === 'punct' &&
      ['-', '~'].includes(token.text) &&
      tokens[i + 1]?.start !== token.end;
    if ((token.kind === 'punct' && CLAUSE_BREAK.has(token.text)) || spacedDash || joinerAt.has(i))
      c++;
    clause[i] = c;
  }
  return clause;
}

/** Every status the line mentions after token `from`, with what surrounds it. */
function statusMentions(
  tokens: readonly Token[],
  mentions: readonly Mention[],
  from: number,
  /** Words before this character name the goal itself (they stood around its reference). */
  namesGoalBefore = 0,
): StatusMention[] {
  const clause = clausesOf(tokens, mentions, from);
  const markers = mentions.filter((m) => !statusOf(m));
  const found: StatusMention[] = [];
  const consumed = new Set<number>();
  for (const m of mentions) for (let i = m.from; i < m.to; i++) consumed.add(i);
  let lastStatusEnd = -1;
  for (const m of mentions) {
    const state = statusOf(m);
    if (!state) continue;
    const c = clause[m.from] as number;
    const inClause = markers.filter((x) => clause[x.from] === c);
    const before = inClause.filter((x) => x.to <= m.from);
    const after = inClause.filter((x) => x.from >= m.to);
    // "not blocked", "no longer postponed", "isn't done"; Japanese 完了していない.
    const negated =
      before.some((x) => hasMeaning(x, 'negator') && m.from - x.to <= 3) ||
      after.some((x) => hasMeaning(x, 'negatorAfter') && x.from - m.to <= 2);
    const firstContent = firstContentIndex(tokens, from, mentions);
    // Everyday words are statuses only as the first thing said about the goal, or right
    // after a correction ("bloccato, anzi no, fermo").
    const afterCorrection = markers.find(
      (x) =>
        hasMeaning(x, 'correction') &&
        x.to <= m.from &&
        firstContentIndex(tokens, x.to, mentions) === m.from,
    );
    // "continua bloqueado": an everyday word right before a status only leads to it.
    const following = mentions.find((x) => x.from === m.to);
    if (state.weak && following && statusOf(following)) continue;
    // Elsewhere it may still answer a denial: "isn't blocked anymore, we started".
    const late = state.weak && m.from !== firstContent && !afterCorrection;
    if (
      late &&
      firstContentIndex(tokens, clauseStartOf(clause, clause[m.from] as number, from), mentions) !==
        m.from
    )
      continue;
    // "the blocked deploy went out": a word that describes a thing.
    const previous = tokens[m.from - 1];
    if (
      previous &&
      clause[m.from - 1] === c &&
      V.determiners.has(previous.text) &&
      m.from - 1 >= from &&
      // "bloqueado o pospuesto": the word is "or" there, not an article.
      !markers.some((x) => x.from === m.from - 1 && (hasMeaning(x, 'or') || hasMeaning(x, 'and')))
    )
      continue;
    const subject: Token[] = [];
    const clauseStart = clause.indexOf(c, from);
    for (let i = Math.max(from, clauseStart); i < m.from; i++) {
      const t = tokens[i] as Token;
      if (
        consumed.has(i) ||
        t.kind !== 'word' ||
        V.fillers.has(t.text) ||
        t.start < namesGoalBefore
      )
        continue;
      subject.push(t);
    }
    // "paused the vendor talks": a status said (as a verb) of the thing that follows it.
    const next = tokens[m.to];
    const verb = m.to - m.from === 1 && /ed$/.test((tokens[m.from] as Token).text);
    const object =
      verb &&
      next !== undefined &&
      clause[m.to] === c &&
      V.determiners.has(next.text) &&
      !timeFollows(tokens, m.to + 1);
    const between = markers.filter(
      (x) => x.from >= lastStatusEnd && x.to <= m.from && lastStatusEnd >= 0,
    );
    // "stalled -> in progress", "🚧→✅": a change, the later holds; "cancelled? No! in
    // progress": a question answered, the answer holds (but "stalled? or blocked" is still asking).
    const offered = between.some((x) => hasMeaning(x, 'or'));
    const turned =
      lastStatusEnd >= 0 &&
      tokens
        .slice(lastStatusEnd, m.from)
        .some(
          (t, k, all) =>
            t.text === '→' ||
            t.text === '⇒' ||
            (QUESTION.has(t.text) && !offered) ||
            ((t.text === '-' || t.text === '=') &&
              all[k + 1]?.text === '>' &&
              all[k + 1]?.start === t.end),
        );
    found.push({
      mention: m,
      status: state.status,
      clause: c,
      negated,
      past: inClause.some((x) => hasMeaning(x, 'past')),
      present: inClause.some((x) => hasMeaning(x, 'present')),
      future: before.some((x) => hasMeaning(x, 'future') && m.from - x.to <= 4),
      whole:
        inClause.some((x) => hasMeaning(x, 'wholeGoal')) ||
        before.some((x) => hasMeaning(x, 'wholeGoal')),
      subject,
      object,
      span: clauseSpan(tokens, clause, c, from),
      corrects: turned || between.some((x) => hasMeaning(x, 'correction')),
      late,
      alternative: between.some((x) => hasMeaning(x, 'or')),
    });
    lastStatusEnd = m.to;
  }
  // "marked done by mistake", "2 done, wait, no": a retraction after a status takes it back.
  for (const [i, s] of found.entries()) {
    const next = found[i + 1]?.mention.from ?? tokens.length;
    if (markers.some((x) => hasMeaning(x, 'retraction') && x.from >= s.mention.to && x.to <= next))
      s.negated = true;
  }
  return found;
}

/** The first token of clause `c` (from `from` on). */
function clauseStartOf(clause: readonly number[], c: number, from: number): number {
  const at = clause.indexOf(c, from);
  return at < 0 ? from : at;
}

/** The characters of clause `c`, without its punctuation at either end. */
function clauseSpan(
  tokens: readonly Token[],
  clause: readonly number[],
  c: number,
  from: number,
): [number, number] {
  let first = -1;
  let last = -1;
  for (let i = from; i < tokens.length; i++) {
    if (clause[i] !== c || (tokens[i] as Token).kind === 'punct') continue;
    if (first < 0) first = i;
    last = i;
  }
  return first < 0 ? [0, 0] : [(tokens[first] as Token).start, (tokens[last] as Token).end];
}

/** Whether a status phrase starts at token `i` ("to do", "in progress" start with fillers). */
function statusStartsAt(tokens: readonly Token[], i: number): boolean {
  const [first] = findMentions(tokens, i, Math.min(tokens.length, i + 6));
  return first !== undefined && first.from === i && statusOf(first) !== undefined;
}

/** The first token after `from` that is not punctuation or filler. */
function firstContentIndex(
  tokens: readonly Token[],
  from: number,
  mentions?: readonly Mention[],
): number {
  let i = from;
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    // "quase pronto", "fast fertig": a hedge before the status (it makes a proposal);
    // "本季度": filler of several characters.
    const skipped = mentions?.find(
      (m) => m.from === i && (hasMeaning(m, 'hedge') || hasMeaning(m, 'filler')) && !statusOf(m),
    );
    if (skipped) {
      i = skipped.to;
      continue;
    }
    const sign = ['~', '≈', '+', '−', '-', '±'].includes(t.text) && tokens[i + 1]?.start === t.end;
    // "at least 2000", "about 30%", "between 30 and 40": words that qualify a value are part of it.
    const pair = tokens[i + 1] ? `${t.text} ${tokens[i + 1]?.text}` : '';
    const qualifies =
      V.inexact.has(pair) ||
      V.approximate.has(pair) ||
      V.inexact.has(t.text) ||
      V.approximate.has(t.text) ||
      t.text === 'between';
    if (qualifies && tokens.slice(i + 1, i + 3).some((next) => next.kind === 'number')) break;
    if ((t.kind === 'punct' && !sign) || (V.fillers.has(t.text) && !statusStartsAt(tokens, i))) {
      i++;
      continue;
    }
    // Two-word fillers: "has been", "marked as", "set to".
    if (
      tokens[i + 1] &&
      V.fillers.has(`${t.text} ${tokens[i + 1]?.text}`) &&
      !statusStartsAt(tokens, i)
    ) {
      i += 2;
      continue;
    }
    break;
  }
  return i;
}

function firstStatusAfterFillers(
  tokens: readonly Token[],
  from: number,
  mentions: readonly Mention[],
): Mention | undefined {
  const at = firstContentIndex(tokens, from);
  return mentions.find((m) => m.from === at && statusOf(m));
}

interface Decision {
  chosen: StatusMention;
  doubt?: string;
  because?: string;
  /** Other statuses in the line, for the note when they explain the choice. */
  others: StatusMention[];
}

/** The status that holds now for the goal as a whole, or why it is unclear. */
function decide(
  found: readonly StatusMention[],
  titleWords: ReadonlySet<string>,
): Decision | { none: string; candidate?: StatusMention } | undefined {
  if (found.length === 0) return undefined;
  // Everyday words late in the line count only when no other status holds now.
  const settledNow = found.some((s) => !s.late && !s.negated && !s.future && !s.past);
  if (settledNow) found = found.filter((s) => !s.late);
  // After the last correction, only what follows counts.
  const lastCorrection = found.map((s) => s.corrects).lastIndexOf(true);
  const considered = lastCorrection >= 0 ? found.slice(lastCorrection) : found;
  const corrected = lastCorrection >= 0;
  // "6 is not done, it's partially done": "not done" denies Done there, it is no status.
  for (const [i, s] of considered.entries())
    if (
      s.status === 'not_done' &&
      V.negatorWords.has(s.mention.phrase.words[0] as string) &&
      considered.slice(i + 1).some((o) => !o.negated && !o.alternative)
    )
      s.negated = true;
  let current = considered.filter(
    (s) => !s.negated && !s.future && !(s.past && !s.present && !SETTLED.has(s.status)),
  );
  // What held before gives way to what holds now ("was partially done in the last report").
  if (current.some((s) => !s.past || s.present))
    current = current.filter((s) => !s.past || s.present);
  if (current.length === 0) {
    const negated = considered.filter((s) => s.negated);
    const last = negated.at(-1);
    if (last && last.status !== 'in_progress' && last.status !== 'to_do')
      // "no longer blocked", "完了していない": most likely under way; asked, never assumed.
      return {
        none: `the line says what the goal is not (not ${formatStatus(last.status)}): is it In progress?`,
        candidate: { ...last, status: 'in_progress' },
      };
    if (negated.length)
      return {
        none: `it says what the goal is not (${negated.map((s) => `not ${formatStatus(s.status)}`).join(', ')}), not what it is`,
      };
    const future = considered.filter((s) => s.future);
    if (future.length)
      return {
        none: `${formatStatus((future.at(-1) as StatusMention).status)} is expected, not reached: is it In progress now?`,
        candidate: { ...(future.at(-1) as StatusMention), status: 'in_progress' },
      };
    const past = considered.filter((s) => s.past);
    return { none: 'that was before; what is its status now?', candidate: past.at(-1) };
  }
  // "was stalled in July, done now", "stalled, now in progress again": now beats before.
  let because: string | undefined;
  if (current.some((s) => s.present) && current.some((s) => !s.present) && distinct(current) > 1) {
    current = current.filter((s) => s.present);
    if (distinct(current) === 1) because = 'what holds now';
  }
  // "design is done but the goal is still in progress": the goal as a whole beats a part.
  const subjectIsPart = (s: StatusMention) =>
    !s.whole &&
    (s.object ||
      s.subject.some(
        (t) =>
          (t.text.length > 2 || /\p{Script=Han}|\p{Script=Katakana}/u.test(t.text)) &&
          !namesTitle(t.text, titleWords),
      ));
  if (distinct(current) > 1) {
    const whole = current.filter((s) => s.whole || !subjectIsPart(s));
    if (whole.length && distinct(whole) === 1 && whole.length < current.length) {
      because = 'said of the goal as a whole';
      current = whole;
    }
  }
  if (corrected && !because) because = 'your correction';
  else if (!because && found.some((s) => s.past && !current.includes(s)))
    because = 'what holds now';
  else if (!because && found.some((s) => s.negated)) because = undefined;
  const others = found.filter((s) => !current.includes(s));
  const chosen = current.at(-1) as StatusMention;
  if (distinct(current) > 1) {
    const names = [...new Set(current.map((s) => formatStatus(s.status)))];
    const alternative = current.some((s) => s.alternative);
    return {
      chosen,
      others,
      doubt: alternative ? `${names.join(' or ')}?` : `the line says ${names.join(' and ')}`,
    };
  }
  if (subjectIsPart(chosen)) {
    const part = chosen.object ? 'what follows it' : chosen.subject.map((t) => t.text).join(' ');
    return {
      chosen,
      others,
      doubt: `"${excerpt(part, 30)}" may be a part of the goal: is the whole goal ${formatStatus(chosen.status)}?`,
    };
  }
  return { chosen, others, ...(because ? { because } : {}) };
}

const TIME_WORDS =
  /^(?:q[1-4]|quarter|month|week|year|next|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|\d+)$/;

/** Whether a time ("Q3", "next month", "the new quarter") follows token `i`. */
function timeFollows(tokens: readonly Token[], i: number): boolean {
  return tokens.slice(i, i + 4).some((t) => TIME_WORDS.test(t.text));
}

// Question marks, and the particles that make a Chinese sentence a question ("完成了吗").
const QUESTION = new Set(['?', '¿', '吗', '嗎', '呢']);

/** A mention's words as the manager typed them. */
function typed(tokens: readonly Token[], line: string, mention: Mention): string {
  return line.slice((tokens[mention.from] as Token).start, (tokens[mention.to - 1] as Token).end);
}

/** Whether a word is one of the title's, or shares its stem ("migration" and "Migrate"). */
function namesTitle(word: string, titleWords: ReadonlySet<string>): boolean {
  if (titleWords.has(word)) return true;
  for (const title of titleWords) {
    let shared = 0;
    while (shared < word.length && word[shared] === title[shared]) shared++;
    if (shared >= 5 || (shared >= 4 && shared === Math.min(word.length, title.length))) return true;
  }
  return false;
}

function distinct(list: readonly StatusMention[]): number {
  return new Set(list.map((s) => s.status)).size;
}

/** Why a reading is uncertain: a question, a hedge near it, "-ish". */
function doubtsOf(
  tokens: readonly Token[],
  line: string,
  mentions: readonly Mention[],
  chosen: Mention,
  from: number,
): string | undefined {
  const clause = clausesOf(tokens, mentions, from);
  const c = clause[chosen.from] as number;
  // A question about the status: "done?", "is 3 done?", "¿terminado?" (not one in a note).
  const asked = tokens.some(
    (t, i) =>
      i >= from &&
      ((QUESTION.has(t.text) && i >= chosen.from) ||
        (t.text === '¿' && i < chosen.from) ||
        (t.text === 'か' && i === tokens.length - 1)) &&
      (clause[i] === c || (clause[i] === c + 1 && i === chosen.to) || i === chosen.to),
  );
  // "Is 6 done? Yes, as of Friday": a question answered yes is no question.
  let lastQuestion = -1;
  for (const [k, t] of tokens.entries()) if (QUESTION.has(t.text)) lastQuestion = k;
  const answeredYes =
    lastQuestion >= 0 && [1, 2].some((k) => V.yes.has(tokens[lastQuestion + k]?.text ?? ''));
  if (asked && !answeredYes) return 'it is a question';
  const doubt = mentions.find((m) => hasMeaning(m, 'doubt') && !statusOf(m));
  if (doubt) return `"${typed(tokens, line, doubt)}" sounds unsure`;
  const hedge = mentions.find(
    (m) =>
      hasMeaning(m, 'hedge') &&
      m.from >= from &&
      (clause[m.from] === c || (clause[m.from] === c + 1 && m.from >= chosen.to)) &&
      !statusOf(m),
  );
  if (hedge) return `"${typed(tokens, line, hedge)}" sounds unsure`;
  const ish = tokens.find(
    (t, i) =>
      i >= chosen.to &&
      i <= chosen.to + 1 &&
      (t.text === 'ish' || t.text.endsWith('ish')) &&
      t.joined,
  );
  if (ish) return `"-ish" sounds unsure`;
  // "done except the docs", "only the KDC part is done": a part of the goal.
  // Before the status ("only the docs are on hold") for any status; after it ("done except
  // the docs") for Done, which it contradicts.
  const isDone = statusOf(chosen)?.status === 'done';
  const part = mentions.find(
    (m) =>
      (isDone || (m.to < chosen.from && clause[m.from] === c)) &&
      // "solo rimandato", "only partially done": it says how, not which part.
      m.to !== chosen.from &&
      hasMeaning(m, 'partial') &&
      !statusOf(m) &&
      m.from >= from &&
      (clause[m.from] === c || clause[m.from] === c + 1),
  );
  if (part) return `"${typed(tokens, line, part)}" sounds like a part of the goal`;
  // "on hold until Q3", "done pending review": for now, or on a condition.
  const condition = mentions.find(
    (m) =>
      hasMeaning(m, 'condition') &&
      m.from >= chosen.to &&
      (clause[m.from] === c || clause[m.from] === c + 1) &&
      // "on hold until Q3" may be Postponed, "parked until the review" may be Blocked; a
      // status postponed until something is just that.
      (statusOf(chosen)?.status === 'stalled' ||
        !/^(?:until|till|bis|hasta|até|fino)/.test(m.phrase.words[0] ?? '')),
  );
  if (condition) return `"${typed(tokens, line, condition)}" makes it conditional`;
  // "done, or will be by Friday", "done or at least the part we own": another possibility.
  const or = mentions.find(
    (m) =>
      hasMeaning(m, 'or') &&
      m.from >= chosen.to &&
      (mentions.some(
        (x) =>
          x.from >= m.to &&
          (statusOf(x) ||
            ['future', 'hedge', 'doubt', 'negator', 'partial'].some((k) =>
              hasMeaning(x, k as never),
            )),
      ) ||
        tokens
          .slice(m.to)
          .some((x) => QUESTION.has(x.text) || x.text === 'least' || x.text === 'part')),
  );
  if (or) return `"${typed(tokens, line, or)}" leaves another possibility open`;
  // "stuck, waiting on SRE", "travado, esperando o time": stalled, or blocked by someone?
  if (statusOf(chosen)?.status === 'stalled') {
    const waiting = mentions.find(
      (m) =>
        m.from >= chosen.to &&
        statusOf(m)?.status === 'blocked' &&
        !mentions.some((n) => hasMeaning(n, 'negator') && n.to <= m.from && m.from - n.to <= 2),
    );
    if (waiting) return `"${typed(tokens, line, waiting)}" sounds like Blocked`;
  }
  // An emoji and words that say something else ("⏸️ waiting on legal").
  if ((tokens[chosen.from] as Token).kind === 'emoji') {
    const state = statusOf(chosen)?.status;
    const other = mentions.find(
      (m) =>
        m.from >= chosen.to &&
        statusOf(m) &&
        statusOf(m)?.status !== state &&
        !mentions.some((p) => hasMeaning(p, 'past') && clause[p.from] === clause[m.from]),
    );
    if (other)
      return `${typed(tokens, line, chosen)} and "${typed(tokens, line, other)}" say different things`;
  }
  return undefined;
}

/** "unblocked" for a goal that was not Blocked or Stalled: what moved again? */
function resumptionDoubt(
  mention: Mention,
  targets: readonly ReplyTarget[],
  context: ReadContext,
  mentions: readonly Mention[],
): string | undefined {
  if (!V.resumptions.has(mention.phrase.words.join(' '))) return undefined;
  // "unblocked, started yesterday", "was blocked for two weeks, unblocked": the line says more.
  const more = mentions.some((m) => {
    const other = m !== mention ? statusOf(m)?.status : undefined;
    return other === 'in_progress' || other === 'blocked' || other === 'stalled';
  });
  if (more) return undefined;
  for (const target of targets) {
    const number = numberOf(target, context);
    const status = number === undefined ? undefined : context.goals?.[number - 1]?.status;
    if (status && status !== 'blocked' && status !== 'stalled')
      return `goal ${number} is ${formatStatus(status)}, not Blocked or Stalled`;
  }
  return undefined;
}

/** The listed goal a target names, when the reader can tell. */
function numberOf(target: ReplyTarget, context: ReadContext): number | undefined {
  if (target.kind === 'number' || target.kind === 'title') return target.number;
  if (target.kind === 'task') {
    const index = context.goals?.findIndex((g) => g.taskIds?.includes(target.taskId)) ?? -1;
    return index < 0 ? undefined : index + 1;
  }
  return undefined;
}

// --- lines with references ------------------------------------------------------------------

function titleWordsOf(targets: readonly ReplyTarget[], context: ReadContext): Set<string> {
  const words = new Set<string>();
  for (const target of targets) {
    const number =
      target.kind === 'number'
        ? target.number
        : target.kind === 'title'
          ? target.number
          : undefined;
    const title = number === undefined ? undefined : context.goals?.[number - 1]?.title;
    if (title) for (const t of tokenize(title)) if (t.kind === 'word') words.add(t.text);
  }
  return words;
}

function readAfterRefs(
  tokens: readonly Token[],
  line: string,
  targets: ReplyTarget[],
  end: number,
  context: ReadContext,
): ReplyItem {
  const target = targets[0] as ReplyTarget;
  const start = firstContentIndex(tokens, end);
  if (start >= tokens.length)
    return unknown(line, 'a status or value is missing after the reference');
  // A key result's value: "KR2 68%", "TCB-KR2 ~2,067 maintainers".
  const value = readValue(tokens, start);
  if (value) {
    if (target.kind !== 'key-result' || targets.length > 1)
      return unknown(
        line,
        'values are recorded for key results only; give a goal a status such as "in progress"',
      );
    return metricReading(tokens, line, target, value);
  }
  const mentions = findMentions(tokens, end);
  if (target.kind === 'key-result' && !mentions.some((m) => statusOf(m) && !statusOf(m)?.weak)) {
    const later = valueLater(tokens, line, target, start, mentions);
    if (later) return later;
  }
  return statusReading(tokens, line, targets, end, mentions, context);
}

// Words before a value that say it is a change, not the value: "up 5 points", "increased by 120".
const CHANGE_WORDS = new Set([
  'up',
  'down',
  'increased',
  'decreased',
  'grew',
  'rose',
  'fell',
  'dropped',
  'gained',
  'lost',
  'by',
  'plus',
  'minus',
  'more',
  'less',
  'another',
  'um',
  'de',
  'en',
]);
// ...unless "to" says where it arrived: "down to 38%".
const ARRIVAL_WORDS = new Set(['to', 'at', 'auf', 'bei', 'a', 'al', 'à', 'em']);

/**
 * A key result's value later in the line: "KR1 liegt bei 42 %", "KR1 al 41%", "KR1 現在 39%",
 * "KR1 was 35% last month, 41% now". One value is read; a change, several values that the
 * line does not tell apart, or doubt make it a proposal.
 */
function valueLater(
  tokens: readonly Token[],
  line: string,
  target: KeyResultTarget,
  start: number,
  mentions: readonly Mention[],
): ReplyItem | undefined {
  const clause = clausesOf(tokens, mentions, start);
  const found: ValueRead[] = [];
  for (let i = start; i < tokens.length; i++) {
    if (
      tokens[i]?.kind !== 'number' &&
      !(tokens[i]?.kind === 'punct' && tokens[i + 1]?.kind === 'number')
    )
      continue;
    const value = readValue(tokens, i);
    if (!value) continue;
    found.push(value);
    i = value.end - 1;
  }
  if (found.length === 0) return undefined;
  const inPast = (v: ValueRead) =>
    mentions.some((m) => hasMeaning(m, 'past') && clause[m.from] === clause[v.start]);
  let current = found.filter((v) => !inPast(v));
  // "went up 4 points to 52%": where it arrived is the value.
  const arrived = current.filter((v) => ARRIVAL_WORDS.has(tokens[v.start - 1]?.text ?? ''));
  if (current.length > 1 && arrived.length === 1) current = arrived;
  const chosen = current.length === 1 ? (current[0] as ValueRead) : (found.at(-1) as ValueRead);
  const item = metricReading(tokens, line, target, chosen);
  if (item.kind !== 'metric') return item;
  const before = tokens.slice(start, chosen.start).map((t) => t.text);
  const change = before.some((w) => CHANGE_WORDS.has(w)) && !ARRIVAL_WORDS.has(before.at(-1) ?? '');
  const unsure = mentions.find(
    (m) => (hasMeaning(m, 'doubt') || hasMeaning(m, 'hedge')) && !statusOf(m),
  );
  const doubt = change
    ? 'it reads as a change, not the value'
    : current.length !== 1
      ? 'the line gives several values'
      : unsure
        ? `"${typed(tokens, line, unsure)}" sounds unsure`
        : undefined;
  return doubt ? { kind: 'proposal', reading: item, doubt } : item;
}

function metricReading(
  tokens: readonly Token[],
  line: string,
  target: KeyResultTarget,
  value: ValueRead,
): ReplyItem {
  if (value.problem) return unknown(line, value.problem);
  const note =
    noteAfter(tokens, line, value.end, value.unit ? 1 : 0) ??
    (value.from !== undefined ? `from ${value.from}` : undefined);
  const reading: MetricReading = {
    kind: 'metric',
    target,
    value: value.value,
    percent: value.percent,
    ...(value.unit ? { unit: value.unit } : {}),
    approximate: value.approximate,
    note:
      value.from !== undefined && note && !note.includes(String(value.from))
        ? `from ${value.from}; ${note}`
        : note,
  };
  if (value.inexact) return { kind: 'proposal', reading, doubt: value.inexact };
  if (tokens.some((t) => t.text === '?'))
    return { kind: 'proposal', reading, doubt: 'it is a question' };
  return reading;
}

function statusReading(
  tokens: readonly Token[],
  line: string,
  targets: ReplyTarget[],
  from: number,
  mentions: readonly Mention[],
  context: ReadContext,
  namesGoalBefore = 0,
): ReplyItem {
  const found = statusMentions(tokens, mentions, from, namesGoalBefore);
  const decision = decide(found, titleWordsOf(targets, context));
  if (!decision) return goalNote(tokens, line, targets, from);
  if ('none' in decision) {
    if (decision.candidate)
      return {
        kind: 'proposal',
        reading: statusOfMention(decision.candidate, targets, tokens, line),
        doubt: decision.none,
      };
    return unknown(line, decision.none);
  }
  const reading = statusOfMention(decision.chosen, targets, tokens, line, decision);
  const doubt =
    decision.doubt ??
    doubtsOf(tokens, line, mentions, decision.chosen.mention, from) ??
    resumptionDoubt(decision.chosen.mention, targets, context, mentions);
  return doubt ? { kind: 'proposal', reading, doubt } : reading;
}

const PREPOSITIONS = new Set([
  'on',
  'by',
  'for',
  'from',
  'of',
  'auf',
  'von',
  'de',
  'por',
  'par',
  'da',
  'di',
]);

function statusOfMention(
  s: StatusMention,
  targets: ReplyTarget[],
  tokens: readonly Token[],
  line: string,
  decision?: Decision,
): StatusReading {
  // "In progress In progress": the page templates print each marker twice; read it once.
  let end = s.mention.to;
  const again = findMentions(
    tokens,
    end,
    Math.min(tokens.length, end + s.mention.phrase.words.length),
  );
  if (again[0] && again[0].from === end && statusOf(again[0])?.status === s.status)
    end = again[0].to;
  // "blocked on hardware": the preposition belongs to the note.
  if (
    s.mention.to - s.mention.from > 1 &&
    PREPOSITIONS.has((tokens[s.mention.to - 1] as Token).text)
  )
    end--;
  let note = meaningfulNote(tokens, line, end);
  // Explained by the rest of the line ("design is done", "was stalled in July"): keep it.
  if (
    decision?.others.length &&
    (decision.because === 'said of the goal as a whole' || decision.because === 'what holds now') &&
    !note
  ) {
    const [from, to] = (decision.others[0] as StatusMention).span;
    note = line.slice(from, to).trim() || undefined;
  }
  const typed = line.slice(
    (tokens[s.mention.from] as Token).start,
    (tokens[s.mention.to - 1] as Token).end,
  );
  const said =
    s.mention.typo !== undefined
      ? typed
      : typed.toLowerCase() !== formatStatus(s.status).toLowerCase()
        ? typed
        : undefined;
  return {
    kind: 'status',
    targets,
    status: s.status,
    note,
    ...(said ? { said } : {}),
    ...(decision?.because ? { because: decision.because } : {}),
  };
}

/** A goal named without any status: "3 — we hired a contractor" is a note on it. */
function goalNote(
  tokens: readonly Token[],
  line: string,
  targets: ReplyTarget[],
  from: number,
): ReplyItem {
  const rest = noteAfter(tokens, line, from);
  const target = targets[0] as ReplyTarget;
  if (!rest || targets.length > 1) return unknown(line, 'a status is missing after the reference');
  const said = tokens.slice(from);
  const contentWords = said.filter((t) => t.kind === 'word' && !V.fillers.has(t.text));
  // "6 dome", "1 donee", "9 to od": one short word after the goal, a letter from a status.
  const typo = contentWords.length <= 2 ? loneTypo(said) : undefined;
  if (typo) return { kind: 'status', targets, status: typo.status, note: undefined, said: rest };
  // A word or two that is no status is more likely a status okrbot does not know than a note.
  if (contentWords.length < 3)
    return unknown(
      line,
      `"${excerpt(rest, 40)}" is not a status okrbot knows; use e.g. done, in progress, blocked, postponed`,
    );
  // "3 - reviewed by the API team, a few follow-ups", "Goal 5: we had a call with Confluent":
  // after a separator, a sentence of its own is a note on the goal.
  const separated = from > 0 && NOTE_SEPARATORS.has((tokens[from - 1] as Token).text);
  const plain = !findMentions(tokens, from).some(
    (m) =>
      statusOf(m) ||
      ['negator', 'hedge', 'doubt', 'future', 'past'].some((k) =>
        hasMeaning(m, k as Meaning['kind']),
      ),
  );
  if (separated && contentWords.length >= 5 && plain && !said.some((t) => QUESTION.has(t.text)))
    return { kind: 'note', text: rest, target };
  // More words may still say a status in words okrbot does not know ("went out the door"):
  // asked, never assumed.
  return {
    kind: 'proposal',
    reading: { kind: 'note', text: rest, target },
    doubt: 'it gives no status okrbot knows; it would be a note on the goal, its status unchanged',
  };
}

/** A status a lone mistyped word stands for ("dome", "donw", "to od"), when only one fits. */
function loneTypo(tokens: readonly Token[]): { status: Status } | undefined {
  const typed = tokens
    .filter((t) => t.kind === 'word')
    .map((t) => t.text)
    .join('');
  if (typed.length < 4 || !/^[a-z]+$/.test(typed) || V.notTypos.has(typed)) return undefined;
  const fits = new Set<Status>();
  for (const [word, status] of LONE_STATUS_WORDS)
    if (
      Math.abs(word.length - typed.length) <= 1 &&
      (distance(word, typed) === 1 || swappedOnce(word, typed))
    )
      fits.add(status);
  return fits.size === 1 ? { status: [...fits][0] as Status } : undefined;
}

function swappedOnce(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((c, i) => (c === b[i] ? [] : [i]));
  const [x, y] = diff as [number, number];
  return diff.length === 2 && y === x + 1 && a[x] === b[y] && a[y] === b[x];
}

// Single-word statuses (the statuses' own names and the strong synonyms), written joined.
const LONE_STATUS_WORDS: [string, Status][] = [
  ['done', 'done'],
  ['todo', 'to_do'],
  ['finished', 'done'],
  ['complete', 'done'],
  ['completed', 'done'],
  ['blocked', 'blocked'],
  ['stalled', 'stalled'],
  ['postponed', 'postponed'],
  ['cancelled', 'cancelled'],
  ['canceled', 'cancelled'],
  ['inprogress', 'in_progress'],
  ['ongoing', 'in_progress'],
  ['notdone', 'not_done'],
  ['paused', 'stalled'],
  ['stuck', 'stalled'],
  ['parked', 'stalled'],
  ['shipped', 'done'],
  ['delayed', 'postponed'],
  ['deferred', 'postponed'],
  ['dropped', 'cancelled'],
  ['scrapped', 'cancelled'],
];

/** A line with a reference inside it: the reference taken out, the rest read as usual. */
function readWithRefInside(
  tokens: readonly Token[],
  line: string,
  ref: Ref & { start: number; ofPart: boolean },
  context: ReadContext,
): ReplyItem {
  const from = (tokens[ref.start] as Token).start;
  const to = (tokens[ref.end - 1] as Token).end;
  // "(3)", "[3]": the brackets go with the number.
  const closing =
    tokens[ref.end]?.text === ')' || tokens[ref.end]?.text === ']'
      ? (tokens[ref.end] as Token).end
      : to;
  const opening =
    tokens[ref.start - 1]?.text === '(' || tokens[ref.start - 1]?.text === '['
      ? (tokens[ref.start - 1] as Token).start
      : from;
  const without = `${line.slice(0, opening)} ${line.slice(closing)}`.replace(/\s+/g, ' ').trim();
  const rest = tokenize(without);
  if (ref.target.kind === 'key-result') {
    const value = readValue(rest, firstContentIndex(rest, 0));
    if (value) return metricReading(rest, without, ref.target, value);
  }
  const mentions = findMentions(rest, 0);
  if (!statusMentions(rest, mentions, 0, opening).length)
    return unknown(line, 'a status is missing: write e.g. "3 done"');
  // The words around the reference describe the goal it names, not a part of it.
  return statusReading(rest, without, [ref.target], 0, mentions, context, ref.ofPart ? 0 : opening);
}

/** No reference: "all on track", a title and a status, a note, or nothing okrbot can read. */
function readWithoutRef(tokens: readonly Token[], line: string, context: ReadContext): ReplyItem {
  const mentions = findMentions(tokens, 0);
  const found = statusMentions(tokens, mentions, 0).filter(
    (s) => !statusOf(s.mention)?.weak || s.mention.from > 0,
  );
  const strong = found.filter((s) => !statusOf(s.mention)?.weak);
  const contentWords = tokens.filter((t) => t.kind === 'word' && !V.fillers.has(t.text));
  if (strong.length === 0) {
    // Nothing about a status: the words are a note for the month's report, unless they name
    // a goal, sound unsure or ask something (then they are proposed).
    if (contentWords.length >= 3 || (contentWords.length >= 1 && line.length >= 20))
      return proseNote(tokens, line, mentions, found, context);
    return unknown(
      line,
      'no goal and no status found in this line; start with the goal\'s number (e.g. "3 done"), or write "note: ..." for the report',
    );
  }
  // Words from a goal's title before the status: "mediarequests API in progress",
  // "Work through the backlog of WDQS bugs—Yes Done".
  const first = strong[0] as StatusMention;
  const titleTokens = titleBefore(tokens, mentions, first.mention.from);
  if (titleTokens.length === 0) {
    const name = formatStatus(first.status);
    return unknown(line, `which goal is ${name}? Start the line with its number, task id or title`);
  }
  const words = line.slice((titleTokens[0] as Token).start, (titleTokens.at(-1) as Token).end);
  if (titleTokens.length > MAX_TITLE_WORDS)
    return unknown(
      line,
      'this reads as a sentence, not a goal: start the line with the goal number or task id',
    );
  const match: TitleMatch | undefined = context.goals
    ? matchTitle(
        words,
        context.goals.map((g) => g.title),
      )
    : undefined;
  if (context.goals && !match)
    return unknown(
      line,
      `no goal in the list matches "${excerpt(words, 40)}"; start the line with its number`,
    );
  const target: ReplyTarget = {
    kind: 'title',
    words,
    ...(match ? { number: match.index + 1 } : {}),
  };
  const item = statusReading(tokens, line, [target], 0, mentions, context, line.length);
  if (match && !match.sure && item.kind !== 'unknown') {
    const reading = item.kind === 'proposal' ? item.reading : (item as ProposedReading);
    return {
      kind: 'proposal',
      reading,
      doubt: `"${excerpt(words, 40)}" reads as goal ${match.index + 1} (${excerpt(match.title, 40)})`,
    };
  }
  return item;
}

const TITLE_BREAK = new Set([',', ';', '.', '!', '?', '…']);

/** The words of a title before token `end`: back to the start or a sentence break. */
function titleBefore(tokens: readonly Token[], mentions: readonly Mention[], end: number): Token[] {
  let start = end;
  while (start > 0 && !TITLE_BREAK.has((tokens[start - 1] as Token).text)) start--;
  const markers = new Set<number>();
  for (const m of mentions)
    if (!statusOf(m) && !hasMeaning(m, 'filler') && m.to <= end)
      for (let i = m.from; i < m.to; i++) markers.add(i);
  const words: Token[] = [];
  for (let i = start; i < end; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'word' || t.kind === 'number') if (!markers.has(i)) words.push(t);
  }
  // Filler at the ends is not part of the title ("Kerberos is", "the API work is").
  while (words.length && V.fillers.has((words.at(-1) as Token).text)) words.pop();
  while (words.length && V.fillers.has((words[0] as Token).text)) words.shift();
  return words;
}

/** Goals a line names by a word only their title has ("EventGate", "Kerberos"). */
function goalsNamedIn(tokens: readonly Token[], context: ReadContext): number[] {
  const titles = context.goals ?? [];
  const distinctive = titles.map((goal) => new Set(distinctiveWords(goal.title)));
  const counts = new Map<string, number>();
  for (const words of distinctive) for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const named = new Set<number>();
  for (const t of tokens)
    distinctive.forEach((words, i) => {
      if (t.kind === 'word' && words.has(t.text) && counts.get(t.text) === 1) named.add(i + 1);
    });
  return [...named];
}

// Words that start titles without naming what they are about.
const GENERIC_TITLE_WORDS = new Set([
  'continue',
  'migrate',
  'deprecate',
  'make',
  'improve',
  'move',
  'add',
  'create',
  'build',
  'increase',
  'reduce',
  'support',
  'implement',
  'release',
  'set',
  'update',
  'public',
  'data',
  'new',
  'work',
  'develop',
  'enable',
  'provide',
  'define',
  'finish',
  'start',
  'complete',
  'launch',
  'review',
  'design',
  'plan',
  'run',
  'test',
  'write',
  'document',
  'clean',
  'remove',
  'replace',
  'upgrade',
  'investigate',
  'explore',
  'evaluate',
]);

/** Title words that name a thing: capitalised (not first), mixed case, acronyms, long words. */
function distinctiveWords(title: string): string[] {
  const raw = title.match(/[\p{L}\p{N}]+/gu) ?? [];
  // "(entropy based)": what a title says in brackets names it.
  const bracketed = new Set((title.match(/\(([^)]*)\)/)?.[1] ?? '').match(/[\p{L}\p{N}]+/gu) ?? []);
  return raw
    .filter(
      (word) =>
        /^\p{Lu}/u.test(word) ||
        /\p{Ll}\p{Lu}/u.test(word) ||
        word.length >= 8 ||
        bracketed.has(word),
    )
    .map((word) => foldWord(word))
    .filter((word) => !V.fillers.has(word) && !GENERIC_TITLE_WORDS.has(word) && word.length >= 3);
}

/** A note for the month's report, or a proposal when it may be about a goal or unsure. */
function proseNote(
  tokens: readonly Token[],
  line: string,
  mentions: readonly Mention[],
  found: readonly StatusMention[],
  context: ReadContext,
  text = line,
): ReplyItem {
  const count = context.goals?.length ?? 0;
  // A number followed by a word counts something ("2 incidents", "3 people", "8 of our 12").
  const numbers = tokens.filter(
    (t, k) =>
      (t.kind === 'number' &&
        Number(t.text) >= 1 &&
        Number(t.text) <= count &&
        t.text.length <= 2 &&
        !(
          tokens[k + 1]?.kind === 'word' &&
          !V.fillers.has(tokens[k + 1]?.text ?? '') &&
          !statusBefore(tokens, k + 2)
        ) &&
        !CLASSIFIERS.has(tokens[k + 1]?.text ?? '')) ||
      (t.kind === 'word' && TASK.test(t.text)),
  );
  const unsure = mentions.some(
    (m) => (hasMeaning(m, 'doubt') || hasMeaning(m, 'hedge')) && !statusOf(m),
  );
  const asks = tokens.some((t) => QUESTION.has(t.text));
  const named = goalsNamedIn(tokens, context);
  const strongSaid = found.some((s) => !statusOf(s.mention)?.weak);
  if (strongSaid || asks || unsure)
    return {
      kind: 'proposal',
      reading: { kind: 'note', text },
      doubt: asks
        ? 'it asks something'
        : unsure
          ? 'it sounds unsure'
          : 'it mentions a status without saying of which goal',
    };
  if (named.length === 1)
    return {
      kind: 'proposal',
      reading: { kind: 'note', text, target: { kind: 'number', number: named[0] as number } },
      doubt: `it reads as a note on goal ${named[0]} (${excerpt(context.goals?.[(named[0] as number) - 1]?.title ?? '', 40)})`,
    };
  if (numbers.length || named.length > 1)
    return {
      kind: 'proposal',
      reading: { kind: 'note', text },
      doubt: 'it mentions goals: is it a note for the report?',
    };
  return { kind: 'note', text };
}

// --- notes ----------------------------------------------------------------------------------

const LEADING_SEPARATORS = /^[\s:,;.!?\-–—=→>)\]]+/;

/** The text after token `index` (skipping `skip` more tokens), as the manager wrote it. */
function noteAfter(
  tokens: readonly Token[],
  line: string,
  index: number,
  skip = 0,
): string | undefined {
  const token = tokens[index + skip];
  if (!token) return undefined;
  const text = line.slice(token.start).replace(LEADING_SEPARATORS, '').trim();
  if (!text || !/[\p{L}\p{N}]/u.test(text) || text.length === 0) return undefined;
  return text;
}

/** The note after a status, unless it is only words like "now" or "again". */
function meaningfulNote(tokens: readonly Token[], line: string, index: number): string | undefined {
  const rest = tokens.slice(index).filter((t) => t.kind !== 'punct');
  const markers = findMentions(tokens, index);
  const covered = new Set<number>();
  for (const m of markers) if (!statusOf(m)) for (let i = m.from; i < m.to; i++) covered.add(i);
  const meaningful = rest.some((t) => {
    const i = tokens.indexOf(t);
    return !covered.has(i) && !V.fillers.has(t.text);
  });
  return meaningful ? noteAfter(tokens, line, index) : undefined;
}
