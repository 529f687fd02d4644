import { randomBytes } from 'node:crypto';
import IRC, { type MessageEvent } from 'irc-framework';
import type { Logger } from 'pino';
import type { Actor, Services } from '../../chat/command.ts';
import type { Dispatch } from '../../chat/dispatch.ts';
import { chatActor } from '../../chat/identity.ts';
import type { IrcConfig } from '../../config/load-config.ts';
import { cleanText } from '../../domain/text.ts';
import type { Metrics } from '../../metrics.ts';
import { errorReply, type Reply } from '../../reply/document.ts';
import type {
  AdapterHealth,
  ChatAdapter,
  DeliveryOutcome,
  OutboundMessage,
} from '../chat-adapter.ts';
import { AccountTracker } from './accounts.ts';
import { type CaseFold, caseFold } from './casemapping.ts';
import {
  CHANNEL_LINES,
  capLines,
  channelMore,
  commandIn,
  PRIVATE_LINES,
  privateMore,
} from './conversation.ts';
import { isChannel, isSafeTarget } from './names.ts';
import {
  contentFor,
  openPromptConversation,
  type PromptDeps,
  resumePromptConversation,
} from './prompts.ts';
import { fitLine, ircSafe, renderIrcLines } from './render-lines.ts';
import { QueueError, SendQueue } from './send-queue.ts';
import { SenderAccounts } from './sender-account.ts';
import { type BackoffOptions, ConnectionSupervisor, DEFAULT_BACKOFF } from './supervisor.ts';
import { withTimeout } from './timeout.ts';
import { TokenBucket } from './token-bucket.ts';

// okrbot on IRC: commands in channels and private messages, answers rendered as IRC lines,
// identity by services account only, prompts by private message, every line through one paced
// queue, and a connection that is kept alive forever.

export interface IrcAdapterOptions {
  config: IrcConfig;
  services: Services;
  dispatch: Dispatch;
  /** OKRBOT_ADMINS. */
  admins: readonly string[];
  logger: Logger;
  /** Where the dashboard is: long channel answers point there. */
  publicUrl?: string;
  metrics?: Pick<Metrics, 'adapterReconnects'>;
  /**
   * Told when someone a delivery found offline is seen logged in to their account again
   * (joining a shared channel, logging in, writing to okrbot): the outbox retries then.
   */
  onPersonOnline?: (personId: number) => void;
  /** Reconnection timing; tests shorten it. */
  backoff?: Partial<BackoffOptions>;
}

const LOOKUP_TIMEOUT_MS = 5_000;
// Words an open update or prompt conversation answers itself rather than as commands.
const EXCHANGE_WORDS = new Set(['undo', 'help', '?']);
const IRC_LINE_BYTES = 512;

export function createIrcAdapter(options: IrcAdapterOptions): ChatAdapter {
  const { config, services, dispatch, logger } = options;
  const log = logger.child({ transport: 'irc' });
  const client = new IRC.Client();
  const bucket = new TokenBucket({ burst: config.floodBurst, ratePerSecond: config.floodRate });
  const queue = new SendQueue(bucket);
  const fold = (): CaseFold => caseFold(client.network.options.CASEMAPPING as string | undefined);
  const channelTypes = () => {
    const types = client.network.options.CHANTYPES;
    return Array.isArray(types) ? types.join('') : '#&';
  };
  const server = `${config.host}:${config.port}`;
  const promptDeps: PromptDeps = { services, dispatch };
  /** People a delivery found offline, by folded account: told to onPersonOnline when seen. */
  const awaited = new Map<string, number>();
  const tracker = new AccountTracker(fold, (account) => {
    const personId = awaited.get(fold()(account));
    if (personId === undefined) return;
    awaited.delete(fold()(account));
    log.info({ personId }, 'a person okrbot could not reach is online again');
    options.onPersonOnline?.(personId);
  });
  const senders = new SenderAccounts(client, tracker, fold, () => queue.charge());
  /** okrbot's own user@host as others see it: the prefix the server puts before its lines. */
  let ownMask: { user: string; host: string } | undefined;
  let reconnects = 0;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const supervisor = new ConnectionSupervisor(
    client,
    {
      host: config.host,
      port: config.port,
      tls: config.tls,
      rejectUnauthorized: config.tlsVerify,
      nick: config.nick,
      username: 'okrbot',
      gecos: 'okrbot: goal status updates',
      // `{}` when there is no login: irc-framework would otherwise try a server password as SASL.
      account: config.sasl ? { account: config.sasl.account, password: config.sasl.password } : {},
      sasl_disconnect_on_fail: true,
      auto_reconnect: false,
      version: 'okrbot',
    },
    { ...DEFAULT_BACKOFF, ...options.backoff },
    {
      onRegistered(reconnected) {
        ownMask = undefined;
        tracker.clear();
        if (reconnected) {
          reconnects++;
          options.metrics?.adapterReconnects.inc({ transport: 'irc' });
        }
        log.info({ server, nick: client.user.nick, reconnected }, 'IRC: connected');
        // Rejoin before anything held while disconnected goes out, so channel lines can land.
        if (config.channels.length)
          queue.sendFirst(config.channels.map((channel) => `JOIN ${channel}`)).catch(() => {});
        queue.resume(writeLine);
      },
      onDisconnected(error) {
        queue.pause();
        tracker.clear();
        senders.clear();
        // irc-framework serialises WHO requests; one cut off by the disconnection would block
        // every later one.
        (client as unknown as { who_queue?: unknown }).who_queue = undefined;
        log.warn({ server, error: error?.message }, 'IRC: disconnected');
      },
      onRetry(attempt, waitMs) {
        log.info({ server, attempt, waitMs }, 'IRC: reconnecting');
      },
      onFatal(error) {
        queue.close();
        log.fatal({ err: error }, error.message);
      },
    },
  );

  /** Hands one line to the socket; an error when there is no connection to write to. */
  function writeLine(line: string, done: (error?: Error | null) => void): void {
    if (client.connection.connected) client.connection.write(line, done);
    else done(new Error('disconnected'));
  }

  /** Bytes the text of one PRIVMSG to `target` may take, after the prefix the server adds. */
  function textBudget(target: string): number {
    const userLen = Number(client.network.options.USERLEN ?? 10) + 1;
    const hostLen = Number(client.network.options.HOSTLEN ?? 63);
    const mask = ownMask ?? { user: 'u'.repeat(userLen), host: 'h'.repeat(hostLen) };
    const prefix = `:${client.user.nick}!${mask.user}@${mask.host} `;
    return IRC_LINE_BYTES - 2 - bytes(prefix) - bytes(`PRIVMSG ${target} :`);
  }

  function render(reply: Reply, target: string): string[] {
    const budget = textBudget(target);
    return renderIrcLines(reply, config.formatting).flatMap((line) => fitLine(line, budget));
  }

  /** The closing line of a shortened answer, cut to fit like the rest. */
  function lastLine(text: string, target: string): string {
    return fitLine([{ text: ircSafe(text) }], textBudget(target))[0] ?? '';
  }

  function send(target: string, texts: string[], command: 'PRIVMSG' | 'NOTICE'): Promise<void> {
    if (!isSafeTarget(target, channelTypes()))
      return Promise.reject(new InvalidTargetError(target));
    return queue.send(
      fold()(target),
      texts.map((text) => `${command} ${target} :${text}`),
    );
  }

  function sendLogged(target: string, texts: string[], command: 'PRIVMSG' | 'NOTICE'): void {
    send(target, texts, command).catch((error: Error) =>
      log.warn({ target, error: error.message }, 'IRC: an answer was not sent'),
    );
  }

  function actorFor(account: string | undefined, nick: string): Promise<Actor> {
    const people = {
      findByIdentity: (_transport: 'slack' | 'irc', id: string) =>
        services.people.findByIrcAccount(id, fold()),
    };
    return chatActor(people, options.admins, 'irc', account, nick);
  }

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
    if (!command && !open) await resumePromptConversation(actor, promptDeps);
    return dispatch(line, actor);
  }

  async function answer(event: MessageEvent, command: string, isPrivate: boolean): Promise<void> {
    // Several okrbots on one account all read a channel: the first to claim the message's id
    // answers it (servers with IRCv3 msgid; without, each instance answers).
    const messageId = event.tags.msgid;
    if (messageId && !(await services.inboundEvents.claim('irc', messageId))) return;
    const account = await senders.of(event);
    if (account) tracker.spoke(event.nick, account);
    const actor = await actorFor(account, event.nick);
    const reply = isPrivate
      ? await privateLine(command, actor)
      : await dispatch(command, actor, { commandsOnly: true });
    if (!reply) return;
    if (isPrivate) {
      const lines = capLines(render(reply, event.nick), PRIVATE_LINES, (hidden) =>
        lastLine(privateMore(hidden, options.publicUrl), event.nick),
      );
      sendLogged(event.nick, lines, 'PRIVMSG');
    } else if (reply.tone === 'error') {
      // Mistakes and refusals are told to the sender alone, not to the whole channel.
      const lines = capLines(render(reply, event.nick), CHANNEL_LINES, (hidden) =>
        lastLine(channelMore(hidden, command, client.user.nick, options.publicUrl), event.nick),
      );
      sendLogged(event.nick, lines, 'NOTICE');
    } else {
      const lines = capLines(render(reply, event.target), CHANNEL_LINES, (hidden) =>
        lastLine(channelMore(hidden, command, client.user.nick, options.publicUrl), event.target),
      );
      sendLogged(event.target, lines, 'PRIVMSG');
    }
  }

  // Lines from one sender are handled one after the other, so answers keep their order.
  const chains = new Map<string, Promise<void>>();
  function onMessage(event: MessageEvent): void {
    if (event.from_server || !event.nick) return;
    const f = fold();
    const own = client.user.nick;
    if (f(event.nick) === f(own)) return;
    const isPrivate = f(event.target) === f(own);
    if (!isPrivate && !isChannel(event.target, channelTypes())) return;
    const command = commandIn(cleanText(event.message), isPrivate, own, f);
    if (command === undefined) return;
    const key = f(event.nick);
    const run = (chains.get(key) ?? Promise.resolve())
      .then(() => answer(event, command, isPrivate))
      .catch((error: unknown) => {
        const errorId = randomBytes(4).toString('hex');
        log.error({ err: error, errorId }, 'IRC: a message could not be answered');
        const text = `Sorry, that failed unexpectedly (error id ${errorId}). Please try again or report the id.`;
        sendLogged(event.nick, render(errorReply(text), event.nick), 'NOTICE');
      })
      .finally(() => {
        if (chains.get(key) === run) chains.delete(key);
      });
    chains.set(key, run);
  }

  /** Members' accounts in a channel okrbot just joined (WHOX), so prompts can find them. */
  function learnChannel(channel: string): void {
    queue.charge();
    const listed = new Promise<void>((resolve) =>
      client.who(channel, (event) => {
        for (const user of event.users)
          tracker.joined(
            user.nick,
            channel,
            user.account === undefined ? undefined : user.account || false,
          );
        resolve();
      }),
    );
    void withTimeout(listed, LOOKUP_TIMEOUT_MS, undefined);
  }

  /** The nick someone logged in to `account` uses now, if okrbot can see them. */
  async function locate(account: string): Promise<string | undefined> {
    const seen = tracker.nickOf(account);
    if (seen) return seen;
    // Not in a shared channel: the nick they last wrote from, or their account name, which most
    // people use as nick; WHOX says which account it is logged in to (without WHOX nothing can
    // be verified, and nothing is sent).
    if (!client.network.supports('whox')) return undefined;
    const candidates = new Set([tracker.lastNickOf(account), account]);
    for (const nick of candidates)
      if (
        nick &&
        isSafeTarget(nick, channelTypes()) &&
        (await whoAccount(nick)) === fold()(account)
      )
        return nick;
    return undefined;
  }

  /** The account `nick` is logged in to, case-folded, by WHOX. */
  function whoAccount(nick: string): Promise<string | undefined> {
    queue.charge();
    const found = new Promise<string | undefined>((resolve) =>
      client.who(nick, (event) => {
        const user = event.users.find((u) => fold()(u.nick) === fold()(nick));
        resolve(user?.account ? fold()(user.account) : undefined);
      }),
    );
    return withTimeout(found, LOOKUP_TIMEOUT_MS, undefined);
  }

  async function deliverToPerson(
    personId: number,
    message: OutboundMessage,
  ): Promise<DeliveryOutcome> {
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
      await send(nick, capped(render(content.reply, nick), nick), 'PRIVMSG');
      return { ok: true, messageId: nick };
    }
    const prompt = await services.prompts.get(content.promptId);
    if (!prompt) return { ok: false, retry: 'never', error: `no prompt ${content.promptId}` };
    const actor = await actorFor(account, nick);
    const rendered = await contentFor(prompt, actor, content.reminder, promptDeps);
    if (!rendered)
      return { ok: false, retry: 'never', error: 'the prompt’s team or person is gone' };
    // Open before sending: an answer may come before the last line of the prompt is out.
    openPromptConversation(actor, rendered, promptDeps);
    await send(nick, render(rendered.reply, nick), 'PRIVMSG');
    await services.prompts.delivered(prompt.id, 'irc', account, null);
    return { ok: true, messageId: nick };
  }

  function capped(lines: string[], target: string): string[] {
    return capLines(lines, PRIVATE_LINES, (hidden) =>
      lastLine(privateMore(hidden, options.publicUrl), target),
    );
  }

  async function deliverToChannel(
    channel: string,
    message: OutboundMessage,
  ): Promise<DeliveryOutcome> {
    if (!isChannel(channel, channelTypes()) || !isSafeTarget(channel, channelTypes()))
      return { ok: false, retry: 'never', error: `not an IRC channel: ${JSON.stringify(channel)}` };
    if (!config.channels.some((joined) => fold()(joined) === fold()(channel)))
      return {
        ok: false,
        retry: 'never',
        error: `not in channel ${channel}: add it to IRC_CHANNELS`,
      };
    if (message.content.type !== 'document')
      return { ok: false, retry: 'never', error: 'prompts go to a person, not a channel' };
    await send(channel, capped(render(message.content.reply, channel), channel), 'PRIVMSG');
    return { ok: true, messageId: channel };
  }

  client.on('privmsg', onMessage);
  client.on('join', (event) => {
    if (fold()(event.nick) === fold()(client.user.nick)) {
      ownMask = { user: event.ident, host: event.hostname };
      tracker.joined(event.nick, event.channel, event.account);
      learnChannel(event.channel);
      log.info({ channel: event.channel }, 'IRC: joined');
    } else {
      tracker.joined(event.nick, event.channel, event.account);
    }
  });
  client.on('part', (event) => {
    if (fold()(event.nick) === fold()(client.user.nick)) tracker.leftChannel(event.channel);
    else tracker.left(event.nick, event.channel);
  });
  client.on('kick', (event) => {
    if (fold()(event.kicked) !== fold()(client.user.nick)) {
      tracker.left(event.kicked, event.channel);
      return;
    }
    tracker.leftChannel(event.channel);
    log.warn({ channel: event.channel, by: event.nick }, 'IRC: kicked; rejoining in 30 s');
    later(30_000, () => queue.sendFirst([`JOIN ${event.channel}`]).catch(() => {}));
  });
  client.on('quit', (event) => {
    tracker.quit(event.nick);
    senders.forget(event.nick);
  });
  client.on('nick', (event) => {
    tracker.renamed(event.nick, event.new_nick);
    senders.forget(event.nick);
    senders.forget(event.new_nick);
  });
  client.on('account', (event) => {
    tracker.account(event.nick, event.account);
    senders.forget(event.nick);
  });
  // Someone holds the nick (often a ghost of okrbot's last connection): take another for now;
  // it is asked back once a minute.
  client.on('nick in use', () => {
    if (supervisor.state.phase === 'connecting')
      client.changeNick(`${config.nick.slice(0, 26)}_${Math.floor(Math.random() * 1000)}`);
  });
  function reclaimNick(): void {
    if (supervisor.state.phase !== 'registered' || client.user.nick === config.nick) return;
    queue.charge();
    client.changeNick(config.nick);
  }

  return {
    transport: 'irc',

    async start() {
      const reclaim = setInterval(reclaimNick, 60_000);
      timers.add(reclaim);
      await supervisor.start();
      if (supervisor.state.phase !== 'registered')
        log.warn({ server }, 'IRC: not connected yet; okrbot keeps trying in the background');
    },

    async stop() {
      for (const timer of timers) clearTimeout(timer); // also clears intervals
      timers.clear();
      queue.close();
      const closed = new Promise<void>((resolve) => client.on('close', resolve));
      const wasConnected = client.connected;
      supervisor.stop();
      if (wasConnected) await withTimeout(closed, 2_000, undefined);
      client.removeAllListeners();
    },

    health(): AdapterHealth {
      const state = supervisor.state;
      const detail =
        state.phase === 'registered'
          ? `connected to ${server} as ${client.user.nick}`
          : state.phase === 'connecting'
            ? `connecting to ${server}`
            : state.phase === 'waiting'
              ? `disconnected from ${server}; retry ${state.attempt} in ${Math.max(0, Math.round((state.retryAt - Date.now()) / 1000))} s`
              : `stopped${state.error ? `: ${state.error.message}` : ''}`;
      return { connected: state.phase === 'registered', detail, reconnects };
    },

    async deliver(message) {
      if (supervisor.state.phase !== 'registered')
        return { ok: false, retry: 'later', error: 'disconnected' };
      try {
        return message.to.kind === 'person'
          ? await deliverToPerson(message.to.personId, message)
          : await deliverToChannel(message.to.channel, message);
      } catch (error) {
        if (error instanceof InvalidTargetError)
          return { ok: false, retry: 'never', error: error.message };
        if (!(error instanceof QueueError))
          log.error({ err: error, key: message.key }, 'IRC: delivery failed');
        return { ok: false, retry: 'later', error: (error as Error).message };
      }
    },
  };
}

class InvalidTargetError extends Error {
  constructor(target: string) {
    super(`not a valid IRC target: ${JSON.stringify(target)}`);
  }
}

function bytes(text: string): number {
  return Buffer.byteLength(text);
}
