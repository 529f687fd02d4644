import type { CommandRegistry } from '../../core/command.ts';
import { cleanText } from '../../domain/text.ts';

// Slack's markup both ways. Incoming text carries Slack's tokens (`<@U123>`, `<#C1|name>`,
// `<https://x|label>`, `<!channel>`) and HTML-escapes `&`, `<`, `>`; okrbot stores plain text.
// Outgoing, stored text is hostile: escaped so that it can never ping a channel, mention a
// person or disguise a link, whatever someone typed into a note.

const TOKEN = /<([@#!])?([^<>|]*)(?:\|([^<>]*))?>/g;

/**
 * Slack message or command text as the plain text a person meant, for commands and storage.
 * With `ids`, a mention (`<@U0GREG0001|greg>`) or channel link (`<#C0TECH0001|tech-okrs>`) is
 * the id it stands for, as commands that link accounts and channels expect.
 */
export function fromSlackText(text: string, { ids = false } = {}): string {
  const plain = text.replace(
    TOKEN,
    (_match, sigil: string | undefined, target: string, label?: string) => {
      if (ids && (sigil === '@' || sigil === '#') && target) return target;
      if (sigil === '@') return `@${label ?? target}`;
      if (sigil === '#') return `#${label ?? target}`;
      if (sigil === '!') return `@${(label ?? target).replace(/^subteam\^\w+$/, 'group')}`;
      // A link: keep both what it said and where it pointed, so nothing is hidden.
      return label && label !== target ? `${label} (${target})` : target;
    },
  );
  return cleanText(plain.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

/** A command line typed in Slack: ids for the commands that take them, plain text otherwise. */
export function commandFromSlack(text: string, registry: CommandRegistry): string {
  const name = fromSlackText(text).split(/\s+/)[0] ?? '';
  return fromSlackText(text, { ids: registry.find(name)?.takesChatIds === true });
}

// A word joiner after the @ keeps "@channel" readable but no longer a keyword.
const BROADCAST = /(?<![\w.])@(channel|here|everyone)\b/gi;

/** Text for a mrkdwn field: no Slack token can survive it. */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST, '@\u2060$1');
}

/** Text for a plain_text field (headers, buttons, options): Slack does not parse it. */
export function plainText(text: string, max: number): string {
  return truncate(text.replace(BROADCAST, '@\u2060$1'), max);
}

/** At most `max` characters (UTF-16 units, as Slack counts), cut on a grapheme boundary. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${cutGraphemes(text, max - 1)}…`;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// A cut between these two characters can split a grapheme: surrogate pairs, combining marks,
// joiners and variation selectors (marks too) bind to what is around them.
const BINDS_BEFORE = /\p{M}|[\uDC00-\uDFFF]|\u200D/u;
const BINDS_AFTER = /[\uD800-\uDBFF\u200D]/;

/** The longest prefix of whole graphemes within `max` UTF-16 units. */
export function cutGraphemes(text: string, max: number): string {
  if (text.length <= max) return text;
  // Most cuts fall between two plain characters; only the rest needs the segmenter.
  if (!BINDS_BEFORE.test(text[max] as string) && !BINDS_AFTER.test(text[max - 1] as string))
    return text.slice(0, max);
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/**
 * Splits mrkdwn into pieces of at most `max` characters: at line breaks where possible, then at
 * spaces, never inside an escape such as `&amp;` or a grapheme.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = cutGraphemes(rest, max).length;
    const entity = rest.slice(0, cut).match(/&[a-z]*$/);
    if (entity) cut -= entity[0].length;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.length) pieces.push(rest);
  return pieces;
}
