import type { FiscalSettings } from '../domain/fiscal-calendar.ts';
import type { Rules } from '../domain/overdue.ts';
import type { TransportId } from '../domain/transports.ts';
import type { Reply } from '../reply/document.ts';
import type { Metrics } from '../runtime/metrics.ts';
import type { PersonRow } from '../store/people.ts';
import type { PromptRow } from '../store/prompts.ts';
import type { Store } from '../store/store.ts';
import type { ChannelChecks } from './channel-checks.ts';

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
  /**
   * Set when the chat reports the account deactivated (Slack's `deleted`): the person behind
   * it is not trusted to act any more, so the actor has none, may read, and is told why.
   */
  deactivated?: boolean;
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
  /**
   * Words after the command's name, or after a subcommand's path: first the words its `<slots>`
   * matched, then the rest.
   */
  args: string[];
  /** The text after the name or path, as typed (for free-text arguments). */
  text: string;
}

/** Everything a command may depend on; each command picks the parts it uses. */
export type Services = Store & {
  registry: CommandRegistry;
  metrics: Metrics;
  /** Whether the running adapters can use a channel (see channel-checks.ts). */
  channelChecks: ChannelChecks;
};

/** Sopel's `example(msg, result)`: a line to type, and text its reply must contain. */
export interface Example {
  input: string;
  /**
   * Checked by the test suite, which runs every example in order on the demo quarters with the
   * clock at 2019-08-28 12:00 UTC; help shows only the input.
   */
  result: string;
}

/** What help says about a command or a subcommand. */
export interface Description {
  summary: string;
  usage: string;
  examples: readonly Example[];
}

/**
 * One path under a command (`team manager add`), as Draupnir's command table has them: its own
 * help and its own run.
 */
export interface Subcommand<Deps = Services> extends Description {
  /**
   * The words after the command's name. `<name>` stands for any one word (the department in
   * `schedule <department> digest`); `run` gets those words first in its arguments.
   */
  path: string;
  run(request: CommandRequest, context: CommandContext, deps: Deps): Promise<Reply>;
}

export interface Command<Deps = Services> extends Description {
  name: string;
  aliases?: readonly string[];
  /**
   * Changes nothing: its answers may be kept in memory until the data changes, and shared
   * with a channel on request (`public`, where a transport offers it).
   */
  readOnly?: boolean;
  /**
   * Its arguments name chat accounts and channels by id (`person link`, `team channel add`): a
   * transport whose users paste mentions and channel links hands over the ids they stand for,
   * not the names they show.
   */
  takesChatIds?: boolean;
  /** The table of its paths; the longest path the words start with runs. */
  subcommands?: readonly Subcommand<Deps>[];
  /**
   * Runs the words no subcommand's path matches. Without it those words get the paths' usage;
   * the registry refuses a command with neither.
   */
  run?(request: CommandRequest, context: CommandContext, deps: Deps): Promise<Reply>;
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
