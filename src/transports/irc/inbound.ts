import { randomBytes } from 'node:crypto';
import type { Client, MessageEvent } from 'irc-framework';
import type { AdapterContext } from '../../core/adapter-context.ts';
import type { Actor } from '../../core/command.ts';
import { inboundKey } from '../../domain/keys.ts';
import { cleanText } from '../../domain/text.ts';
import { unlinkedReason } from '../../features/updates.ts';
import { errorReply, type Reply } from '../../reply/document.ts';
import { diskFullText, isDiskFull } from '../../runtime/disk-full.ts';
import type { AccountTracker } from './accounts.ts';
import { serverFold } from './casemapping.ts';
import { CHANNEL_LINES, channelMore, commandIn, dashboardPage } from './conversation.ts';
import type { MorePages } from './more-pages.ts';
import type { MutedChannels } from './muted-channels.ts';
import { channelTypes, isChannel } from './names.ts';
import type { Output } from './output.ts';
import { stripColours } from './render-lines.ts';
import type { SenderAccounts } from './sender-account.ts';

// Messages to okrbot: who sent them (by services account), what they ask, and where the answer
// goes: a channel gets a short answer, mistakes and refusals go to the sender as a notice, a
// private message gets the whole answer.

/** Messages from one sender waiting for their answer at most; more are refused. */
export const MAX_WAITING = 5;
const SLOW_DOWN =
  'One moment: okrbot is still answering your earlier messages (it may only write one line every few seconds). Send that again once they have arrived.';
const BUSY =
  'One moment: okrbot is checking several people’s accounts with the server. Send that again in a few seconds.';

export interface InboundDeps {
  context: AdapterContext;
  client: Client;
  output: Output;
  senders: SenderAccounts;
  tracker: AccountTracker;
  pages: MorePages;
  muted: MutedChannels;
  /** IRC_NICK: the nick okrbot wants, which it may not hold now. */
  nick: string;
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
    const page = isPrivate && /^more$/i.test(command) ? deps.pages.next(event.nick) : undefined;
    if (page) {
      await output.sendLogged(event.nick, page, 'PRIVMSG');
      return;
    }
    const lookup = await deps.senders.of(event);
    if (lookup === 'busy') {
      tellOnce(event.nick, BUSY);
      return;
    }
    const { account } = lookup;
    if (account) deps.tracker.spoke(event.nick, account);
    const actor = await context.actor(account, event.nick, serverFold(client.network));
    const reply = isPrivate
      ? (notIdentified(command, actor) ?? (await context.answer(command, actor)).reply)
      : await context.dispatch(command, actor, { commandsOnly: true });
    if (!reply) return;
    const { publicUrl } = context;
    /** The whole answer, privately (`more` gives the rest). */
    const toAsker = () => {
      const lines = output.render(reply, event.nick);
      const first = deps.pages.first(event.nick, lines, dashboardPage(reply, publicUrl));
      return output.sendLogged(event.nick, first, 'PRIVMSG');
    };
    // Awaited: the sender's next message waits until this answer is out (see MAX_WAITING).
    // Where okrbot may not speak (+m, a quiet, a ban), the asker gets the answer instead.
    if (isPrivate || deps.muted.isMuted(event.target)) {
      await toAsker();
      return;
    }
    // Mistakes and refusals in a channel are told to the sender alone.
    const [target, kind] =
      reply.tone === 'error'
        ? ([event.nick, 'NOTICE'] as const)
        : ([event.target, 'PRIVMSG'] as const);
    const more = (hidden: number) =>
      channelMore(hidden, command, client.user.nick, dashboardPage(reply, publicUrl));
    if (kind === 'PRIVMSG') deps.muted.sent(event.target, () => void toAsker());
    await output.sendLogged(
      target,
      output.shorten(output.render(reply, target), target, CHANNEL_LINES, more),
      kind,
    );
  }

  /**
   * Someone not logged in writing a line that is no command (an update's answer after a logout):
   * what they need is to identify, not the list of commands.
   */
  function notIdentified(line: string, actor: Actor): Reply | undefined {
    if (!actor.anonymous) return undefined;
    const [name = ''] = line.split(/\s+/);
    return context.services.registry.find(name) ? undefined : errorReply(...unlinkedReason(actor));
  }

  /** Senders told to wait, by folded nick: told once until their backlog cleared. */
  const told = new Set<string>();
  function tellOnce(nick: string, text: string): void {
    const key = serverFold(client.network)(nick);
    if (told.has(key)) return;
    told.add(key);
    void output.sendLogged(nick, output.render(errorReply(text), nick), 'NOTICE');
  }

  // Lines from one sender are handled one after the other, so answers keep their order; a few
  // wait at most, so that someone typing faster than okrbot may write does not queue up its
  // answers (and lookups) without end.
  const chains = new Map<string, { run: Promise<void>; waiting: number }>();
  return (event) => {
    if (event.from_server || !event.nick) return;
    const fold = serverFold(client.network);
    const own = client.user.nick;
    if (fold(event.nick) === fold(own)) return;
    const isPrivate = fold(event.target) === fold(own);
    if (!isPrivate && !isChannel(event.target, channelTypes(client.network))) return;
    // A colour typed into a note is formatting, not text: its digits go with it.
    const text = cleanText(stripColours(event.message));
    // Addressed by its configured nick too, while someone else holds it.
    const command =
      commandIn(text, isPrivate, own, fold) ??
      (fold(own) === fold(deps.nick) ? undefined : commandIn(text, false, deps.nick, fold));
    if (command === undefined) return;
    const key = fold(event.nick);
    const chain = chains.get(key);
    if (chain && chain.waiting >= MAX_WAITING) {
      tellOnce(event.nick, SLOW_DOWN);
      return;
    }
    const previous = chain?.run ?? Promise.resolve();
    // Taken on from now (waiting its turn included): a stopping okrbot answers it first.
    const run = context.work
      .run(() => previous.then(() => answer(event, command, isPrivate)))
      .catch((error: unknown) => {
        const errorId = randomBytes(4).toString('hex');
        log.error({ err: error, errorId }, 'IRC: a message could not be answered');
        const text = isDiskFull(error)
          ? diskFullText(errorId)
          : `Sorry, that failed unexpectedly (error id ${errorId}). Please try again or report the id.`;
        return output.sendLogged(event.nick, output.render(errorReply(text), event.nick), 'NOTICE');
      })
      .finally(() => {
        const current = chains.get(key);
        if (!current) return;
        current.waiting--;
        if (current.run === run) {
          chains.delete(key);
          told.delete(key);
        }
      });
    chains.set(key, { run, waiting: (chain?.waiting ?? 0) + 1 });
  };
}
