import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importQuarter } from '../../src/formats/import/import-quarter.ts';
import { parseQuarterFile } from '../../src/formats/import/quarter-file.ts';
import { paragraph, reply } from '../../src/reply/document.ts';
import { DEFAULT_FLOOD } from '../../src/transports/irc/irc-config.ts';
import { BOT_PASSWORD, startBot, type TestBot } from '../support/irc/bot.ts';
import { clientPool, fromBot, type TestClient, until } from '../support/irc/client.ts';
import { type IrcNetwork, STRICT_FLOOD, startIrcNetwork } from '../support/irc/network.ts';

// okrbot on a strict network (no fake lag; more than 10 lines at once is an "Excess Flood"
// kill) with its default pace, Libera's: everything it writes, its own connection burst
// included, goes through the paced queue, so it is never disconnected for flooding.

const QUARTER = `
department: Technology
cycle: FY2019-20 Q1
teams:
  - name: Leak Check
    managers: [Nuria Ruiz]
    goals:
${Array.from({ length: 21 }, (_, i) => `      - { title: Leak goal ${i + 1}, tasks: [T8000${String(i + 1).padStart(2, '0')}], status: In progress }`).join('\n')}
`;

const NURIA = { account: 'nuria', password: 'pw-nuria-1' };

const CHANNELS = ['#okr', '#one', '#two', '#three', '#four', '#five'];

/** Resolves once `nick` joined `channel`, as `client` (a member) sees it. */
function joinedBy(client: TestClient, nick: string, channel: string): Promise<void> {
  return new Promise((resolve) =>
    client.irc.on('join', (event) => {
      if (event.nick === nick && event.channel.toLowerCase() === channel) resolve();
    }),
  );
}

describe('IRC on a strict network', () => {
  let network: IrcNetwork;
  const bots: TestBot[] = [];
  /** The bot the six-channel test starts, which the tests after it talk to. */
  let sixChannels: TestBot | undefined;
  const { connect, quitAll } = clientPool();

  beforeAll(async () => {
    network = await startIrcNetwork({
      accounts: { okrbot: BOT_PASSWORD, nuria: NURIA.password },
      flood: STRICT_FLOOD,
    });
  });
  afterAll(async () => {
    await quitAll();
    for (const bot of bots) await bot.close();
    await network?.close();
  });

  it('has a server that kills a client writing eleven lines at once (the control)', async () => {
    const naive = await connect({ port: network.port, nick: 'naive' });
    for (let n = 0; n < 11; n++) naive.raw(`PRIVMSG #nowhere :line ${n}`);
    await naive.closed();
    expect(naive.irc.connected).toBe(false);
  });

  it('joins six channels at the default pace without an Excess Flood', async () => {
    const members: TestClient[] = [];
    for (const channel of CHANNELS)
      members.push(
        await connect({ port: network.port, nick: `m${members.length}`, channels: [channel] }),
      );
    const joins = CHANNELS.map((channel, i) =>
      joinedBy(members[i] as TestClient, 'okrbot', channel),
    );
    const bot = await startBot({
      network,
      channels: CHANNELS,
      irc: {
        channels: CHANNELS,
        floodBurst: DEFAULT_FLOOD.burst,
        floodRate: DEFAULT_FLOOD.ratePerSecond,
      },
      // Registration alone takes a few seconds at one line every two.
      adapter: { backoff: { registrationTimeoutMs: 60_000 } },
    });
    bots.push(bot);
    sixChannels = bot;
    await Promise.all(joins);
    // Alive and answering after the JOINs and WHOs (its CTCP reply is paced too).
    const last = members.at(-1) as TestClient;
    await last.roundTrip('okrbot');
    await until(() => bot.adapter.health().connected, 'the bot is connected', 5_000);
    expect(bot.adapter.health()).toMatchObject({ connected: true, reconnects: 0 });
  }, 120_000);

  it('answers a person before the deliveries queued for her', async () => {
    const bot = sixChannels as TestBot;
    await bot.link('nuria-ruiz', 'nuria');
    const nuria = await connect({
      port: network.port,
      nick: 'nuria',
      sasl: NURIA,
      channels: ['#okr'],
    });
    await nuria.roundTrip('okrbot');
    const person = await bot.services.people.findByHandle('nuria-ruiz');
    const nudge = (n: number) => ({
      key: `nudge:${n}`,
      to: { kind: 'person' as const, personId: person?.id as number },
      content: {
        type: 'document' as const,
        reply: reply(paragraph(`Nudge ${n} of four: line one`), paragraph(`Nudge ${n}: line two`)),
      },
    });
    const deliveries = [1, 2, 3, 4].map((n) => bot.adapter.deliver(nudge(n)));
    await nuria.waitFor(fromBot('Nudge 1 of four'), 30_000);
    nuria.say('okrbot', 'set T211248 done migrated');
    const answer = await nuria.waitFor(fromBot('T211248'), 30_000);
    // Her answer came before the last nudge, which was queued first.
    const order = nuria.received.indexOf(answer);
    const lastNudge = await nuria.waitFor(fromBot('Nudge 4: line two'), 60_000);
    expect(order).toBeLessThan(nuria.received.indexOf(lastNudge));
    expect(await Promise.all(deliveries)).toEqual(
      [1, 2, 3, 4].map(() => ({ ok: true, messageId: 'nuria' })),
    );
    await nuria.quit();
  }, 120_000);

  it('answers CTCP VERSION, PING, TIME, CLIENTINFO and SOURCE, and a flood of them only a few times', async () => {
    const asker = await connect({ port: network.port, nick: 'ctcp' });
    const responses: string[] = [];
    asker.irc.on('ctcp response', (event) => {
      if (event.nick === 'okrbot') responses.push(event.message);
    });
    for (const request of ['VERSION', 'PING 1234', 'TIME', 'CLIENTINFO', 'SOURCE', 'VERSION'])
      asker.say('okrbot', `\x01${request}\x01`);
    // Three answers at once for one nick; the rest of the flood is ignored.
    await until(() => responses.length >= 3, 'three CTCP answers', 30_000);
    expect(responses[0]).toMatch(/^VERSION okrbot \d+\.\d+\.\d+$/);
    expect(responses[1]).toBe('PING 1234');
    expect(responses[2]).toMatch(/^TIME \w{3}, \d\d \w{3} \d{4} /);
    const other = await connect({ port: network.port, nick: 'ctcp2' });
    const more: string[] = [];
    other.irc.on('ctcp response', (event) => {
      if (event.nick === 'okrbot') more.push(event.message);
    });
    other.say('okrbot', '\x01CLIENTINFO\x01');
    other.say('okrbot', '\x01SOURCE\x01');
    await until(() => more.length >= 2, 'two more answers', 30_000);
    expect(more[0]).toBe('CLIENTINFO CLIENTINFO PING SOURCE TIME VERSION');
    expect(more[1]).toMatch(/^SOURCE okrbot /);
    expect(responses).toHaveLength(3);
  }, 120_000);

  it('never sends the rest of an answer to whoever takes the nick after its asker quit', async () => {
    const bot = sixChannels as TestBot;
    await importQuarter(bot.database.db, parseQuarterFile(QUARTER, 'leak.yaml'), 'leak.yaml', {
      fiscal: { startMonth: 7 },
      defaultTimeZone: 'UTC',
    });
    const asker = await connect({ port: network.port, nick: 'asker' });
    asker.say('okrbot', 'goals leak check');
    // The first lines arrive; the rest wait their turn at one line every two seconds.
    await asker.waitFor(fromBot('Leak goal'), 60_000);
    expect(bot.adapter.health().waiting).toBeGreaterThan(0);
    await asker.quit();
    const next = await connect({ port: network.port, nick: 'asker' });
    await until(() => bot.adapter.health().waiting === 0, 'nothing waits any more', 60_000);
    // Anything okrbot wrote to the nick before its CTCP reply has arrived by then.
    await next.roundTrip('okrbot');
    expect(next.received.filter((m) => m.from === 'okrbot')).toEqual([]);
    expect(bot.adapter.health()).toMatchObject({ connected: true, reconnects: 0 });
  }, 120_000);
});

describe('IRC on a strict network without account-tag', () => {
  let network: IrcNetwork;
  let bot: TestBot;
  const { connect, quitAll } = clientPool();
  const VISITORS = ['vera', 'vince', 'vesna'];
  let chanop: TestClient;

  beforeAll(async () => {
    network = await startIrcNetwork({
      accounts: {
        okrbot: BOT_PASSWORD,
        ...Object.fromEntries(VISITORS.map((v) => [v, `pw-${v}-1`])),
      },
      flood: STRICT_FLOOD,
      accountTag: false,
    });
    // First in #okr, so the channel operator is chanop, not okrbot.
    chanop = await connect({ port: network.port, nick: 'chanop', channels: ['#okr'] });
    bot = await startBot({
      network,
      irc: { floodBurst: DEFAULT_FLOOD.burst, floodRate: DEFAULT_FLOOD.ratePerSecond },
      adapter: { backoff: { registrationTimeoutMs: 60_000 } },
    });
  }, 120_000);
  afterAll(async () => {
    await quitAll();
    await bot?.close();
    await network?.close();
  });

  it('answers three visitors sending whoami twenty times by private message, without an Excess Flood', async () => {
    const visitors = await Promise.all(
      VISITORS.map((nick) =>
        connect({ port: network.port, nick, sasl: { account: nick, password: `pw-${nick}-1` } }),
      ),
    );
    // The scenario: each visitor writes within its own flood allowance, one line every 1.2 s.
    const paced = (visitor: TestClient) =>
      (async () => {
        for (let n = 0; n < 20; n++) {
          visitor.say('okrbot', 'whoami');
          await new Promise((resolve) => setTimeout(resolve, 1_200));
        }
      })();
    await Promise.all(visitors.map(paced));
    // Each learns who okrbot thinks it is (WHOIS, asked once per nick), and okrbot writes all it
    // queued without being disconnected.
    for (const [i, visitor] of visitors.entries())
      await visitor.waitFor(fromBot(VISITORS[i] as string), 60_000);
    await until(() => bot.adapter.health().waiting === 0, 'the bot wrote all it queued', 180_000);
    for (const visitor of visitors) await visitor.roundTrip('okrbot');
    expect(bot.adapter.health()).toMatchObject({ connected: true, reconnects: 0 });
    // Told to wait instead of queuing twenty answers each.
    for (const visitor of visitors) {
      const answers = visitor.received.filter((m) => m.from === 'okrbot' && m.type === 'privmsg');
      expect(answers.length).toBeLessThan(20 * 2);
      expect(visitor.received.some((m) => m.text.includes('One moment'))).toBe(true);
    }
  }, 300_000);

  it('answers the asker privately where okrbot may not speak (+m)', async () => {
    const mia = await connect({ port: network.port, nick: 'mia', channels: ['#okr'] });
    // Mia has a voice; okrbot has none.
    chanop.raw('MODE #okr +v mia');
    chanop.raw('MODE #okr +m');
    await mia.roundTrip('okrbot');
    mia.say('#okr', '!okr status T211248');
    const rerouted = await mia.waitFor(fromBot('T211248'), 60_000);
    expect(rerouted).toMatchObject({ type: 'privmsg', target: 'mia' });
    // Known now: the next answer goes to her at once, and nothing reached the channel.
    mia.say('#okr', '!okr status T226089');
    expect(await mia.waitFor(fromBot('T226089'), 60_000)).toMatchObject({ target: 'mia' });
    await until(() => bot.adapter.health().waiting === 0, 'nothing waits', 60_000);
    await chanop.roundTrip('okrbot');
    expect(chanop.received.filter((m) => m.from === 'okrbot')).toEqual([]);
    expect(mia.received.filter((m) => m.from === 'okrbot' && m.target === '#okr')).toEqual([]);
    expect(bot.adapter.health()).toMatchObject({ connected: true, reconnects: 0 });
  }, 120_000);
});
