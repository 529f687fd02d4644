import { randomBytes } from 'node:crypto';
import type { Client, MessageEvent } from 'irc-framework';
import type { AdapterContext } from '../../core/adapter-context.ts';
import { inboundKey } from '../../domain/keys.ts';
import { cleanText } from '../../domain/text.ts';
import { errorReply } from '../../reply/document.ts';
import { diskFullText, isDiskFull } from '../../runtime/disk-full.ts';
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
import type { SenderAccounts } from './sender-account.ts';

// Messages to okrbot: who sent them (by services account), what they ask, and where the answer
// goes: a channel gets a short answer, mistakes and refusals go to the sender as a notice, a
// private message gets the whole answer.

export interface InboundDeps {
  context: AdapterContext;
  client: Client;
  output: Output;
  senders: SenderAccounts;
  tracker: AccountTracker;
}

/** The privmsg handler. */
export function createInbound(deps: InboundDeps): (event: MessageEvent) => void {
  const { context, client, output } = deps;
  const log = context.logger;

  async function answer(event: MessageEvent, command: string, isPrivate: boolean): Promise<void> {
    // Several okrbots on one account all read a channel: the first to claim the message's id
    // answers it (servers with IRCv3 msgid; without, each instance answers).
    const messageId = event.tags.msgid;
    if (messageId && !(await context.claimInbound(inboundKey.message(messageId)))) return;
    const account = await deps.senders.of(event);
    if (account) deps.tracker.spoke(event.nick, account);
    const actor = await context.actor(account, event.nick, serverFold(client.network));
    const reply = isPrivate
      ? (await context.answer(command, actor)).reply
      : await context.dispatch(command, actor, { commandsOnly: true });
    if (!reply) return;
    const { publicUrl } = context;
    const more = (hidden: number) =>
      isPrivate
        ? privateMore(hidden, publicUrl)
        : channelMore(hidden, command, client.user.nick, dashboardPage(reply, publicUrl));
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
    const previous = chains.get(key) ?? Promise.resolve();
    // Taken on from now (waiting its turn included): a stopping okrbot answers it first.
    const run = context.work
      .run(() => previous.then(() => answer(event, command, isPrivate)))
      .catch((error: unknown) => {
        const errorId = randomBytes(4).toString('hex');
        log.error({ err: error, errorId }, 'IRC: a message could not be answered');
        const text = isDiskFull(error)
          ? diskFullText(errorId)
          : `Sorry, that failed unexpectedly (error id ${errorId}). Please try again or report the id.`;
        output.sendLogged(event.nick, output.render(errorReply(text), event.nick), 'NOTICE');
      })
      .finally(() => {
        if (chains.get(key) === run) chains.delete(key);
      });
    chains.set(key, run);
  };
}
