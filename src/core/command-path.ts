import { commandCode, list, paragraph, type Reply } from '../reply/document.ts';
import type { Command, CommandRequest, Description, Subcommand } from './command.ts';

/** A path word that stands for any one word: `<department>`. */
export const isSlot = (word: string): boolean => /^<.+>$/.test(word);

export const pathWords = (path: string): string[] => path.trim().split(/\s+/);

/** What the words after a command's name run, and the request that run gets. */
export interface Resolved<Deps> {
  run: NonNullable<Command<Deps>['run']>;
  request: CommandRequest;
}

/**
 * Finds what the words after a command's name ask for: the longest subcommand path they start
 * with, else the command's own run, else the usage of the paths.
 */
export function resolveCommand<Deps>(
  command: Command<Deps>,
  request: CommandRequest,
): Resolved<Deps> {
  const candidates = (command.subcommands ?? []).map((subcommand) => {
    const path = pathWords(subcommand.path);
    return { subcommand, path, matched: matchedWords(path, request.args) };
  });
  const complete = candidates
    .filter((c) => c.matched === c.path.length)
    .sort((a, b) => b.path.length - a.path.length)[0];
  // Words that go further into a longer path than any complete one (`team manager`, `schedule
  // tech digest channel`) were meant for it: its usage helps more than a run that misreads them.
  // Only a literal word counts, as a slot matches any word.
  const reached = complete?.path.length ?? 0;
  const meant = candidates.filter(
    (c) => c.matched > reached && !isSlot(c.path[c.matched - 1] as string),
  );
  if (meant.length) {
    const furthest = Math.max(...meant.map((c) => c.matched));
    return usageRun(meant.filter((c) => c.matched === furthest).map((c) => c.subcommand));
  }
  if (complete) {
    const { subcommand, path } = complete;
    const slots = path.flatMap((word, i) => (isSlot(word) ? [request.args[i] as string] : []));
    return {
      run: subcommand.run,
      request: {
        args: [...slots, ...request.args.slice(path.length)],
        text: dropWords(request.text, path.length),
      },
    };
  }
  if (command.run) return { run: command.run, request };
  return usageRun(command.subcommands ?? []);
}

/** The subcommand help names by its literal words (`help schedule digest channel add`). */
export function findSubcommand<Deps>(
  command: Command<Deps>,
  words: readonly string[],
): Subcommand<Deps> | undefined {
  const wanted = words.map((w) => w.toLowerCase()).join(' ');
  return command.subcommands?.find((s) => literalWords(s.path) === wanted);
}

/** A path without its slots, as help names it: `digest channel add`. */
export function literalWords(path: string): string {
  return pathWords(path)
    .filter((w) => !isSlot(w))
    .join(' ');
}

/** The error a malformed command line gets: how to write it. */
export function usageError(entries: readonly Pick<Description, 'usage'>[]): Reply {
  const [only] = entries;
  const blocks =
    entries.length === 1 && only
      ? [paragraph('Usage: ', commandCode(only.usage))]
      : [paragraph('Usage:'), list(entries.map((e) => ({ content: [commandCode(e.usage)] })))];
  return { tone: 'error', blocks };
}

function usageRun<Deps>(entries: readonly Description[]): Resolved<Deps> {
  return { run: async () => usageError(entries), request: { args: [], text: '' } };
}

/** How many of the path's leading words the typed words match. */
function matchedWords(path: readonly string[], words: readonly string[]): number {
  let matched = 0;
  while (matched < path.length && matched < words.length) {
    const word = path[matched] as string;
    if (!isSlot(word) && word !== words[matched]?.toLowerCase()) break;
    matched++;
  }
  return matched;
}

/** The text after its first `count` words, as typed. */
function dropWords(text: string, count: number): string {
  let rest = text;
  for (let i = 0; i < count; i++) rest = rest.replace(/^\s*\S+/, '');
  return rest.trim();
}
