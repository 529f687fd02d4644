import type { Token } from './reply-tokens.ts';
import { VOCABULARY, type Vocabulary } from './reply-vocabulary.ts';

// A key result's value as managers write it: `68%`, `2,067`, `12,5 %`, `-5%`, `~40%`,
// `about 30%`, `2.1k`, `1.2M`, `forty percent`, `½`, `went from 1900 to 2010`, `2067 maintainers`.
// What cannot be stored exactly is refused, never rounded; a range, "40-ish" or "at least 40"
// is not one value, and the reader proposes it rather than records it.

export interface ValueRead {
  value: number;
  percent: boolean;
  /** A unit word after the value and what it measures: `days` (time), `maintainers` (people). */
  unit?: { word: string; measure: string };
  /** "about", "~": recorded as given, and said so. */
  approximate: boolean;
  /** Why this is not one exact value ("a range", "40-ish"), when it is not. */
  inexact?: string;
  /** "from 1900 to 2010": the earlier value. */
  from?: number;
  /** Tokens [start, end) the value took. */
  start: number;
  end: number;
  /** Set when the number cannot be stored exactly (and nothing is recorded). */
  problem?: string;
}

/** Significant digits a stored value keeps exactly (a double holds 15 for certain). */
const MAX_DIGITS = 15;

const SUFFIX: Record<string, number> = {
  k: 1e3,
  m: 1e6,
  thousand: 1e3,
  million: 1e6,
  mio: 1e6,
  tausend: 1e3,
  mil: 1e3,
  mille: 1e3,
  millions: 1e6,
};

/** A number as written: `2,067` groups thousands, `12,5` has a decimal comma. */
function numeral(text: string): { value: number; digits: string } | undefined {
  let body = text;
  let scale = 1;
  const suffix = /[km]$/.exec(body);
  if (suffix) {
    scale = SUFFIX[suffix[0]] as number;
    body = body.slice(0, -1);
  }
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(body)) body = body.replace(/,/g, '');
  else if (/^\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?$/.test(body))
    body = body.replace(/\./g, '').replace(',', '.');
  else if (/^\d+,\d+$/.test(body)) body = body.replace(',', '.');
  if (!/^\d+(?:\.\d+)?(?:e[-+]?\d+)?$/.test(body)) return undefined;
  const value = Number(body) * scale;
  return { value, digits: body.replace(/e.*$/, '').replace('.', '').replace(/^0+/, '') };
}

/** Why a value cannot be stored exactly, if so. */
function storageProblem(value: number, digits: string, written: string): string | undefined {
  if (!Number.isFinite(value)) return `${written} is not a number okrbot can store`;
  if (digits.length > MAX_DIGITS || Math.abs(value) >= 1e15)
    return `${written} has more digits than okrbot stores exactly (${MAX_DIGITS} significant digits); give a shorter value or use a larger unit`;
  return undefined;
}

/** A number (with sign, fraction or number words) at token `i`: its value and the next index. */
function numberAt(
  tokens: readonly Token[],
  i: number,
  vocabulary: Vocabulary,
): { value: number; digits: string; written: string; next: number } | undefined {
  let sign = 1;
  let at = i;
  const first = tokens[at];
  if (!first) return undefined;
  const signToken = first.kind === 'punct' && ['-', '+', '−'].includes(first.text);
  if (signToken) {
    const next = tokens[at + 1];
    if (next?.kind !== 'number' || next.start !== first.end) return undefined;
    sign = first.text === '+' ? 1 : -1;
    at++;
  }
  const token = tokens[at] as Token;
  if (token.kind === 'number') {
    const read = numeral(token.text);
    if (!read) return undefined;
    // A fraction: 1/2, 3⁄4 (½ is written 1⁄2 once normalised).
    const slash = tokens[at + 1];
    const denominator = tokens[at + 2];
    if (
      slash &&
      denominator?.kind === 'number' &&
      (slash.text === '/' || slash.text === '⁄') &&
      slash.start === token.end &&
      denominator.start === slash.end
    ) {
      const d = numeral(denominator.text);
      if (!d || d.value === 0) return undefined;
      const value = (sign * read.value) / d.value;
      // Only fractions with a finite decimal are exact: 1/2, 3/4, 1/8; not 1/3.
      const exact = Number(value.toFixed(6)) === value;
      return {
        value: exact ? value : Number.NaN,
        digits: exact ? String(Math.abs(value)).replace('.', '').replace(/^0+/, '') : '',
        written: `${token.text}/${denominator.text}`,
        next: at + 3,
      };
    }
    let value = sign * read.value;
    let next = at + 1;
    // "1 990", "2 000": thousands grouped by spaces (French, and many others).
    let digits = read.digits;
    let written = token.text;
    while (
      /^\d{1,3}$/.test(written.split(' ')[0] ?? '') &&
      tokens[next]?.kind === 'number' &&
      /^\d{3}$/.test(tokens[next]?.text ?? '') &&
      tokens[next]?.start === (tokens[next - 1] as Token).end + 1
    ) {
      written = `${written} ${tokens[next]?.text}`;
      value = sign * Number(written.replace(/ /g, ''));
      digits = written.replace(/ /g, '').replace(/^0+/, '');
      next++;
    }
    const scaleWord = tokens[next];
    if (scaleWord?.kind === 'word' && SUFFIX[scaleWord.text] && scaleWord.text.length > 1) {
      value *= SUFFIX[scaleWord.text] as number;
      next++;
    }
    return { value, digits, written: `${signToken ? first.text : ''}${written}`, next };
  }
  // Number words: "forty", "forty-five", "a hundred", "two thousand and twelve".
  return numberWords(tokens, at, sign, vocabulary);
}

/** A number written in words, composed: units and tens, hundred and thousand multiply. */
function numberWords(
  tokens: readonly Token[],
  start: number,
  sign: number,
  vocabulary: Vocabulary,
): { value: number; digits: string; written: string; next: number } | undefined {
  let total = 0;
  let group = 0;
  let at = start;
  let read = false;
  for (;;) {
    const token = tokens[at];
    if (!token) break;
    const pair = tokens[at + 1] ? `${token.text} ${tokens[at + 1]?.text}` : '';
    const two = vocabulary.numbers.get(pair);
    const value = two ?? vocabulary.numbers.get(token.text);
    const scale = SUFFIX[token.text];
    if (value !== undefined && value < 100) {
      group += value;
      at += two !== undefined ? 2 : 1;
    } else if (value === 100 || token.text === 'hundred') {
      group = (group || 1) * 100;
      at += two !== undefined ? 2 : 1;
    } else if (read && scale && token.text.length > 1) {
      total += (group || 1) * scale;
      group = 0;
      at++;
    } else if (
      read &&
      token.text === 'and' &&
      tokens[at + 1] &&
      vocabulary.numbers.has(tokens[at + 1]?.text as string)
    ) {
      at++;
      continue;
    } else break;
    read = true;
  }
  if (!read) return undefined;
  const value = sign * (total + group);
  const written = tokens
    .slice(start, at)
    .map((t) => t.text)
    .join(' ');
  return { value, digits: String(Math.abs(value)), written, next: at };
}

/** How many tokens a percent sign or word takes at `i` (0 when none). */
function percentAt(tokens: readonly Token[], i: number, vocabulary: Vocabulary): number {
  const token = tokens[i];
  if (!token) return 0;
  if (token.text === '%' || token.text === '％') return 1;
  if (vocabulary.percentWords.has(token.text)) return 1;
  const pair = tokens[i + 1] ? `${token.text} ${tokens[i + 1]?.text}` : '';
  return vocabulary.percentWords.has(pair) ? 2 : 0;
}

const RANGE_WORDS = new Set([
  'to',
  'bis',
  'a',
  'à',
  'al',
  'até',
  'and',
  'und',
  'y',
  'et',
  'e',
  'or',
  'oder',
  'ou',
  '〜',
]);
const FROM_WORDS = new Set(['from', 'von', 'de', 'desde', 'da', 'dal']);
const BETWEEN = new Set(['between', 'zwischen', 'entre', 'tra', 'fra']);
const ARROWS = new Set(['→', '->', '⇒', '=>']);

/**
 * The value at token `start` (after a key result's reference and filler), or undefined when
 * the tokens there do not begin with one.
 */
export function readValue(
  tokens: readonly Token[],
  start: number,
  vocabulary: Vocabulary = VOCABULARY,
): ValueRead | undefined {
  let i = start;
  let approximate = false;
  let inexact: string | undefined;
  // Words before the number: "about", "~", "at least"; "went from", "up from".
  for (let guard = 0; guard < 3 && i < tokens.length; guard++) {
    const token = tokens[i] as Token;
    const pair = tokens[i + 1] ? `${token.text} ${tokens[i + 1]?.text}` : '';
    if (vocabulary.inexact.has(pair)) {
      inexact = `"${pair}" is not one value`;
      i += 2;
    } else if (vocabulary.inexact.has(token.text)) {
      inexact = `"${token.text}" is not one value`;
      i++;
    } else if (vocabulary.approximate.has(pair)) {
      approximate = true;
      i += 2;
    } else if (vocabulary.approximate.has(token.text)) {
      approximate = true;
      i++;
    } else break;
  }
  let fromValue: number | undefined;
  // "between 30 and 40": a range.
  if (tokens[i] && BETWEEN.has((tokens[i] as Token).text)) {
    const a = numberAt(tokens, i + 1, vocabulary);
    const aEnd = a ? a.next + percentAt(tokens, a.next, vocabulary) : 0;
    const joiner = a ? tokens[aEnd] : undefined;
    const b =
      joiner && RANGE_WORDS.has(joiner.text) ? numberAt(tokens, aEnd + 1, vocabulary) : undefined;
    if (a && b) {
      const bPercent = percentAt(tokens, b.next, vocabulary);
      return {
        value: a.value,
        percent: bPercent > 0 || aEnd > a.next,
        approximate,
        inexact: `${a.written} to ${b.written} is a range, not one value`,
        start,
        end: b.next + bPercent,
      };
    }
  }
  // "went from 1900 to 2010", "from 1900 to 2010", "1900 → 2010".
  const lead = tokens[i];
  const afterLead =
    lead && FROM_WORDS.has(lead.text)
      ? i + 1
      : lead &&
          ['went', 'grew', 'rose', 'up', 'down', 'fell'].includes(lead.text) &&
          tokens[i + 1] &&
          FROM_WORDS.has(tokens[i + 1]?.text as string)
        ? i + 2
        : undefined;
  if (afterLead !== undefined) {
    const a = numberAt(tokens, afterLead, vocabulary);
    if (!a) return undefined;
    let j = a.next + percentAt(tokens, a.next, vocabulary);
    const joiner = tokens[j];
    if (!joiner || !(RANGE_WORDS.has(joiner.text) || ARROWS.has(joiner.text))) return undefined;
    fromValue = a.value;
    i = j + 1;
    j = i;
  }
  const number = numberAt(tokens, i, vocabulary);
  if (!number) return undefined;
  // "+3%", "-5%": a change more often than the value; "2.040": 2040 or 2.04?
  if (number.written.startsWith('+'))
    inexact = `${number.written} reads as a change, not the value`;
  else if (number.value < 0) inexact = `${number.written} is below zero: a change, or the value?`;
  else if (/^\d{1,3}\.\d{3}$/.test(number.written))
    inexact = `${number.written} may be ${number.written.replace('.', '')} or ${number.written}`;
  let next = number.next;
  let percent = false;
  const p = percentAt(tokens, next, vocabulary);
  if (p) {
    percent = true;
    next += p;
  }
  // "thirty-something", "40-odd".
  if (
    tokens[next]?.kind === 'word' &&
    vocabulary.inexact.has(tokens[next]?.text as string) &&
    tokens[next]?.joined
  ) {
    inexact = `"${number.written}-${tokens[next]?.text}" is not one value`;
    next++;
  }
  // "40-ish", "40ish", "40 or so".
  const after = tokens[next];
  if (
    after?.text === 'ish' ||
    (after?.kind === 'word' && after.text.endsWith('ish') && after.start === tokens[next - 1]?.end)
  ) {
    inexact = `"${number.written}-ish" is not one value`;
    next++;
  }
  const pair =
    tokens[next] && tokens[next + 1] ? `${tokens[next]?.text} ${tokens[next + 1]?.text}` : '';
  if (vocabulary.inexact.has(pair)) {
    inexact = `"${pair}" is not one value`;
    next += 2;
  }
  // A range: 30-40%, 30 to 40%, between 30 and 40 (but "1900 → 2010" is a change).
  const joiner = tokens[next];
  if (
    fromValue === undefined &&
    joiner &&
    (['-', '–', '—', '~'].includes(joiner.text) ||
      RANGE_WORDS.has(joiner.text) ||
      ARROWS.has(joiner.text))
  ) {
    const second = numberAt(tokens, next + 1, vocabulary);
    if (second) {
      if (ARROWS.has(joiner.text)) {
        fromValue = number.value;
        next = second.next + percentAt(tokens, second.next, vocabulary);
        const problem = storageProblem(second.value, second.digits, second.written);
        return finish(
          second.value,
          percent || percentAt(tokens, second.next, vocabulary) > 0,
          next,
          problem,
        );
      }
      inexact = `${number.written} to ${second.written} is a range, not one value`;
      next = second.next + percentAt(tokens, second.next, vocabulary);
      if (percentAt(tokens, second.next, vocabulary)) percent = true;
    }
  }
  return finish(
    number.value,
    percent,
    next,
    storageProblem(number.value, number.digits, number.written),
  );

  function finish(
    value: number,
    isPercent: boolean,
    end: number,
    problem: string | undefined,
  ): ValueRead {
    const unitToken = tokens[end];
    const measure = unitToken && !isPercent ? vocabulary.units.get(unitToken.text) : undefined;
    return {
      value,
      percent: isPercent,
      ...(measure && unitToken ? { unit: { word: unitToken.text, measure } } : {}),
      approximate,
      ...(inexact ? { inexact } : {}),
      ...(fromValue !== undefined ? { from: fromValue } : {}),
      start,
      end,
      ...(problem ? { problem } : {}),
    };
  }
}
