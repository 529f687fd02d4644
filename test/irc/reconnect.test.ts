import type { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/command.ts';
import type { Dispatch, LineOptions } from '../../src/core/dispatch.ts';
import { paragraph, reply } from '../../src/reply/document.ts';
import { IrcLoginError } from '../../src/transports/irc/supervisor.ts';
import { BOT_PASSWORD, startBot, type TestBot } from '../support/irc/bot.ts';
import { clientPool, type TestClient, until } from '../support/irc/client.ts';
import { type IrcNetwork, startIrcNetwork } from '../support/irc/network.ts';

// A lost connection is a pause, not an outage: the network is stopped for longer than three
// backoff steps (irc-framework alone would have given up), and okrbot comes back, logs in,
// rejoins, and sends what waited, once.

/** The retry number and seconds to it, from the adapter's health line. */
function retryOf(bot: TestBot): { attempt: number; seconds: number } | undefined {
  const match = /retry (\d+) in (\d+) s/.exec(bot.adapter.health().detail);
  return match ? { attempt: Number(match[1]), seconds: Number(match[2]) } : undefined;
}

/**
 * How many connections the server holds that have not registered (okrbot during its login):
 * LUSERS says so in a 253 line, which it leaves out when there are none.
 */
async function unregisteredConnections(client: TestClient): Promise<number> {
  const lines: string[] = [];
  // irc-framework re-emits every raw line as 'raw'; okrbot's typings leave it out.
  const irc = client.irc as unknown as EventEmitter;
  const answered = new Promise<void>((resolve) => {
    const listen = (event: { line: string; from_server: boolean }) => {
      if (!event.from_server) return;
      lines.push(event.line);
      if (/(?:^| ):\S+ 255 /.test(event.line)) {
        irc.off('raw', listen);
        resolve();
      }
    };
    irc.on('raw', listen);
  });
  client.raw('LUSERS');
  await answered;
  const unknown = lines.map((line) => /(?:^| ):\S+ 253 \S+ (\d+) /.exec(line)).find(Boolean);
  return unknown ? Number(unknown[1]) : 0;
}

/** A dispatcher that can hold answers back, to have one ready while the bot is disconnected. */
function holdingDispatch() {
  let holding = false;
  let entered: () => void = () => {};
  let release: () => void = () => {};
  const gate = {
    hold(): Promise<void> {
      holding = true;
      return new Promise((resolve) => {
        entered = resolve;
      });
    },
    release() {
      holding = false;
      release();
    },
    wrap(dispatch: Dispatch): Dispatch {
      const held = async (line: string, actor: Actor, options?: LineOptions) => {
        if (holding) {
          const released = new Promise<void>((resolve) => {
            release = resolve;
          });
          entered();
          await released;
        }
        return dispatch(line, actor, options);
      };
      return Object.assign(held, {
        exchangeOf: dispatch.exchangeOf,
        openExchange: dispatch.openExchange,
        contextFor: dispatch.contextFor,
        cached: dispatch.cached,
      });
    },
  };
  return gate;
}

describe('IRC reconnection', () => {
  let network: IrcNetwork;
  const bots: TestBot[] = [];
  const { connect, quitAll } = clientPool();

  beforeAll(async () => {
    network = await startIrcNetwork({ accounts: { okrbot: BOT_PASSWORD } });
  });
  afterAll(async () => {
    await quitAll();
    for (const bot of bots) await bot.close();
    await network?.close();
  });

  it('comes back after the network was down for several backoff steps, and sends what waited once', async () => {
    const gate = holdingDispatch();
    const bot = await startBot({
      network,
      wrapDispatch: gate.wrap,
      // No jitter, so the test knows when the next attempt comes.
      adapter: {
        backoff: {
          initialMs: 250,
          maxMs: 8_000,
          stableMs: 60_000,
          registrationTimeoutMs: 10_000,
          random: () => 1,
        },
      },
    });
    bots.push(bot);
    const watcher = await connect({ port: network.port, nick: 'watcher', channels: ['#okr'] });

    // An answer is being worked out when the network goes down; it is ready while disconnected.
    const held = gate.hold();
    watcher.say('#okr', '!okr status T211248');
    await held;
    await network.stop();
    await until(() => !bot.adapter.health().connected, 'the bot noticed');
    gate.release();
    const digest = {
      key: 'digest:technology:2019-W35:#okr',
      to: { kind: 'channel' as const, channel: '#okr' },
      content: { type: 'document' as const, reply: reply(paragraph('Weekly digest, sent once')) },
    };
    expect(await bot.adapter.deliver(digest)).toEqual({
      ok: false,
      retry: 'later',
      error: 'disconnected',
    });

    // Past three backoff steps (0.25 + 0.5 + 1 s), and the next retry far enough off that the
    // network restarts and the watcher is back in the channel before the bot is, even on a
    // loaded machine.
    await until(() => (retryOf(bot)?.attempt ?? 0) >= 6, 'the sixth retry is scheduled', 20_000);
    expect(retryOf(bot)?.seconds).toBeGreaterThanOrEqual(7);
    await network.restart();
    const back = await connect({ port: network.port, nick: 'watcher', channels: ['#okr'] });
    const rejoined = new Promise<string | false | undefined>((resolve) =>
      back.irc.on('join', (event) => {
        if (event.nick === 'okrbot' && event.channel === '#okr') resolve(event.account);
      }),
    );
    // Back in the channel, logged in to its account again.
    expect(await rejoined).toBe('okrbot');
    await back.waitFor((m) => m.from === 'okrbot' && m.text.includes('T211248'));
    expect(bot.adapter.health()).toMatchObject({ connected: true, reconnects: 1 });
    expect(bot.metrics.adapterReconnects.value({ transport: 'irc' })).toBe(1);

    // The outbox tries again once connected: delivered, once.
    expect(await bot.adapter.deliver(digest)).toEqual({ ok: true, messageId: '#okr' });
    await back.waitFor((m) => m.text === 'Weekly digest, sent once');
    back.say('#okr', '!okr status T226089');
    await back.waitFor((m) => m.from === 'okrbot' && m.text.includes('T226089'));
    const heading = back.received.filter(
      (m) => m.from === 'okrbot' && m.text.includes('T211248 —'),
    );
    expect(heading).toHaveLength(1);
    expect(back.received.filter((m) => m.text === 'Weekly digest, sent once')).toHaveLength(1);
    await bot.stopAdapter();
  }, 90_000);

  it('keeps trying when the first connection fails, and connects once the server is up', async () => {
    await network.stop();
    const bot = await startBot({ network });
    bots.push(bot);
    expect(bot.adapter.health().connected).toBe(false);
    await until(() => (retryOf(bot)?.attempt ?? 0) >= 4, 'the fourth retry is scheduled');
    await network.restart();
    await until(() => bot.adapter.health().connected, 'the bot connected', 30_000);
    const watcher = await connect({ port: network.port, nick: 'watcher2', channels: ['#okr'] });
    watcher.say('#okr', '!okr status T226089');
    await watcher.waitFor((m) => m.from === 'okrbot' && m.text.includes('T226089'));
    // The first registration is not a reconnection.
    expect(bot.adapter.health().reconnects).toBe(0);
    await bot.stopAdapter();
  }, 60_000);

  it('stops with a clear error when its SASL login is refused, rather than run unidentified', async () => {
    const watcher = await connect({ port: network.port, nick: 'watcher3', channels: ['#okr'] });
    const bot = await startBot({
      network,
      irc: { sasl: { account: 'okrbot', password: 'wrong-password' } },
      start: false,
    });
    bots.push(bot);
    const error = await bot.adapter.start().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(IrcLoginError);
    expect((error as Error).message).toMatch(
      /SASL login as "okrbot" failed .*IRC_SASL_ACCOUNT and IRC_SASL_PASSWORD/,
    );
    const health = bot.adapter.health();
    expect(health.connected).toBe(false);
    expect(health.detail).toMatch(/^stopped: IRC: the SASL login/);
    // No retry is scheduled, and it never got as far as joining a channel: once the server has
    // dropped the refused connection (and a round trip later, okrbot has seen it close), it is
    // still stopped.
    await expect.poll(() => unregisteredConnections(watcher)).toBe(0);
    await watcher.roundTrip('watcher3');
    expect(bot.adapter.health().detail).toMatch(/^stopped/);
    await watcher.roundTrip('watcher3');
    expect(watcher.received.filter((m) => m.from === 'okrbot')).toEqual([]);
  });
});
