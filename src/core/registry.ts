import type { Command, CommandRegistry, Services } from './command.ts';
import { isSlot, pathWords } from './command-path.ts';

/**
 * The explicit table of commands. A repeated name or alias, two paths the same words could
 * select, a usage that does not start with its path, or a command that cannot run: each is a
 * programming error, refused at start-up.
 */
export function createRegistry(commands: readonly Command<Services>[]): CommandRegistry {
  const byName = new Map<string, Command<Services>>();
  for (const command of commands) {
    for (const name of [command.name, ...(command.aliases ?? [])]) {
      if (byName.has(name)) throw new Error(`Command name "${name}" is defined twice`);
      byName.set(name, command);
    }
    checkPaths(command);
  }
  return { commands, find: (name) => byName.get(name.toLowerCase()) };
}

function checkPaths(command: Command<Services>): void {
  const subcommands = command.subcommands ?? [];
  if (!command.run && subcommands.length === 0)
    throw new Error(`Command "${command.name}" has neither a run nor subcommands`);
  const seen: string[][] = [];
  for (const subcommand of subcommands) {
    const path = `${command.name} ${subcommand.path}`;
    const words = pathWords(subcommand.path);
    if (words.every(isSlot) || words.some((w) => w !== w.toLowerCase()))
      throw new Error(`"${path}" needs a literal word, and paths are lower-case`);
    if (subcommand.usage !== path && !subcommand.usage.startsWith(`${path} `))
      throw new Error(`The usage of "${path}" does not start with its path`);
    const twin = seen.find((other) => overlaps(other, words));
    if (twin) throw new Error(`"${path}" and "${command.name} ${twin.join(' ')}" overlap`);
    seen.push(words);
  }
}

/** Whether some words would match both paths completely (the longest-path rule cannot choose). */
function overlaps(a: readonly string[], b: readonly string[]): boolean {
  return (
    a.length === b.length &&
    a.every((word, i) => word === b[i] || isSlot(word) || isSlot(b[i] as string))
  );
}
