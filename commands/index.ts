import { type Command, createRegistry, type Services } from '../src/chat/command.ts';
import { goalsCommand } from './goals.ts';
import { helpCommand } from './help.ts';
import { statusCommand } from './status.ts';
import { whoamiCommand } from './whoami.ts';

/** Every chat command, in the order `help` lists them. */
export const COMMANDS: readonly Command<Services>[] = [
  statusCommand,
  goalsCommand,
  whoamiCommand,
  helpCommand,
];

export function createCommandRegistry() {
  return createRegistry(COMMANDS);
}
