import type { Client } from 'irc-framework';
import type { AdapterContext } from '../../core/adapter-context.ts';
import type { DeliveryOutcome, OutboundMessage } from '../../core/chat-adapter.ts';
import { openPromptConversation, promptContentFor } from '../../features/open-prompt.ts';
import type { AccountTracker } from './accounts.ts';
import { serverFold } from './casemapping.ts';
import { PRIVATE_LINES, privateMore } from './conversation.ts';
import type { MutedChannels } from './muted-channels.ts';
import { channelTypes, isChannel, isSafeTarget } from './names.ts';
import { InvalidTargetError, type Output } from './output.ts';
import { QueueError } from './send-queue.ts';
import { withTimeout } from './timeout.ts';

// What the outbox hands the adapter: documents for channels and people, and monthly prompts.
// A person is reached at the nick they are logged in from now; when none can be found the
// outbox is told to try later, and told again (the context's personOnline) once they are seen.
// A prompt opens its conversation as it goes out: IRC has no threads to answer it in.

const LOOKUP_TIMEOUT_MS = 5_000;

export interface OutboundDeps {
  context: AdapterContext;
  client: Client;
  output: Output;
  tracker: AccountTracker;
  muted: MutedChannels;
  /** IRC_CHANNELS: the channels okrbot is in (or rejoins). */
  channels: readonly string[];
}

export interface Deliveries {
  deliver(message: OutboundMessage): Promise<DeliveryOutcome>;
  /** Someone was seen logged in to `account`: the outbox hears of it if it was waiting. */
  seen(account: string): void;
}

export function createDeliveries(deps: OutboundDeps): Deliveries {
  const { context, client, output, tracker } = deps;
  const { services, logger: log } = context;
  const fold = () => serverFold(client.network);
  const promptDeps = { services, dispatch: context.dispatch };
  /** People a delivery found offline, by folded account. */
  const awaited = new Map<string, number>();

  const capped = (lines: string[], target: string) =>
    output.shorten(lines, target, PRIVATE_LINES, (hidden) =>
      privateMore(hidden, context.publicUrl),
    );

  /** The account `nick` is logged in to, case-folded, by WHOX. */
  function whoAccount(nick: string): Promise<string | undefined> {
    const found = new Promise<string | undefined>((resolve) =>
      client.who(nick, (event) => {
        const user = event.users.find((u) => fold()(u.nick) === fold()(nick));
        resolve(user?.account ? fold()(user.account) : undefined);
      }),
    );
    return withTimeout(found, LOOKUP_TIMEOUT_MS, undefined);
  }

  /** The nick someone logged in to `account` uses now, if okrbot can see them. */
  async function locate(account: string): Promise<string | undefined> {
    const seen = tracker.nickOf(account);
    if (seen) return seen;
    // Not in a shared channel: the nick they last wrote from, or their account name, which most
    // people use as nick; WHOX says which account it is logged in to (without WHOX nothing can
    // be verified, and nothing is sent).
    if (!client.network.supports('whox')) return undefined;
    for (const nick of new Set([tracker.lastNickOf(account), account]))
      if (
        nick &&
        isSafeTarget(nick, channelTypes(client.network)) &&
        (await whoAccount(nick)) === fold()(account)
      )
        return nick;
    return undefined;
  }

  async function toPerson(personId: number, message: OutboundMessage): Promise<DeliveryOutcome> {
    const account = await services.people.accountOn(personId, 'irc');
    if (!account)
      return { ok: false, retry: 'never', error: `person ${personId} has no IRC account linked` };
    const nick = await locate(account);
    if (!nick) {
      awaited.set(fold()(account), personId);
      return { ok: false, retry: 'later', error: 'recipient offline' };
    }
    awaited.delete(fold()(account));
    const { content } = message;
    if (content.type === 'document') {
      await output.send(
        nick,
        capped(output.render(content.reply, nick), nick),
        'PRIVMSG',
        'delivery',
      );
      return { ok: true, messageId: nick };
    }
    const prompt = await services.prompts.get(content.promptId);
    if (!prompt) return { ok: false, retry: 'never', error: `no prompt ${content.promptId}` };
    const actor = await context.actor(account, nick, fold());
    const rendered = await promptContentFor(prompt, actor, content.reminder, promptDeps);
    if (!rendered)
      return { ok: false, retry: 'never', error: 'the prompt’s team or person is gone' };
    // Open before sending: an answer may come before the last line of the prompt is out.
    openPromptConversation(actor, rendered, promptDeps);
    await output.send(nick, output.render(rendered.reply, nick), 'PRIVMSG', 'delivery');
    await services.prompts.delivered(prompt.id, 'irc', account, null);
    return { ok: true, messageId: nick };
  }

  async function toChannel(channel: string, message: OutboundMessage): Promise<DeliveryOutcome> {
    const types = channelTypes(client.network);
    if (!isChannel(channel, types) || !isSafeTarget(channel, types))
      return { ok: false, retry: 'never', error: `not an IRC channel: ${JSON.stringify(channel)}` };
    if (!deps.channels.some((joined) => fold()(joined) === fold()(channel)))
      return {
        ok: false,
        retry: 'never',
        error: `not in channel ${channel}: add it to IRC_CHANNELS`,
      };
    if (message.content.type !== 'document')
      return { ok: false, retry: 'never', error: 'prompts go to a person, not a channel' };
    if (deps.muted.isMuted(channel))
      return {
        ok: false,
        retry: 'later',
        error: `okrbot may not speak in ${channel} (moderated, quieted or banned)`,
      };
    const lines = output.render(message.content.reply, channel);
    await output.send(channel, capped(lines, channel), 'PRIVMSG', 'delivery');
    return { ok: true, messageId: channel };
  }

  return {
    async deliver(message) {
      try {
        return message.to.kind === 'person'
          ? await toPerson(message.to.personId, message)
          : await toChannel(message.to.channel, message);
      } catch (error) {
        if (error instanceof InvalidTargetError)
          return { ok: false, retry: 'never', error: error.message };
        if (!(error instanceof QueueError))
          log.error({ err: error, key: message.key }, 'IRC: delivery failed');
        return { ok: false, retry: 'later', error: (error as Error).message };
      }
    },
    seen(account) {
      const personId = awaited.get(fold()(account));
      if (personId === undefined) return;
      awaited.delete(fold()(account));
      log.info({ personId }, 'IRC: someone okrbot could not reach is online again');
      context.personOnline(personId);
    },
  };
}
