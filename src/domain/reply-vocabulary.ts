import { z } from 'zod';
import { type Token, tokenize } from './reply-tokens.ts';
import data from './reply-vocabulary.json' with { type: 'json' };
import { STATUSES, type Status } from './status.ts';

// The reply vocabulary (reply-vocabulary.json) checked and indexed for the reader: every phrase
// tokenized as reply lines are, and looked up by its first token, longest phrase first.

const byLanguage = z.record(z.string(), z.array(z.string().min(1)));

const schema = z.object({
  languages: z.array(z.string()),
  statuses: z.record(z.enum(STATUSES), byLanguage),
  weak: byLanguage,
  notTypos: z.array(z.string()),
  negators: byLanguage,
  negatorsAfter: byLanguage,
  past: byLanguage,
  present: byLanguage,
  future: byLanguage,
  corrections: byLanguage,
  retractions: byLanguage,
  hedges: byLanguage,
  partial: byLanguage,
  conditions: byLanguage,
  resumptions: byLanguage,
  doubts: byLanguage,
  or: byLanguage,
  but: byLanguage,
  and: byLanguage,
  wholeGoal: byLanguage,
  goalWords: byLanguage,
  everyGoal: byLanguage,
  determiners: byLanguage,
  noteTarget: byLanguage,
  correctionLabels: byLanguage,
  fillers: byLanguage,
  noteLabels: byLanguage,
  greetings: byLanguage,
  allOnTrack: byLanguage,
  nothingChanged: byLanguage,
  yes: byLanguage,
  no: byLanguage,
  numbers: z.record(z.string(), z.record(z.string(), z.number())),
  percentWords: z.array(z.string()),
  approximate: byLanguage,
  inexact: z.array(z.string()),
  unitWords: z.record(z.string(), z.array(z.string())),
});

/** What a phrase found in a line means; a phrase may mean several things ("no"). */
export type Meaning =
  | { kind: 'status'; status: Status; weak: boolean }
  | {
      kind:
        | 'negator'
        | 'negatorAfter'
        | 'past'
        | 'present'
        | 'future'
        | 'correction'
        | 'retraction'
        | 'partial'
        | 'condition'
        | 'hedge'
        | 'doubt'
        | 'or'
        | 'but'
        | 'and'
        | 'wholeGoal'
        | 'filler';
    };

export interface Phrase {
  words: readonly string[];
  meanings: Meaning[];
}

/** A phrase's tokens as a key: the words joined by spaces. */
const keyOf = (words: readonly string[]) => words.join(' ');

const wordsOf = (phrase: string): string[] =>
  tokenize(phrase.replace(/-/g, ' ')).map((token) => token.text);

function phraseSet(lists: Record<string, readonly string[]> | readonly string[]): Set<string> {
  const all = Array.isArray(lists) ? lists : Object.values(lists).flat();
  return new Set(all.map((phrase) => keyOf(wordsOf(phrase))).filter(Boolean));
}

export interface Vocabulary {
  /** Phrases by their first word, longest first. */
  readonly byFirst: ReadonlyMap<string, readonly Phrase[]>;
  /** Single words of status phrases that a typo may stand for (six letters or more). */
  readonly typoTargets: readonly string[];
  /** Short status words (four or five letters), forgiven only two swapped letters. */
  readonly swapTargets: readonly string[];
  readonly notTypos: ReadonlySet<string>;
  /** Every word the vocabulary knows: never itself taken for a typo. */
  readonly known: ReadonlySet<string>;
  /** Whole-line phrases. */
  readonly greetings: ReadonlySet<string>;
  readonly allOnTrack: ReadonlySet<string>;
  readonly nothingChanged: ReadonlySet<string>;
  readonly yes: ReadonlySet<string>;
  readonly no: ReadonlySet<string>;
  readonly noteLabels: ReadonlySet<string>;
  /** Phrases meaning a goal moves again (only for one that was Blocked or Stalled). */
  readonly resumptions: ReadonlySet<string>;
  readonly goalWords: ReadonlySet<string>;
  /** "and", "und", "y", ...: what joins two goals' parts of one line. */
  readonly and: ReadonlySet<string>;
  readonly everyGoal: ReadonlySet<string>;
  readonly determiners: ReadonlySet<string>;
  readonly noteTarget: ReadonlySet<string>;
  readonly correctionLabels: ReadonlySet<string>;
  readonly fillers: ReadonlySet<string>;
  /** Single words that negate (the first words of "not done", "nicht fertig"). */
  readonly negatorWords: ReadonlySet<string>;
  readonly numbers: ReadonlyMap<string, number>;
  readonly percentWords: ReadonlySet<string>;
  readonly approximate: ReadonlySet<string>;
  readonly inexact: ReadonlySet<string>;
  /** Unit word → what it measures (`time`, `people`, `percent`, ...). */
  readonly units: ReadonlyMap<string, string>;
}

/** Builds the reader's indexes; throws with every problem when the file is malformed. */
export function buildVocabulary(source: unknown): Vocabulary {
  const vocabulary = schema.parse(source);
  const phrases = new Map<string, Phrase>();
  const add = (text: string, meaning: Meaning) => {
    const words = wordsOf(text);
    if (words.length === 0) return;
    const key = keyOf(words);
    const phrase = phrases.get(key) ?? { words, meanings: [] };
    phrase.meanings.push(meaning);
    phrases.set(key, phrase);
  };
  const weak = phraseSet(vocabulary.weak);
  for (const status of STATUSES)
    for (const text of Object.values(vocabulary.statuses[status] ?? {}).flat())
      add(text, { kind: 'status', status, weak: weak.has(keyOf(wordsOf(text))) });
  const plain = [
    'negator',
    'negatorAfter',
    'past',
    'present',
    'future',
    'correction',
    'retraction',
    'partial',
    'condition',
    'hedge',
    'doubt',
    'or',
    'but',
    'and',
    'wholeGoal',
    'filler',
  ] as const;
  const source_: Record<(typeof plain)[number], Record<string, string[]>> = {
    negator: vocabulary.negators,
    negatorAfter: vocabulary.negatorsAfter,
    past: vocabulary.past,
    present: vocabulary.present,
    future: vocabulary.future,
    correction: vocabulary.corrections,
    retraction: vocabulary.retractions,
    partial: vocabulary.partial,
    condition: vocabulary.conditions,
    hedge: vocabulary.hedges,
    doubt: vocabulary.doubts,
    or: vocabulary.or,
    but: vocabulary.but,
    and: vocabulary.and,
    wholeGoal: vocabulary.wholeGoal,
    filler: vocabulary.fillers,
  };
  for (const kind of plain)
    for (const text of Object.values(source_[kind]).flat()) add(text, { kind });

  const byFirst = new Map<string, Phrase[]>();
  for (const phrase of phrases.values()) {
    const first = phrase.words[0] as string;
    byFirst.set(first, [...(byFirst.get(first) ?? []), phrase]);
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.words.length - a.words.length);

  const statusWords = new Set(
    [...phrases.values()]
      .filter((p) => p.meanings.some((m) => m.kind === 'status' && !m.weak))
      .flatMap((p) => p.words),
  );
  const numbers = new Map<string, number>();
  for (const table of Object.values(vocabulary.numbers))
    for (const [word, value] of Object.entries(table)) numbers.set(keyOf(wordsOf(word)), value);
  const units = new Map<string, string>();
  for (const [measure, words] of Object.entries(vocabulary.unitWords))
    for (const word of words) units.set(keyOf(wordsOf(word)) || word, measure);
  const known = new Set([...phrases.values()].flatMap((p) => p.words));
  return {
    byFirst,
    typoTargets: [...statusWords].filter((word) => /^[a-z]{6,}$/.test(word)),
    swapTargets: [...statusWords].filter((word) => /^[a-z]{4,5}$/.test(word)),
    notTypos: phraseSet(vocabulary.notTypos),
    known,
    greetings: phraseSet(vocabulary.greetings),
    allOnTrack: phraseSet(vocabulary.allOnTrack),
    nothingChanged: phraseSet(vocabulary.nothingChanged),
    yes: phraseSet(vocabulary.yes),
    no: phraseSet(vocabulary.no),
    noteLabels: phraseSet(vocabulary.noteLabels),
    resumptions: phraseSet(vocabulary.resumptions),
    goalWords: phraseSet(vocabulary.goalWords),
    and: phraseSet(vocabulary.and),
    everyGoal: phraseSet(vocabulary.everyGoal),
    determiners: phraseSet(vocabulary.determiners),
    noteTarget: phraseSet(vocabulary.noteTarget),
    correctionLabels: phraseSet(vocabulary.correctionLabels),
    fillers: phraseSet(vocabulary.fillers),
    negatorWords: new Set([...phraseSet(vocabulary.negators)].filter((w) => !w.includes(' '))),
    numbers,
    percentWords: phraseSet(vocabulary.percentWords),
    approximate: phraseSet(vocabulary.approximate),
    inexact: phraseSet(vocabulary.inexact),
    units,
  };
}

/** The vocabulary okrbot reads replies with. */
export const VOCABULARY: Vocabulary = buildVocabulary(data);

/** The words of tokens from `from` to `to` (exclusive), as a phrase key. */
export function phraseKey(tokens: readonly Token[], from = 0, to = tokens.length): string {
  return keyOf(tokens.slice(from, to).map((token) => token.text));
}
