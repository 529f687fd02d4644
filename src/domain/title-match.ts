import { distance } from 'fastest-levenshtein';
import { tokenize } from './reply-tokens.ts';
import { VOCABULARY } from './reply-vocabulary.ts';

// Which goal a manager names by words of its title ("the kerberos thing", "mediarequests API",
// "eventgate migration"): the meaningful words (not fillers, three letters or more) are compared
// with each title's words, a prefix or a typo counting as a match. The best goal must be clearly
// better than the next one; it is `sure` when most of the words fit it.

export interface TitleMatch {
  index: number;
  title: string;
  /** Most words fit and nothing else comes close: recorded without asking. */
  sure: boolean;
}

function meaningful(text: string): string[] {
  return tokenize(text)
    .filter((t) => t.kind === 'word' && t.text.length >= 3 && !VOCABULARY.fillers.has(t.text))
    .map((t) => t.text);
}

/** How well one typed word fits a title word: 1 exact, 0.9 prefix, 0.8 one typo, else 0. */
function fitOf(word: string, titleWord: string): number {
  if (word === titleWord) return 1;
  if (word.length >= 4 && (titleWord.startsWith(word) || word.startsWith(titleWord))) return 0.9;
  if (
    word.length >= 5 &&
    titleWord.length >= 5 &&
    distance(word, titleWord) <= (word.length >= 8 ? 2 : 1)
  )
    return 0.8;
  return 0;
}

/** The goal whose title the words name, when exactly one fits best; undefined otherwise. */
export function matchTitle(words: string, titles: readonly string[]): TitleMatch | undefined {
  const wanted = meaningful(words);
  if (wanted.length === 0) return undefined;
  const scored = titles
    .map((title, index) => {
      const titleWords = meaningful(title);
      const hits = wanted.map((w) => Math.max(0, ...titleWords.map((t) => fitOf(w, t))));
      const score = hits.reduce((sum, h) => sum + h, 0) / wanted.length;
      return { index, title, score, strong: hits.filter((h) => h >= 0.8).length };
    })
    .filter((s) => s.score >= 0.5 && s.strong > 0)
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best) return undefined;
  if (second && second.score >= best.score - 0.15) return undefined;
  return {
    index: best.index,
    title: best.title,
    sure: best.score >= 0.75 && !(second && second.score >= 0.5),
  };
}
