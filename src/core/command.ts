import type { FiscalSettings } from '../domain/fiscal-calendar.ts';
import type { Rules } from '../domain/overdue.ts';
import type { TransportId } from '../domain/transports.ts';
import type { Reply } from '../reply/document.ts';
import type { Metrics } from '../runtime/metrics.ts';
import type { PersonRow } from '../store/people.ts';
import type { PromptRow } from '../store/prompts.ts';
import type { Store } from '../store/store.ts';

/** Who is asking, resolved from a verified identity (never from a display name). */
export interface Actor {
  /** The person, when the identity is linked to one. */
  person: PersonRow | undefined;
  /** The local operator and configured admins may change anything. */
  isAdmin: boolean;
  transport: TransportId;
  /** How to name the actor in replies and logs. */
  label: string;
  /**
   * Set when the chat could verify no account at all (a nick not identified to services):
   * such a sender may read, and is told to identify before changing anything.
   */
  anonymous?: boolean;
}

/**
 * A conversation a command opens (the guided `update`): the actor's next lines go to it instead
 * of being read as commands, until it says it is done.
 */
export interface Exchange {
  handle(line: string, context: CommandContext): Promise<{ reply: Reply; done: boolean }>;
  /** The prompt this conversation answers, when it is one: threaded chats answer in its thread. */
  readonly prompt?: PromptRow;
}

export interface CommandContext {
  actor: Actor;
  /** The clock: the system's, or the pinned OKRBOT_NOW. */
  now: Date;
  /** Zone for dates when no department or person zone applies. */
  timeZone: string;
  fiscal: FiscalSettings;
  /** When items count as stale (see domain/overdue.ts). */
  rules: Rules;
  /** The dashboard's public address (OKRBOT_PUBLIC_URL): answers link to its pages when set. */
  publicUrl: string | undefined;
  /** Routes the actor's next lines to an exchange. */
  startExchange(exchange: Exchange): void;
}

export interface CommandRequest {
  /** Words after the command name. */
  args: string[];
  /** The text after the command name, as typed (for free-text arguments). */
  text: string;
}

/** Everything a command may depend on; each command picks the parts it uses. */
export type Services = Store & { registry: CommandRegistry; metrics: Metrics };

export interface Command<Deps = Services> {
  name: string;
  aliases?: readonly string[];
  summary: string;
  usage: string;
  /** Each example is also run by the test suite against the demo data. */
  examples: readonly string[];
  /**
   * Changes nothing: its answers may be kept in memory until the data changes, and shared
   * with a channel on request (`public`, where a transport offers it).
   */
  readOnly?: boolean;
  run(request: CommandRequest, context: CommandContext, deps: Deps): Promise<Reply>;
}

/** Identity function that gives a command definition its type. */
export function defineCommand<Deps extends Partial<Services>>(
  command: Command<Deps>,
): Command<Deps> {
  return command;
}

export interface CommandRegistry {
  readonly commands: readonly Command<Services>[];
  find(name: string): Command<Services> | undefined;
}

/** The explicit table of commands; a repeated name or alias is a programming error. */
export function createRegistry(commands: readonly Command<Services>[]): CommandRegistry {
  const byName = new Map<string, Command<Services>>();
  for (const command of commands) {
    for (const name of [command.name, ...(command.aliases ?? [])]) {
      if (byName.has(name)) throw new Error(`Command name "${name}" is defined twice`);
      byName.set(name, command);
    }
  }
  return { commands, find: (name) => byName.get(name.toLowerCase()) };
}
