import { distance } from 'fastest-levenshtein';
import type { Token } from './reply-tokens.ts';
import { type Meaning, type Phrase, VOCABULARY, type Vocabulary } from './reply-vocabulary.ts';

// The phrases of the vocabulary found in a line: at each token the longest phrase that starts
// there, one mention per place. A word of a status phrase may carry one typo ("fnished",
// "in progres", "bloked"): one letter missing, extra, wrong, or two letters swapped, in words of
// six letters or more that are not real words themselves. The work per token is bounded by the
// phrases sharing its first word, so a line is read in linear time.

export interface Mention {
  phrase: Phrase;
  meanings: Meaning[];
  /** Token range [from, to). */
  from: number;
  to: number;
  /** The words as typed, when one was read as a typo of a vocabulary word. */
  typo?: { typed: string; read: string };
}

/** The vocabulary words a typed word may be a typo of (none when it is a word itself). */
function typoReadings(word: string, vocabulary: Vocabulary): string[] {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return [];
  if (vocabulary.known.has(word) || vocabulary.notTypos.has(word)) return [];
  // Short words are forgiven two swapped letters only ("doen"), nothing else.
  if (word.length < 6)
    return vocabulary.swapTargets.filter(
      (target) => target.length === word.length && swapped(word, target),
    );
  return vocabulary.typoTargets.filter((target) => {
    if (Math.abs(target.length - word.length) > 1) return false;
    const d = distance(word, target);
    if (d === 1) return true;
    // Two neighbouring letters swapped: the edit distance counts two changes.
    return d === 2 && word.length === target.length && swapped(word, target);
  });
}

function swapped(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Every mention in tokens [from, to). */
export function findMentions(
  tokens: readonly Token[],
  from = 0,
  to = tokens.length,
  vocabulary: Vocabulary = VOCABULARY,
): Mention[] {
  const mentions: Mention[] = [];
  const typos = new Map<number, string[]>();
  const readingsAt = (i: number): string[] => {
    let found = typos.get(i);
    if (!found) {
      const token = tokens[i] as Token;
      found = token.kind === 'word' ? typoReadings(token.text, vocabulary) : [];
      typos.set(i, found);
    }
    return found;
  };
  let i = from;
  while (i < to) {
    const word = (tokens[i] as Token).text;
    const firsts = [word, ...readingsAt(i)];
    let best: Mention | undefined;
    for (const first of firsts) {
      for (const phrase of vocabulary.byFirst.get(first) ?? []) {
        if (best && best.to - best.from >= phrase.words.length) break;
        if (i + phrase.words.length > to) continue;
        let typo: Mention['typo'];
        let ok = true;
        for (let k = 0; k < phrase.words.length && ok; k++) {
          const expected = phrase.words[k] as string;
          const typed = (tokens[i + k] as Token).text;
          if (typed === expected) continue;
          // Only status words are corrected, and only one per phrase.
          // Only words of strong status phrases are corrected ("deploy" is no "deployed").
          ok =
            !typo &&
            phrase.meanings.some((m) => m.kind === 'status' && !m.weak) &&
            readingsAt(i + k).includes(expected);
          if (ok) typo = { typed, read: expected };
        }
        if (!ok) continue;
        best = { phrase, meanings: phrase.meanings, from: i, to: i + phrase.words.length, typo };
      }
    }
    if (best) {
      mentions.push(best);
      i = best.to;
    } else i++;
  }
  return mentions;
}

export function hasMeaning(mention: Mention, kind: Meaning['kind']): boolean {
  return mention.meanings.some((m) => m.kind === kind);
}

export function statusOf(mention: Mention): Extract<Meaning, { kind: 'status' }> | undefined {
  return mention.meanings.find((m) => m.kind === 'status') as
    | Extract<Meaning, { kind: 'status' }>
    | undefined;
}
