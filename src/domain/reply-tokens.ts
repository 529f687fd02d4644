// A reply line as the reader sees it: tokens for words, numbers, punctuation and emoji, each
// with its place in the line as typed (so notes keep the manager's own words). Words are
// compared folded: lower case, straight apostrophes, and for Latin script without accents
// ("termine" reads as "terminé"). Chinese and Japanese characters are one token each, so their
// phrases match inside text written without spaces.

export type TokenKind = 'word' | 'number' | 'punct' | 'emoji';

export interface Token {
  kind: TokenKind;
  /** Folded text, for comparison. */
  text: string;
  /** Where it stands in the line given to `tokenize`. */
  start: number;
  end: number;
  /** Written against the token before, with a hyphen between ("in-progress", "TCB-KR2", "40-ish"). */
  joined?: boolean;
}

// One Han, Hiragana or Katakana character (with the long-vowel mark), or a Hangul syllable.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー々〆]/u;
const EMOJI = /\p{Extended_Pictographic}/u;
const LATIN_WORD = /^[\p{Script=Latin}\p{M}'0-9]+$/u;

// Words: letters and marks (Devanagari vowel signs are marks), digits inside words (q3, t2),
// and apostrophes between letters ("isn't", "l'objectif"). Numbers: digits with grouping or a
// decimal point or comma ("2,067", "12,5", "0.5"), an exponent, and a k/m suffix ("2.1k").
// Emoji: a pictograph with its modifiers, variation selector and zero-width-joined parts.
const TOKEN =
  /(?<emoji>\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F|\u20E3|\u200D\p{Extended_Pictographic}\uFE0F?)*)|(?<number>\d+(?:[.,]\d+)?[km](?![\p{L}\d])|\d+(?:[.,]\d+)?(?=ish)|\d+(?:[.,]\d+)*(?:e[-+]?\d+)?(?![\p{L}\d]))|(?<word>[\p{L}\p{M}\d]+(?:['’][\p{L}\p{M}]+)*'?)|(?<punct>\S)/giu;

/** Folds a word for comparison. */
export function foldWord(word: string): string {
  const lower = word.toLowerCase().replace(/’/g, "'");
  if (!LATIN_WORD.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
}

/** The line's tokens, in order. `line` should already be cleaned (see readableLine). */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  for (const match of line.matchAll(TOKEN)) {
    const start = match.index as number;
    const text = match[0];
    const groups = match.groups as Record<string, string | undefined>;
    if (groups.word !== undefined) {
      pushWord(tokens, text, start);
    } else if (groups.number !== undefined) {
      tokens.push({ kind: 'number', text: text.toLowerCase(), start, end: start + text.length });
    } else if (groups.emoji !== undefined) {
      // The variation selector is a matter of display: ⏸ and ⏸️ are one sign.
      tokens.push({
        kind: 'emoji',
        text: text.replace(/\uFE0F/g, ''),
        start,
        end: start + text.length,
      });
    } else {
      tokens.push({
        kind: 'punct',
        text: text === '。' ? '.' : text === '、' ? ',' : text,
        start,
        end: start + 1,
      });
    }
  }
  return joinHyphenated(tokens);
}

const HYPHENS = new Set(['-', '‐', '‑']);

/** Drops hyphens written between a word or number and a word, marking the word joined. */
function joinHyphenated(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const before = out.at(-1);
    const after = tokens[i + 1];
    if (
      token.kind === 'punct' &&
      HYPHENS.has(token.text) &&
      before &&
      after?.kind === 'word' &&
      before.kind !== 'punct' &&
      before.end === token.start &&
      after.start === token.end
    ) {
      out.push({ ...after, joined: true });
      i++;
    } else out.push(token);
  }
  return out;
}

/** A word run, split into one token per Chinese or Japanese character. */
function pushWord(tokens: Token[], text: string, start: number): void {
  if (!CJK.test(text)) {
    tokens.push({ kind: 'word', text: foldWord(text), start, end: start + text.length });
    return;
  }
  let run = '';
  let runStart = start;
  let offset = start;
  for (const char of text) {
    if (CJK.test(char) || /\d/.test(char) !== /\d/.test(run.at(-1) ?? char)) {
      if (run) tokens.push(runToken(run, runStart, offset));
      run = '';
      if (!CJK.test(char)) {
        // Digits between characters ("目标3已完成") are a number of their own.
        run = char;
        runStart = offset;
        offset += char.length;
        continue;
      }
      tokens.push({ kind: 'word', text: char, start: offset, end: offset + char.length });
      runStart = offset + char.length;
    } else {
      if (!run) runStart = offset;
      run += char;
    }
    offset += char.length;
  }
  if (run) tokens.push(runToken(run, runStart, offset));
}

function runToken(run: string, start: number, end: number): Token {
  return /^\d+$/.test(run)
    ? { kind: 'number', text: run, start, end }
    : { kind: 'word', text: foldWord(run), start, end };
}

/** Whether a token is an emoji (some emoji are also digits with a keycap). */
export function isEmoji(text: string): boolean {
  return EMOJI.test(text);
}

// Every decimal digit of every script (Devanagari ३, Arabic-Indic ٣, ...) read as 0-9.
const DIGIT = /\p{Nd}/gu;

/** Decimal digits of any script as ASCII digits. */
export function asciiDigits(text: string): string {
  return text.replace(DIGIT, (digit) => {
    const code = digit.codePointAt(0) as number;
    if (code >= 0x30 && code <= 0x39) return digit;
    // Unicode lays out each script's digits as a run of ten, zero first.
    let zero = code;
    while (code - zero < 9 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
    return String(code - zero);
  });
}
