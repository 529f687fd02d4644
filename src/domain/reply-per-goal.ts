// "3 done, 4 blocked", "T208612 done; KR2 2050": several goals on one line, each with its own
// status or value. Read whole, such a line says two statuses and can only be asked about; read
// part by part, each part is as clear as a line of its own. This file finds where the parts start;
// the reader (reply-parser.ts) keeps the split only when every part reads as one goal's status or
// value, each about another goal.
import { type Token, tokenize } from './reply-tokens.ts';
import { VOCABULARY as V } from './reply-vocabulary.ts';

const TASK = /^t\d{3,9}$/;
const KEY_RESULT = /^kr\d{1,2}$/;

/** Whether a reference to a goal or key result starts at token `i`. */
function startsRef(tokens: readonly Token[], i: number, goals: number): boolean {
  const token = tokens[i] as Token;
  const next = tokens[i + 1];
  if (TASK.test(token.text) || KEY_RESULT.test(token.text)) return true;
  if ((V.goalWords.has(token.text) || token.text === 'kr') && next?.kind === 'number') return true;
  if (token.kind !== 'number' || !/^\d{1,2}$/.test(token.text)) return false;
  const n = Number(token.text);
  const previous = tokens[i - 1];
  // The number of "goal 4" is part of the reference its goal word starts.
  if (previous && (V.goalWords.has(previous.text) || previous.text === 'kr')) return false;
  return n >= 1 && n <= goals;
}

/**
 * The parts of a line that names several goals, each starting at a reference, without the
 * separators between them (",", ";", "and", "und", ...); undefined when the line does not start
 * with a reference or names only one.
 */
export function partsPerGoal(line: string, goals: number): string[] | undefined {
  const tokens = tokenize(line);
  if (tokens.length === 0 || !startsRef(tokens, 0, goals)) return undefined;
  const starts = [0];
  for (let i = 1; i < tokens.length; i++) if (startsRef(tokens, i, goals)) starts.push(i);
  if (starts.length < 2) return undefined;
  return starts.map((from, k) => {
    const to = starts[k + 1];
    let last = (to ?? tokens.length) - 1;
    while (last > from) {
      const t = tokens[last] as Token;
      if (t.kind !== 'punct' && !V.and.has(t.text)) break;
      last--;
    }
    return line.slice((tokens[from] as Token).start, (tokens[last] as Token).end);
  });
}
