import IRC from 'irc-framework';
import type { AdapterContext } from '../../core/adapter-context.ts';
import type { AdapterHealth, ChatAdapter } from '../../core/chat-adapter.ts';
import { okrbotVersion } from '../../runtime/package-root.ts';
import { AccountTracker } from './accounts.ts';
import { serverFold } from './casemapping.ts';
import { CHANNEL_LINES, PRIVATE_LINES, pagedMore } from './conversation.ts';
import { createCtcpResponder } from './ctcp.ts';
import { createInbound } from './inbound.ts';
import type { IrcConfig } from './irc-config.ts';
import { MorePages, pageLines } from './more-pages.ts';
import { MutedChannels } from './muted-channels.ts';
import { channelTypes, isChannel, isSafeTarget } from './names.ts';
import { createDeliveries } from './outbound.ts';
import { createOutput } from './output.ts';
import { SendQueue } from './send-queue.ts';
import { SenderAccounts } from './sender-account.ts';
import {
  type BackoffOptions,
  backoffDelay,
  ConnectionSupervisor,
  DEFAULT_BACKOFF,
} from './supervisor.ts';
import { withTimeout } from './timeout.ts';
import { TokenBucket } from './token-bucket.ts';
import { WatchedNicks } from './watched-nicks.ts';

// okrbot on IRC: the connection and what follows from its events. Commands come in through
// inbound.ts, the outbox's messages go out through outbound.ts, every line through one paced
// queue (send-queue.ts), and the connection is kept alive forever (supervisor.ts).

/** What tests tune beyond the configuration. */
export interface IrcTuning {
  /** Reconnection timing; tests shorten it. */
  backoff?: Partial<BackoffOptions>;
  /** Rejoining after a KICK; tests shorten it. */
  kickRejoin?: Partial<KickRejoin>;
}

/** The wait before rejoining after kicks in a row (`stableMs` in the channel ends a row). */
type KickRejoin = Pick<BackoffOptions, 'initialMs' | 'maxMs' | 'stableMs' | 'random'>;

/** 30 s after a first kick, doubling (to an hour) while kicks follow within ten minutes. */
const KICK_REJOIN: KickRejoin = { initialMs: 30_000, maxMs: 3_600_000, stableMs: 600_000 };
const NICK_RECLAIM_MS = 60_000;
const LOOKUP_TIMEOUT_MS = 5_000;

export function createIrcAdapter(
  context: AdapterContext,
  config: IrcConfig,
  tuning: IrcTuning = {},
): ChatAdapter {
  const log = context.logger;
  const client = new IRC.Client();
  const fold = () => serverFold(client.network);
  const isSelf = (nick: string) => fold()(nick) === fold()(client.user.nick);
  const queue = new SendQueue(
    new TokenBucket({ burst: config.floodBurst, ratePerSecond: config.floodRate }),
  );
  const tracker = new AccountTracker(fold, (account) => deliveries.seen(account));
  const watched = new WatchedNicks(client, fold, (nick) => senders.forget(nick));
  const output = createOutput({
    client,
    queue,
    formatting: config.formatting,
    log,
    // Someone in a shared channel is seen leaving; anyone else is watched with MONITOR.
    follow: (nick) => {
      if (!tracker.shares(nick)) watched.watch(nick);
    },
  });
  const senders = new SenderAccounts(client, tracker, watched, fold);
  const pages = new MorePages(
    fold,
    pageLines(
      { burst: config.floodBurst, ratePerSecond: config.floodRate },
      CHANNEL_LINES,
      PRIVATE_LINES,
    ),
    (nick, lines, max, link) =>
      output.shorten(lines, nick, max, (hidden) => pagedMore(hidden, link)),
  );
  const muted = new MutedChannels(fold);
  const deliveries = createDeliveries({
    context,
    client,
    output,
    tracker,
    muted,
    channels: config.channels,
  });
  const server = `${config.host}:${config.port}`;
  let reconnects = 0;
  const timers = new Set<NodeJS.Timeout>();
  const kickRejoin = { ...KICK_REJOIN, ...tuning.kickRejoin };
  /** Folded channel → kicks in a row and when okrbot went back after the last. */
  const kicks = new Map<string, { count: number; rejoinedAt: number }>();

  // Everything irc-framework writes by itself (registration, PONG, WHO, WHOIS, NICK, JOIN, the
  // CTCP VERSION reply) is paced too, before any answer. Only the QUIT that ends a connection
  // goes at once: nothing follows it, and stopping should not wait for the bucket.
  const connection = client.connection;
  const writeNow = connection.write.bind(connection);
  /** okrbot sent QUIT on this connection: the server's ERROR that follows is no refusal. */
  let quitting = false;
  connection.write = (line, done) => {
    if (!line.startsWith('QUIT')) return queue.sendControl(line, done);
    quitting = true;
    return writeNow(line, done);
  };
  client.on('socket connected', () => {
    quitting = false;
    queue.open((line, done) => {
      if (connection.connected) writeNow(line, done);
      else done(new Error('disconnected'));
    });
  });

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
      // The server tells okrbot when its own user@host changes (a cloak after login): the
      // line budget depends on it.
      enable_chghost: true,
      // okrbot answers VERSION itself (ctcp.ts), within its CTCP allowance.
      version: '',
    },
    { ...DEFAULT_BACKOFF, ...tuning.backoff },
    {
      onRegistered(reconnected) {
        output.setOwnMask(undefined);
        tracker.clear();
        if (reconnected) {
          reconnects++;
          context.metrics.adapterReconnects.inc({ transport: 'irc' });
        }
        log.info({ server, nick: client.user.nick, reconnected }, 'IRC: connected');
        // Rejoin before anything held while disconnected goes out, so channel lines can land.
        for (const channel of config.channels) client.join(channel);
        queue.ready();
      },
      onDisconnected(error) {
        queue.pause();
        tracker.clear();
        watched.clear();
        senders.clear();
        pages.clear();
        muted.clear();
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

  /** Members' accounts in a channel okrbot just joined (WHOX), so prompts can find them. */
  function learnChannel(channel: string): void {
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

  client.on(
    'privmsg',
    createInbound({
      context,
      client,
      output,
      senders,
      tracker,
      pages,
      muted,
      nick: config.nick,
    }),
  );
  client.on('ctcp request', createCtcpResponder(client, okrbotVersion(), fold));
  // Libera asks that a bot join a channel only with its operators' permission or an
  // invitation: okrbot follows an invitation from an admin's services account, no one else's.
  client.on('invite', (event) => {
    if (!isSelf(event.invited) || !isSafeTarget(event.channel, channelTypes(client.network)))
      return;
    void (async () => {
      const lookup = await senders.of(event);
      const account = lookup === 'busy' ? undefined : lookup.account;
      const actor = await context.actor(account, event.nick, fold());
      if (!actor.isAdmin) {
        log.info(
          { channel: event.channel, by: event.nick },
          'IRC: invited by a non-admin; not joining',
        );
        return;
      }
      log.info({ channel: event.channel, by: actor.label }, 'IRC: invited by an admin; joining');
      client.join(event.channel);
    })().catch((error: unknown) => log.error({ err: error }, 'IRC: an invitation failed'));
  });
  client.on('mode', (event) => {
    if (isChannel(event.target, channelTypes(client.network))) muted.changed(event.target);
  });
  client.on('join', (event) => {
    tracker.joined(event.nick, event.channel, event.account);
    if (!isSelf(event.nick)) return;
    muted.changed(event.channel);
    output.setOwnMask({ user: event.ident, host: event.hostname });
    learnChannel(event.channel);
    log.info({ channel: event.channel }, 'IRC: joined');
  });
  client.on('user updated', (event) => {
    if (isSelf(event.nick) && event.new_ident && event.new_hostname)
      output.setOwnMask({ user: event.new_ident, host: event.new_hostname });
  });
  client.on('part', (event) => {
    if (isSelf(event.nick)) tracker.leftChannel(event.channel);
    else tracker.left(event.nick, event.channel);
  });
  client.on('kick', (event) => {
    if (!isSelf(event.kicked)) {
      tracker.left(event.kicked, event.channel);
      return;
    }
    tracker.leftChannel(event.channel);
    // Kicked again soon after rejoining: the channel means it, so each rejoin waits longer.
    const key = fold()(event.channel);
    const last = kicks.get(key);
    const stayed = last ? Date.now() - last.rejoinedAt : Number.POSITIVE_INFINITY;
    const count = last && stayed < kickRejoin.stableMs ? last.count + 1 : 1;
    const wait = backoffDelay(count, kickRejoin);
    kicks.set(key, { count, rejoinedAt: Date.now() + wait });
    log.warn(
      { channel: event.channel, by: event.nick, kicks: count, waitMs: wait },
      'IRC: kicked; rejoining later',
    );
    const timer = setTimeout(() => {
      timers.delete(timer);
      client.join(event.channel);
    }, wait);
    timers.add(timer);
  });
  /**
   * `nick` quit or changed: whoever holds it next is someone else, so what waits for it is
   * dropped (deliveries fail and the outbox sends them again to the account's new nick) and
   * what WHOIS said of it is forgotten.
   */
  function left(nick: string): void {
    senders.forget(nick);
    pages.forget(nick);
    const dropped = queue.drop(fold()(nick));
    if (dropped) log.info({ nick, lines: dropped }, 'IRC: dropped lines for a nick that left');
  }
  client.on('quit', (event) => {
    tracker.quit(event.nick);
    left(event.nick);
  });
  client.on('nick', (event) => {
    tracker.renamed(event.nick, event.new_nick);
    if (!isSelf(event.nick) && !isSelf(event.new_nick)) left(event.nick);
  });
  client.on('users offline', (event) => {
    if (event.nicks.some((nick) => fold()(nick) === fold()(config.nick))) reclaimNick();
    for (const nick of event.nicks) {
      watched.offline(nick);
      left(nick);
    }
  });
  client.on('account', (event) => {
    tracker.account(event.nick, event.account);
    senders.account(event.nick, event.account);
  });
  // What the server refused (a channel that is invite-only or bans okrbot, a nick that left
  // before its answer went out): the operator should hear of it.
  client.on('irc error', (event) => {
    if (event.error === 'cannot_send_to_channel' && event.channel) {
      const answers = muted.refused(event.channel);
      // Only the first refusal is news; the lines after it were refused too.
      if (!answers) return;
      const dropped = queue.drop(fold()(event.channel));
      log.warn(
        { channel: event.channel, reason: event.reason, dropped, rerouted: answers.length },
        'IRC: okrbot may not speak in this channel (moderated, quieted or banned); answers go to their askers',
      );
      for (const toAsker of answers) toAsker();
      return;
    }
    if (event.error === 'irc' && quitting) return;
    log.warn(
      { error: event.error, channel: event.channel, nick: event.nick, reason: event.reason },
      'IRC: the server refused something okrbot sent',
    );
  });
  // Someone holds the nick (often a ghost of okrbot's last connection): take another for now;
  // it is asked back once a minute.
  client.on('nick in use', () => {
    if (supervisor.state.phase === 'connecting')
      client.changeNick(`${config.nick.slice(0, 26)}_${Math.floor(Math.random() * 1000)}`);
  });
  function reclaimNick(): void {
    if (supervisor.state.phase !== 'registered' || isSelf(config.nick)) return;
    client.changeNick(config.nick);
  }
  // Registered, and the ISUPPORT lines read (they follow the welcome; the MOTD ends them).
  client.on('motd', () => {
    // Labelled a bot where the server has a mode for it (ISUPPORT BOT=B), as Libera asks.
    const botMode = client.network.supports('BOT');
    if (typeof botMode === 'string' && /^[A-Za-z]$/.test(botMode))
      client.raw(`MODE ${client.user.nick} +${botMode}`);
    if (isSelf(config.nick)) return;
    // Someone holds okrbot's nick. Logged in to its account, okrbot asks services to disconnect
    // the holder (Atheme and Anope's GHOST), and takes the nick back the moment the server says it
    // is free (MONITOR); the minute-by-minute retry remains for servers without either.
    if (config.sasl) client.raw(`PRIVMSG NickServ :GHOST ${config.nick}`);
    if (client.network.supports('MONITOR')) client.raw(`MONITOR + ${config.nick}`);
  });

  return {
    transport: 'irc',

    async start() {
      timers.add(setInterval(reclaimNick, NICK_RECLAIM_MS));
      await supervisor.start();
      if (supervisor.state.phase !== 'registered')
        log.warn({ server }, 'IRC: not connected yet; okrbot keeps trying in the background');
    },

    async stop() {
      // clearTimeout clears intervals too.
      for (const timer of timers) clearTimeout(timer);
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
      const seconds = (at: number) => Math.max(0, Math.round((at - Date.now()) / 1000));
      const detail =
        state.phase === 'registered'
          ? `connected to ${server} as ${client.user.nick}`
          : state.phase === 'connecting'
            ? `connecting to ${server}`
            : state.phase === 'waiting'
              ? `disconnected from ${server}; retry ${state.attempt} in ${seconds(state.retryAt)} s`
              : `stopped${state.error ? `: ${state.error.message}` : ''}`;
      return { connected: state.phase === 'registered', detail, reconnects, waiting: queue.held() };
    },

    async deliver(message) {
      // Nothing is queued for the outbox while disconnected: it keeps the message and retries.
      if (supervisor.state.phase !== 'registered')
        return { ok: false, retry: 'later', error: 'disconnected' };
      return deliveries.deliver(message);
    },
  };
}
