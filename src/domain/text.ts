import { distance as editDistance } from 'fastest-levenshtein';

// Text that crosses systems is hostile: these helpers are the one place it is cleaned.

// Zero-width characters and the byte-order mark hide inside copied identifiers.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
// Bidi embeddings, overrides and isolates can make text read differently than it is stored.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
// C0 controls except tab and newline, DEL and C1 controls; NUL cannot be stored in Postgres text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

// Code points that show nothing (Unicode's default-ignorables: tag characters, soft hyphens,
// word joiners, fillers, invisible operators, ...). A zero-width joiner between two pictographs
// and a variation selector after a character are kept: they draw one emoji (👩‍💻, ⏸️).
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
const PICTOGRAPH = /^(?:\p{Extended_Pictographic}|\uFE0F|[\u{1F3FB}-\u{1F3FF}])$/u;
// More combining marks on one letter than any script needs (Devanagari uses two or three):
// a "Zalgo" flood, kept to its first few.
const MARK_FLOOD = /(\p{M}{4})\p{M}+/gu;

/** Text without invisible code points and without floods of combining marks. */
export function stripInvisible(text: string): string {
  return text
    .replace(INVISIBLE, (char, offset: number, whole: string) => {
      if (char === '\uFE0F' || char === '\uFE0E') return offset > 0 ? char : '';
      if (char === '\u200D' && joinsPictographs(whole, offset)) return char;
      return '';
    })
    .replace(MARK_FLOOD, '$1');
}

function joinsPictographs(text: string, offset: number): boolean {
  const before = [...text.slice(Math.max(0, offset - 2), offset)].at(-1) ?? '';
  const after = String.fromCodePoint(text.codePointAt(offset + 1) ?? 32);
  return PICTOGRAPH.test(before) && /\p{Extended_Pictographic}/u.test(after);
}

/** For lookups of teams, people, refs: NFKC, no invisible or bidi characters, trimmed. */
export function normalizeIdentifier(text: string): string {
  return stripInvisible(text.normalize('NFKC'))
    .replace(ZERO_WIDTH, '')
    .replace(BIDI_CONTROLS, '')
    .trim();
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** At most `max` characters of user text for an echo or a message, with … when cut. */
export function excerpt(text: string, max = 60): string {
  const clean = stripInvisible(text).replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  // Whole characters (an emoji and its joiners, a letter and its marks), within `max` units.
  let out = '';
  for (const { segment } of graphemes.segment(clean)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

/** For free text that is stored (notes, titles): NFC, no NUL, controls or bidi overrides. */
export function cleanText(text: string): string {
  return stripInvisible(text)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(BIDI_CONTROLS, '')
    .trim();
}

/**
 * For text shown as one line (a chat line): NFC, no controls or bidi overrides, line breaks
 * and tabs as spaces. Not trimmed: it is applied to pieces of a line.
 */
export function singleLine(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\t\n\r\v\f\u0085\u2028\u2029]+/g, ' ')
    .replace(CONTROL, '')
    .replace(BIDI_CONTROLS, '');
}

/** A handle from a name: `Birgit Müller` → `birgit-muller`. */
export function slugify(text: string): string {
  return normalizeIdentifier(text)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Up to `limit` candidates close to `input`, best first: prefixes, then small edit distances. */
export function suggest(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const wanted = slugify(input);
  if (!wanted) return [];
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const key = slugify(candidate);
    if (!key) continue;
    const distance =
      key.startsWith(wanted) || wanted.startsWith(key) ? 0 : editDistance(wanted, key);
    if (distance <= Math.max(2, Math.floor(wanted.length / 3)))
      scored.push({ candidate, score: distance });
  }
  return scored
    .sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map((s) => s.candidate);
}

/** Ends a clause as a sentence, unless it already ends with its own mark ("is it Done?"). */
export function asSentence(clause: string): string {
  return /[.?!…]$/u.test(clause) ? clause : `${clause}.`;
}
