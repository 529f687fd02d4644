import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importQuarter } from '../../src/formats/import/import-quarter.ts';
import { parseQuarterFile } from '../../src/formats/import/quarter-file.ts';
import { BOT_PASSWORD, startBot, type TestBot } from '../support/irc/bot.ts';
import { clientPool, fromBot, until } from '../support/irc/client.ts';
import { type IrcNetwork, startIrcNetwork } from '../support/irc/network.ts';

// What okrbot writes to IRC, on a network that kills flooders the way public networks do
// (InspIRCd without fake lag: more than 8 lines at once, or over 4 a second for long, is an
// "Excess Flood" kill): long answers arrive whole and in order, paced by the token bucket, and
// stored text can neither inject IRC lines nor carry control codes.

const NOW = new Date('2019-08-28T12:00:00Z');
const GOALS = Array.from({ length: 40 }, (_, i) => String(i + 1).padStart(2, '0'));
const QUARTER = `
department: Technology
cycle: FY2019-20 Q1
teams:
  - name: Flood Control
    managers: [Nuria Ruiz]
    goals:
${GOALS.map((n) => `      - { title: Flood goal ${n} of forty, tasks: [T9000${n}], status: In progress }`).join('\n')}
`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: okrbot's bold, reset and colour codes.
const OWN_CODES = /\x02|\x0f|\x03\d\d/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control codes is the point.
const CONTROLS = /[\x00-\x1f\x7f]/;

describe('IRC output', () => {
  let network: IrcNetwork;
  let bot: TestBot;
  const { connect, quitAll } = clientPool();

  beforeAll(async () => {
    network = await startIrcNetwork({
      accounts: { okrbot: BOT_PASSWORD },
      flood: { threshold: 8, linesPerSecond: 4 },
    });
    // The bot's own limits, below the server's: a burst of 4, then 3 lines a second.
    bot = await startBot({ network, irc: { floodBurst: 4, floodRate: 3 } });
    await importQuarter(bot.database.db, parseQuarterFile(QUARTER, 'flood.yaml'), 'flood.yaml', {
      fiscal: { startMonth: 7 },
      defaultTimeZone: 'UTC',
    });
  });
  afterAll(async () => {
    await quitAll();
    await bot?.close();
    await network?.close();
  });

  it('has a server that kills a client writing 40 lines at once (the control)', async () => {
    const naive = await connect({ port: network.port, nick: 'naive' });
    for (const n of GOALS) naive.raw(`PRIVMSG #nowhere :line ${n}`);
    await naive.closed();
    expect(naive.irc.connected).toBe(false);
  });

  it('sends a 40-line answer in pages, whole and in order, without being killed for flooding', async () => {
    const reader = await connect({ port: network.port, nick: 'reader' });
    reader.say('okrbot', 'goals flood control');
    // What the pace allows in a few seconds (4 + 3 × 8 lines), then the rest on asking.
    const cut = await reader.waitFor(fromBot('say more'), 40_000);
    const firstPage = reader.received.filter((m) => m.from === 'okrbot');
    expect(firstPage).toHaveLength(28);
    expect(firstPage.at(-1)).toBe(cut);
    reader.say('okrbot', 'more');
    await reader.waitFor(fromBot('Flood goal 40 '), 40_000);
    await until(() => bot.adapter.health().waiting === 0, 'the page was written');
    await reader.roundTrip('okrbot');
    const lines = reader.received
      .filter((m) => m.from === 'okrbot' && m !== cut)
      .map((m) => m.text);
    expect(lines.length).toBeGreaterThanOrEqual(42);
    const order = GOALS.map((n) => lines.findIndex((line) => line.includes(`Flood goal ${n} `)));
    expect(order.every((index) => index > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const n of GOALS)
      expect(lines.filter((line) => line.includes(`Flood goal ${n} `))).toHaveLength(1);
    expect(bot.adapter.health()).toMatchObject({ connected: true, reconnects: 0 });
  }, 60_000);

  it('sends stored text with control codes and line breaks as one clean line', async () => {
    const [goal] = await bot.services.goals.byTaskId('T900001', NOW);
    await bot.services.changes.recordStatus(
      { goalId: goal?.id as number },
      'blocked',
      '\x02bold\x02 \x0304,01red\x03 \r\nPRIVMSG #okr :injected\r\n\x01ACTION waves\x01 end',
      { personId: null, at: NOW, source: 'shell' },
    );
    await bot.database.db.execute(
      sql`update goals set title = ${'Flood goal 01\r\nQUIT :bye\x07\x1f'} where id = ${goal?.id as number}`,
    );
    const watcher = await connect({ port: network.port, nick: 'watcher', channels: ['#okr'] });
    watcher.say('#okr', '!okr status T900001');
    const title = await watcher.waitFor((m) => m.from === 'okrbot' && m.text.includes('QUIT'));
    expect(title.target).toBe('#okr');
    expect(title.text).toContain('T900001 — Flood goal 01 QUIT :bye');
    watcher.say('okrbot', 'status T900001');
    const note = await watcher.waitFor(
      (m) => m.from === 'okrbot' && m.text.includes('PRIVMSG #okr :injected'),
    );
    expect(note.text).toMatch(/bold red +PRIVMSG #okr :injected +ACTION waves end$/);
    // Nothing but okrbot's own bold and colour codes: none of the stored ones, no line break.
    for (const { text } of watcher.received.filter((m) => m.from === 'okrbot'))
      expect(text.replace(OWN_CODES, '')).not.toMatch(CONTROLS);
    expect(watcher.received.some((m) => m.text.startsWith('injected'))).toBe(false);
    expect(bot.adapter.health().connected).toBe(true);
  });
});
