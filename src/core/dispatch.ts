import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { FiscalSettings } from '../domain/fiscal-calendar.ts';
import { DEFAULT_RULES, type Rules } from '../domain/overdue.ts';
import { cleanText, excerpt, suggest } from '../domain/text.ts';
import { commandCode, errorReply, type Reply } from '../reply/document.ts';
import { diskFullText, isDiskFull } from '../runtime/disk-full.ts';
import type { AnswerCache } from './answer-cache.ts';
import type { Actor, CommandContext, Exchange, Services } from './command.ts';
import { resolveCommand } from './command-path.ts';

/** Longest command line accepted; chat messages are short, and this bounds every parser. */
export const MAX_COMMAND_LENGTH = 4000;

export interface DispatcherOptions {
  services: Services;
  clock: () => Date;
  timeZone: string;
  fiscal: FiscalSettings;
  /** Defaults to DEFAULT_RULES. */
  rules?: Rules;
  logger: Logger;
  /** Where the dashboard is reached; answers link to its pages when set. */
  publicUrl?: string | undefined;
  /** Told how long each command took (the /metrics latency histogram). */
  onCommand?: (command: string, actor: Actor, seconds: number) => void;
  /** Keeps answers of read-only commands while the data is unchanged. */
  cache?: AnswerCache;
}

/** How a line is read. */
export interface LineOptions {
  /**
   * Read the line as a command even while the actor has an exchange open: lines said elsewhere
   * (a channel) or naming a command must not be taken as answers to a private update.
   */
  commandsOnly?: boolean;
}

export interface Dispatch {
  (line: string, actor: Actor, options?: LineOptions): Promise<Reply | undefined>;
  /** The exchange the actor's lines currently go to (the guided `update`, a prompt's), if any. */
  exchangeOf(actor: Actor): Exchange | undefined;
  /** Sends the actor's next lines to an exchange opened outside a command (a prompt's). */
  openExchange(actor: Actor, exchange: Exchange): void;
  /** The context commands get, for work an adapter does outside a command (prompt answers). */
  contextFor(actor: Actor): CommandContext;
  /**
   * The answer to a read-only command when one is kept in memory, without touching the
   * database (for a transport that must answer within seconds); undefined otherwise.
   */
  cached(line: string, actor: Actor): Reply | undefined;
}

/**
 * Turns one line of chat into a reply. Expected problems come back as error replies from the
 * commands; anything unexpected is caught here, logged with an id, and the user gets the id.
 */
export function createDispatcher(options: DispatcherOptions): Dispatch {
  const { services, logger } = options;
  // Open exchanges by actor; an actor has at most one (a new `update` replaces the old one).
  const exchanges = new Map<string, Exchange>();
  const contextFor = (actor: Actor): CommandContext => ({
    actor,
    now: options.clock(),
    timeZone: options.timeZone,
    fiscal: options.fiscal,
    rules: options.rules ?? DEFAULT_RULES,
    publicUrl: options.publicUrl,
    startExchange: (exchange) => exchanges.set(actorKey(actor), exchange),
  });

  const failure = (error: unknown, what: string, actor: Actor) => {
    const errorId = randomBytes(4).toString('hex');
    logger.error({ err: error, errorId, command: what, actor: actor.label }, 'command failed');
    return errorReply(
      isDiskFull(error)
        ? diskFullText(errorId)
        : `Sorry, "${what}" failed unexpectedly (error id ${errorId}). The error is logged; please try again or report the id.`,
    );
  };

  const dispatch = async (
    line: string,
    actor: Actor,
    lineOptions: LineOptions = {},
  ): Promise<Reply | undefined> => {
    if (line.length > MAX_COMMAND_LENGTH) {
      return errorReply(
        `That message is ${line.length} characters long; commands are limited to ${MAX_COMMAND_LENGTH}.`,
      );
    }
    const text = cleanText(line);
    if (!text) return undefined;
    const exchange = lineOptions.commandsOnly ? undefined : exchanges.get(actorKey(actor));
    if (exchange) {
      try {
        const { reply, done } = await exchange.handle(text, contextFor(actor));
        if (done) exchanges.delete(actorKey(actor));
        return reply;
      } catch (error) {
        exchanges.delete(actorKey(actor));
        return failure(error, 'update', actor);
      }
    }
    const [name = '', ...args] = text.split(/\s+/);
    const command = services.registry.find(name);
    if (!command) {
      const names = services.registry.commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
      const close = suggest(name, names, 1);
      return errorReply(
        `Unknown command "${excerpt(name, 40)}".`,
        close.length ? ` Did you mean ` : '',
        ...(close.length ? [commandCode(close[0] as string), '?'] : []),
        ' Type ',
        commandCode('help'),
        ' for the list.',
      );
    }
    const started = performance.now();
    const resolved = resolveCommand(command, { args, text: text.slice(name.length).trim() });
    const run = () => resolved.run(resolved.request, contextFor(actor), services);
    try {
      const reply =
        command.readOnly && options.cache
          ? await options.cache.remember(cacheKey(text, actor), run)
          : await run();
      const ms = performance.now() - started;
      logger.debug({ command: command.name, actor: actor.label, ms: Math.round(ms) }, 'command');
      options.onCommand?.(command.name, actor, ms / 1000);
      return reply;
    } catch (error) {
      return failure(error, command.name, actor);
    }
  };
  return Object.assign(dispatch, {
    exchangeOf: (actor: Actor) => exchanges.get(actorKey(actor)),
    openExchange: (actor: Actor, exchange: Exchange) => exchanges.set(actorKey(actor), exchange),
    contextFor,
    cached(line: string, actor: Actor) {
      if (!options.cache || line.length > MAX_COMMAND_LENGTH) return undefined;
      const text = cleanText(line);
      if (!text || exchanges.has(actorKey(actor))) return undefined;
      const command = services.registry.find(text.split(/\s+/, 1)[0] as string);
      return command?.readOnly ? options.cache.get(cacheKey(text, actor)) : undefined;
    },
  });
}

/** Answers depend on the words and on who asks (`status` alone means the asker's teams). */
function cacheKey(text: string, actor: Actor): string {
  return `${actorKey(actor)}\n${text.toLowerCase()}`;
}

function actorKey(actor: Actor): string {
  // A nick with no account is another asker than an account nobody is linked to, under that nick.
  return `${actor.transport}:${actor.person?.id ?? `${actor.anonymous ? '?' : ''}${actor.label}`}`;
}
