// User text written into wikitext must stay text: a title is hostile until proven otherwise
// (RELIABILITY.md rule 6). Every character MediaWiki could read as markup becomes an HTML
// entity, which the wiki renders as the character itself and `decodeWikiText` reads back, so a
// page pasted on the wiki shows exactly what was stored and an import gets exactly it back.

const entity = (char: string) => `&#${char.codePointAt(0)};`;

/** Words the page reader takes for a status marker typed as text ("Yes Done", "N Postponed"). */
const MARKER_WORDS =
  /\b(?:Yes Done|Incomplete Partially done|In progress In progress|To do To do|N (?:Not done|Postponed|Stalled|Blocked|Cancelled))\b/gi;

export interface WikiTextOptions {
  /** The text begins a line: list, indent, heading, table and rule markers must not start it. */
  lineStart?: boolean;
  /** Inside `== heading ==`: an `=` would end it. */
  heading?: boolean;
  /** Inside `'''bold'''`: quotes at either end would merge with the markup. */
  bold?: boolean;
  /** An item of a comma-separated list: a comma would split it. */
  listItem?: boolean;
  /** A goal title: the ` — ` that starts a goal's note, and words the page format reserves. */
  title?: boolean;
}

/** Text as wikitext that renders as exactly this text. */
export function wikiText(text: string, options: WikiTextOptions = {}): string {
  let out = text
    // `&` only where it would start an entity; elsewhere it is plain on the wiki.
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    // Tags, comments, <nowiki>, <ref>, <br>: no markup of ours or anyone's gets through.
    .replace(/</g, '&lt;')
    // Links, templates, parser functions, table syntax.
    .replace(/[[\]{}|]/g, entity)
    // Bold and italics, signatures (~~~~), behaviour switches (__NOTOC__).
    .replace(/'{2,}|~{3,}|_{2,}/g, (run) => [...run].map(entity).join(''))
    // A line break would end the list item or paragraph; the wiki renders <br /> as one.
    .replace(/\n/g, '<br />');
  if (options.heading) out = out.replace(/=/g, entity);
  if (options.listItem) out = out.replace(/,/g, entity);
  if (options.bold) out = out.replace(/^'|'$/g, entity);
  if (options.title)
    out = out
      .replace(/ — /g, ' &#8212; ')
      .replace(/^Dependencies on:/, (m) => entity(m) + m.slice(1))
      // What the page reader takes for a status marker, a task or a separator stays text.
      .replace(MARKER_WORDS, (m) => entity(m) + m.slice(1))
      .replace(
        /\b(task|phab:)(\s?T\d)/gi,
        (_, word: string, id: string) => entity(word) + word.slice(1) + id,
      )
      .replace(
        /(^|[\s.,;:)])T(\d{4,9}\s*)$/,
        (_, before: string, digits: string) => `${before}&#84;${digits}`,
      )
      .replace(/\s(is now|is|[-–:])$/, (m) => m.slice(0, 1) + entity(m.slice(1)) + m.slice(2))
      .replace(/^[-–:]/, entity)
      .replace(/^(\(stretch\)|\[stretch\]|\[multi-quarter\])/i, (m) => entity(m) + m.slice(1))
      .replace(/\((?:continues, )?multi-quarter project\)/i, (m) => entity(m) + m.slice(1));
  if (options.bold)
    out = out.replace(
      /^(Dependencies|Team Managers?|Managers?|Directors?|Delegates?)\b/i,
      (m) => entity(m) + m.slice(1),
    );
  if (options.lineStart) out = out.replace(/^[*#:;= -]/, entity);
  return out;
}

const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** Wikitext of plain text back to the text: entities decoded and `<br />` as line breaks. */
export function decodeWikiText(source: string): string {
  // One pass, so `&amp;#91;` (the text "&#91;") is not decoded twice.
  return source.replace(
    /<br\s*\/?>|&#(\d{1,7});|&#x([0-9a-f]{1,6});|&([a-z]+);/gi,
    (match, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (decimal !== undefined || hex !== undefined) {
        const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex as string, 16);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
      }
      if (name !== undefined) return NAMED[name.toLowerCase()] ?? match;
      return '\n';
    },
  );
}

/**
 * okrbot's data that the page does not show (a goal's key and status history, a key result's
 * values), kept in an HTML comment so the rendered page is the goals page people know and an
 * import loses nothing. JSON whose strings have every character that could end the comment,
 * open a tag or start a wiki substitution written as a \u escape.
 */
export function wikiComment(kind: string, data?: object): string {
  if (!data || Object.keys(data).length === 0) return `<!-- okrbot:${kind} -->`;
  // Only inside string literals: the JSON's own brackets must stay brackets.
  const json = JSON.stringify(data).replace(/"(?:[^"\\]|\\.)*"/g, (literal) =>
    literal.replace(
      /[<>&{}[\]|~']/g,
      (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
    ),
  );
  return `<!-- okrbot:${kind} ${json} -->`;
}

/** The okrbot comments in a line: `{ kind, data }` each, and the line without them. */
export function readWikiComments(line: string): {
  text: string;
  comments: { kind: string; data: Record<string, unknown> }[];
} {
  const comments: { kind: string; data: Record<string, unknown> }[] = [];
  const text = line.replace(
    /\s*<!-- okrbot:([a-z-]+)(?: (.*?))? -->/g,
    (_, kind: string, json: string | undefined) => {
      let data: Record<string, unknown> = {};
      if (json) {
        try {
          const parsed: unknown = JSON.parse(json);
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            data = parsed as Record<string, unknown>;
        } catch {
          data = { invalid: json };
        }
      }
      comments.push({ kind, data });
      return '';
    },
  );
  return { text, comments };
}
