// Text that crosses systems is hostile: these helpers are the one place it is cleaned.

// Zero-width characters and the byte-order mark hide inside copied identifiers.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
// Bidi embeddings, overrides and isolates can make text read differently than it is stored.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
// C0 controls except tab and newline, DEL and C1 controls; NUL cannot be stored in Postgres text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** For lookups of teams, people, refs: NFKC, no zero-width or bidi characters, trimmed. */
export function normalizeIdentifier(text: string): string {
  return text.normalize('NFKC').replace(ZERO_WIDTH, '').replace(BIDI_CONTROLS, '').trim();
}

/** For free text that is stored (notes, titles): NFC, no NUL, controls or bidi overrides. */
export function cleanText(text: string): string {
  return text
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

/** Edit distance, for "did you mean". Small inputs only (identifiers are capped). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] as number;
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
