import { findMentions, statusOf } from './reply-mentions.ts';
import { tokenize } from './reply-tokens.ts';
import type { Status } from './status.ts';

// The status a command names straight after its ref ("set T226089 blocked waiting on hardware").
// A command's grammar is exact where a reply's is not: the status is the phrase typed first and
// everything after it is the note, word for word, so no later word is read as a second status.

export interface LeadingStatus {
  status: Status;
  /** The status as typed. */
  said: string;
  note: string | undefined;
  /** Typed as a question ("done?"): nothing to record. */
  asked: boolean;
}

/** The longest vocabulary phrase goes no further than this many tokens. */
const LONGEST_PHRASE = 8;

export function leadingStatus(text: string): LeadingStatus | undefined {
  const tokens = tokenize(text);
  const [first] = findMentions(tokens, 0, Math.min(tokens.length, LONGEST_PHRASE));
  const meaning = first && first.from === 0 ? statusOf(first) : undefined;
  if (!first || !meaning) return undefined;
  const start = tokens[0]?.start ?? 0;
  const end = tokens[first.to - 1]?.end ?? text.length;
  const rest = text.slice(end);
  return {
    status: meaning.status,
    said: text.slice(start, end),
    note: rest.replace(/^[\s?!.:;,\-–—]+/u, '').trim() || undefined,
    asked: /^\s*[?？]/u.test(rest),
  };
}
