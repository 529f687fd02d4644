import type { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_PASSWORD, startBot, type TestBot } from '../support/irc/bot.ts';
import { clientPool, type TestClient, until } from '../support/irc/client.ts';
import { type IrcNetwork, startIrcNetwork } from '../support/irc/network.ts';

// How okrbot behaves among people on a real InspIRCd + Atheme network: it takes its nick back
// from whoever holds it, and says it is a bot (user mode +B, shown in WHOIS).

/** The raw lines the server sends `client` until one matches `end`. */
async function rawUntil(client: TestClient, send: string, end: RegExp): Promise<string[]> {
  const lines: string[] = [];
  const irc = client.irc as unknown as EventEmitter;
  const done = new Promise<void>((resolve) => {
    const listen = (event: { line: string; from_server: boolean }) => {
      if (!event.from_server) return;
      lines.push(event.line);
      if (end.test(event.line)) {
        irc.off('raw', listen);
        resolve();
      }
    };
    irc.on('raw', listen);
  });
  client.raw(send);
  await done;
  return lines;
}

const ADELE = { account: 'adele', password: 'pw-adele-1' };
const BOB = { account: 'bob', password: 'pw-bob-1' };

/** Resolves once `nick` joined `channel`, as `client` (a member) sees it. */
function joinedBy(client: TestClient, nick: string, channel: string): Promise<void> {
  return new Promise((resolve) =>
    client.irc.on('join', (event) => {
      if (event.nick === nick && event.channel.toLowerCase() === channel) resolve();
    }),
  );
}

describe('IRC etiquette', () => {
  let network: IrcNetwork;
  let bot: TestBot;
  let holder: TestClient;
  const logged: { msg: string; waitMs?: number }[] = [];
  const { connect, quitAll } = clientPool();

  beforeAll(async () => {
    network = await startIrcNetwork({
      accounts: { okrbot: BOT_PASSWORD, adele: ADELE.password, bob: BOB.password },
    });
    // Someone not logged in holds okrbot's nick when it connects.
    holder = await connect({ port: network.port, nick: 'okrbot' });
    bot = await startBot({
      network,
      logger: pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) }),
      adapter: { kickRejoin: { initialMs: 200, maxMs: 5_000, random: () => 1 } },
    });
  }, 60_000);
  afterAll(async () => {
    await quitAll();
    await bot?.close();
    await network?.close();
  });

  it('has services disconnect whoever holds its nick, and takes the nick back', async () => {
    await holder.closed();
    await until(() => /as okrbot$/.test(bot.adapter.health().detail), 'okrbot has its nick');
    expect(bot.adapter.health()).toMatchObject({ connected: true, reconnects: 0 });
  });

  it('is marked as a bot (ISUPPORT BOT: user mode +B)', async () => {
    const asker = await connect({ port: network.port, nick: 'asker' });
    const whois = await rawUntil(asker, 'WHOIS okrbot', / 318 /);
    expect(whois.some((line) => / 335 asker okrbot /.test(line))).toBe(true);
  });

  it('joins a channel when an admin invites it, and not when anyone else does', async () => {
    await bot.link('nuria-ruiz', 'adele');
    await bot.link('gilles-dubuc', 'bob');
    await bot.database.db.execute(
      sql`update people set is_admin = true where handle = 'nuria-ruiz'`,
    );
    const adele = await connect({
      port: network.port,
      nick: 'adele',
      sasl: ADELE,
      channels: ['#adele'],
    });
    const bob = await connect({ port: network.port, nick: 'bob', sasl: BOB, channels: ['#bob'] });
    let joinedBob = false;
    void joinedBy(bob, 'okrbot', '#bob').then(() => {
      joinedBob = true;
    });
    const joinedAdele = joinedBy(adele, 'okrbot', '#adele');
    bob.raw('INVITE okrbot #bob');
    await bob.roundTrip('okrbot');
    adele.raw('INVITE okrbot #adele');
    await joinedAdele;
    await bob.roundTrip('okrbot');
    expect(joinedBob).toBe(false);
  });

  it('rejoins after a kick, waiting longer each time it is kicked again soon', async () => {
    const adele = await connect({
      port: network.port,
      nick: 'adele2',
      sasl: ADELE,
      channels: ['#kicks'],
    });
    const invited = joinedBy(adele, 'okrbot', '#kicks');
    adele.raw('INVITE okrbot #kicks');
    await invited;
    for (const _ of [1, 2]) {
      const back = joinedBy(adele, 'okrbot', '#kicks');
      adele.raw('KICK #kicks okrbot :out');
      await back;
    }
    const waits = logged.filter((entry) => entry.msg === 'IRC: kicked; rejoining later');
    expect(waits.map((entry) => entry.waitMs)).toEqual([200, 400]);
  });
});
