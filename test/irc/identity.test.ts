import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.ts';
import { statusHistory } from '../../src/store/status-history.ts';
import { BOT_PASSWORD, startBot, type TestBot } from '../support/irc/bot.ts';
import { clientPool, fromBot } from '../support/irc/client.ts';
import { type IrcNetwork, startIrcNetwork } from '../support/irc/network.ts';

// Identity by services account, never by nick, on a real InspIRCd + Atheme network: the
// manager changes goals from a private message and from a channel; the same nick without the
// account changes nothing; a logout, or a login as someone else, counts from the next line.

const NOW = new Date('2019-08-28T12:00:00Z');
const NURIA = { account: 'nuria', password: 'pw-nuria-1' };
const GILLES = { account: 'gilles', password: 'pw-gilles-1' };

describe('IRC identity by services account', () => {
  let network: IrcNetwork;
  let bot: TestBot;
  const { connect, quitAll } = clientPool();

  beforeAll(async () => {
    network = await startIrcNetwork({
      accounts: { okrbot: BOT_PASSWORD, nuria: NURIA.password, gilles: GILLES.password },
    });
    bot = await startBot({ network });
    await bot.link('nuria-ruiz', 'nuria');
    await bot.link('gilles-dubuc', 'gilles');
  });
  afterAll(async () => {
    await quitAll();
    await bot?.close();
    await network?.close();
  });

  async function history(taskId: string) {
    const [goal] = await bot.services.goals.byTaskId(taskId, NOW);
    if (!goal) throw new Error(`no goal ${taskId}`);
    return statusHistory(bot.database.db, 'goal', goal.id, NOW);
  }

  /** Status changes recorded from IRC so far. */
  async function ircChanges(): Promise<number> {
    const rows = await queryRows<{ count: number }>(
      bot.database.db,
      sql`select count(*)::int as count from status_entries where source = 'irc'`,
    );
    return rows[0]?.count ?? 0;
  }

  it('records a status the manager sets in a private message, attributed to her', async () => {
    const nuria = await connect({ port: network.port, nick: 'nuria', sasl: NURIA });
    nuria.say('okrbot', 'set T211248 done migrated ahead of schedule');
    const answer = await nuria.waitFor(fromBot('T211248'));
    expect(answer.type).toBe('privmsg');
    expect(answer.text).toContain('In progress → ');
    expect(answer.text).toContain('Done');
    expect((await history('T211248')).at(-1)).toMatchObject({
      status: 'done',
      note: 'migrated ahead of schedule',
      source: 'irc',
      personName: 'Nuria Ruiz',
    });
    await nuria.quit();
  });

  it('stores a note without the colour codes typed into it, and keeps joined emoji whole', async () => {
    const nuria = await connect({ port: network.port, nick: 'nuria', sasl: NURIA });
    nuria.say('okrbot', 'set T226089 in progress \x0304,01red\x03 alert for 👩‍💻 team');
    await nuria.waitFor(fromBot('T226089'));
    expect((await history('T226089')).at(-1)).toMatchObject({
      status: 'in_progress',
      note: 'red alert for 👩‍💻 team',
    });
    await nuria.quit();
  });

  it('records statuses set in a channel, with !okr or by addressing the bot', async () => {
    const nuria = await connect({
      port: network.port,
      nick: 'nuria_',
      sasl: NURIA,
      channels: ['#okr'],
    });
    nuria.say('#okr', '!okr set T226089 blocked waiting on hardware');
    const bang = await nuria.waitFor(fromBot('T226089'));
    expect(bang).toMatchObject({ type: 'privmsg', target: '#okr' });
    nuria.say('#okr', 'OKRBOT: set T215863 done');
    const addressed = await nuria.waitFor(fromBot('T215863'));
    expect(addressed).toMatchObject({ type: 'privmsg', target: '#okr' });
    expect((await history('T226089')).at(-1)).toMatchObject({
      status: 'blocked',
      note: 'waiting on hardware',
      source: 'irc',
      personName: 'Nuria Ruiz',
    });
    expect((await history('T215863')).at(-1)).toMatchObject({ status: 'done', source: 'irc' });

    // A long answer in a channel stops after a few lines and says where the rest is.
    nuria.say('#okr', '!okr status analytics');
    const more = await nuria.waitFor(fromBot('more: /msg okrbot status analytics'));
    const answer = nuria.received.filter((m) => m.from === 'okrbot' && m.target === '#okr');
    const start = answer.findIndex((m) => m.text.includes('Analytics — FY2019-20 Q1'));
    expect(answer.slice(start).indexOf(more)).toBe(3);
    await nuria.quit();
  });

  it("refuses changes from the manager's nick without her account, and says how to identify", async () => {
    const before = await ircChanges();
    const impostor = await connect({ port: network.port, nick: 'nuria', channels: ['#okr'] });

    impostor.say('okrbot', 'set T211248 blocked');
    const refused = await impostor.waitFor(fromBot('NickServ'));
    expect(refused.type).toBe('privmsg');
    expect(refused.text).toContain('You are not identified with NickServ');

    impostor.say('#okr', '!okr set T211248 blocked');
    const notice = await impostor.waitFor((m) => m.type === 'notice' && m.from === 'okrbot');
    expect(notice.target).toBe('nuria');
    expect(notice.text).toContain('not identified with NickServ');

    // A client-only +account tag is anyone's to send; a forged server tag is stripped.
    impostor.raw('@+account=nuria PRIVMSG okrbot :set T210313 done');
    impostor.raw('@account=nuria PRIVMSG okrbot :set T210313 cancelled');
    impostor.say('okrbot', 'undo');
    impostor.say('okrbot', 'status T211248');
    const read = await impostor.waitFor(fromBot('Continue moving events'));
    expect(read.type).toBe('privmsg');
    const refusals = impostor.received.filter(
      (m) => m.from === 'okrbot' && m.text.includes('not identified with NickServ'),
    );
    expect(refusals).toHaveLength(5);
    expect(await ircChanges()).toBe(before);
    expect((await history('T211248')).at(-1)).toMatchObject({ status: 'done', source: 'irc' });
    expect((await history('T210313')).at(-1)?.source).not.toBe('irc');
    await impostor.quit();
  });

  it('records a channel command once when two okrbot instances share the account', async () => {
    const twin = await bot.twin({ nick: 'okrbot2' });
    expect(twin.health().connected).toBe(true);
    const nuria = await connect({
      port: network.port,
      nick: 'nuria',
      sasl: NURIA,
      channels: ['#okr'],
    });
    const before = await ircChanges();
    nuria.say('#okr', '!okr set T217057 stalled waiting for hosts');
    await nuria.waitFor((m) => m.text.includes('T217057'));
    // Both read it; the second to claim the message id says nothing.
    await nuria.roundTrip('okrbot2');
    await nuria.roundTrip('okrbot');
    expect(nuria.received.filter((m) => m.text.includes('T217057'))).toHaveLength(1);
    expect(await ircChanges()).toBe(before + 1);
    await twin.stop();
    await nuria.quit();
  });

  it('stops attributing lines to the manager once she logs out, and a new login counts at once', async () => {
    const nuria = await connect({ port: network.port, nick: 'nuria', sasl: NURIA });
    nuria.say('okrbot', 'update analytics');
    await nuria.waitFor(fromBot('Update Analytics'));
    nuria.say('okrbot', 'T223626 in progress licensing sorted');
    await nuria.waitFor(fromBot('✓ T223626'));
    const before = await ircChanges();

    nuria.say('NickServ', 'LOGOUT');
    await nuria.waitFor((m) => m.from === 'NickServ' && /logged out/i.test(m.text));
    // Her update's next line: she is told to identify, not that it is no command.
    nuria.say('okrbot', 'T210313 done');
    const hint = await nuria.waitFor(fromBot('not identified with NickServ'));
    expect(hint.text).not.toContain('Unknown command');
    nuria.say('okrbot', 'set T210313 done');
    await nuria.waitFor(
      (m) => m !== hint && m.from === 'okrbot' && m.text.includes('not identified with NickServ'),
    );
    expect(await ircChanges()).toBe(before);

    // Logged in as Gilles under the same nick: refused as Gilles, who does not manage Analytics.
    nuria.say('NickServ', `IDENTIFY ${GILLES.account} ${GILLES.password}`);
    await nuria.waitFor((m) => m.from === 'NickServ' && /now identified/i.test(m.text));
    nuria.say('okrbot', 'set T210313 done');
    await nuria.waitFor(fromBot('Only Nuria Ruiz (managers and delegates of Analytics)'));
    nuria.say('okrbot', 'whoami');
    await nuria.waitFor(fromBot('gilles-dubuc'));
    expect(await ircChanges()).toBe(before);
    expect((await history('T223626')).at(-1)).toMatchObject({
      status: 'in_progress',
      source: 'irc',
      personName: 'Nuria Ruiz',
    });
    await nuria.quit();
  });
});
