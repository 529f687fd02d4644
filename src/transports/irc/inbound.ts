import { randomBytes } from 'node:crypto';
import type { Client, MessageEvent } from 'irc-framework';
import type { Logger } from 'pino';
import type { Actor, Services } from '../../core/command.ts';
import type { Dispatch } from '../../core/dispatch.ts';
import { inboundKey } from '../../domain/keys.ts';
import { cleanText } from '../../domain/text.ts';
import { errorReply, type Reply } from '../../reply/document.ts';
import type { AccountTracker } from './accounts.ts';
import { serverFold } from './casemapping.ts';
import {
  CHANNEL_LINES,
  channelMore,
  commandIn,
  dashboardPage,
  PRIVATE_LINES,
  privateMore,
} from './conversation.ts';
import { channelTypes, isChannel } from './names.ts';
import type { Output } from './output.ts';
import { resumePromptConversation } from './prompts.ts';
import { ircActor, type SenderAccounts } from './sender-account.ts';

// Messages to okrbot: who sent them (by services account), what they ask, and where the answer
// goes: a channel gets a short answer, mistakes and refusals go to the sender as a notice, a
// private message gets the whole answer.

// Words an open update or prompt conversation answers itself rather than as commands.
const EXCHANGE_WORDS = new Set(['undo', 'help', '?']);

export interface InboundDeps {
  client: Client;
  output: Output;
  senders: SenderAccounts;
  tracker: AccountTracker;
  services: Services;
  dispatch: Dispatch;
  admins: readonly string[];
  publicUrl: string | undefined;
  log: Logger;
}

/** The privmsg handler. */
export function createInbound(deps: InboundDeps): (event: MessageEvent) => void {
  const { client, output, services, dispatch, log } = deps;

  /**
   * A private line. While a conversation (a prompt, an `update`) is open, a line is an answer
   * unless it starts with a command; after a restart, a line that is no command from someone
   * with an open prompt reopens its conversation.
   */
  async function privateLine(line: string, actor: Actor): Promise<Reply | undefined> {
    const word = line.split(/\s+/, 1)[0]?.toLowerCase() ?? '';
    const command = services.registry.find(word) !== undefined;
    const open = dispatch.inExchange(actor);
    if (command && !(open && EXCHANGE_WORDS.has(word)))
      return dispatch(line, actor, { commandsOnly: true });
    if (!command && !open) await resumePromptConversation(actor, { services, dispatch });
    return dispatch(line, actor);
  }

  async function answer(event: MessageEvent, command: string, isPrivate: boolean): Promise<void> {
    // Several okrbots on one account all read a channel: the first to claim the message's id
    // answers it (servers with IRCv3 msgid; without, each instance answers).
    const messageId = event.tags.msgid;
    if (messageId && !(await services.inboundEvents.claim('irc', inboundKey.message(messageId))))
      return;
    const account = await deps.senders.of(event);
    if (account) deps.tracker.spoke(event.nick, account);
    const actor = await ircActor(services, deps.admins, client, account, event.nick);
    const reply = isPrivate
      ? await privateLine(command, actor)
      : await dispatch(command, actor, { commandsOnly: true });
    if (!reply) return;
    const more = (hidden: number) =>
      isPrivate
        ? privateMore(hidden, deps.publicUrl)
        : channelMore(hidden, command, client.user.nick, dashboardPage(reply, deps.publicUrl));
    // Mistakes and refusals in a channel are told to the sender alone.
    const [target, max, kind] =
      isPrivate || reply.tone === 'error'
        ? ([
            event.nick,
            isPrivate ? PRIVATE_LINES : CHANNEL_LINES,
            isPrivate ? 'PRIVMSG' : 'NOTICE',
          ] as const)
        : ([event.target, CHANNEL_LINES, 'PRIVMSG'] as const);
    output.sendLogged(
      target,
      output.shorten(output.render(reply, target), target, max, more),
      kind,
    );
  }

  // Lines from one sender are handled one after the other, so answers keep their order.
  const chains = new Map<string, Promise<void>>();
  return (event) => {
    if (event.from_server || !event.nick) return;
    const fold = serverFold(client.network);
    const own = client.user.nick;
    if (fold(event.nick) === fold(own)) return;
    const isPrivate = fold(event.target) === fold(own);
    if (!isPrivate && !isChannel(event.target, channelTypes(client.network))) return;
    const command = commandIn(cleanText(event.message), isPrivate, own, fold);
    if (command === undefined) return;
    const key = fold(event.nick);
    const run = (chains.get(key) ?? Promise.resolve())
      .then(() => answer(event, command, isPrivate))
      .catch((error: unknown) => {
        const errorId = randomBytes(4).toString('hex');
        log.error({ err: error, errorId }, 'IRC: a message could not be answered');
        const text = `Sorry, that failed unexpectedly (error id ${errorId}). Please try again or report the id.`;
        output.sendLogged(event.nick, output.render(errorReply(text), event.nick), 'NOTICE');
      })
      .finally(() => {
        if (chains.get(key) === run) chains.delete(key);
      });
    chains.set(key, run);
  };
}
