import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryOutcome, OutboundMessage } from '../../src/core/chat-adapter.ts';
import { paragraph, reply } from '../../src/reply/document.ts';
import { BOT_PASSWORD, startBot, type TestBot } from '../support/irc/bot.ts';
import { clientPool, fromBot } from '../support/irc/client.ts';
import { type IrcNetwork, startIrcNetwork } from '../support/irc/network.ts';

// Monthly prompts by private message, with the test playing the outbox: deliver() is called
// the way the outbox calls it, and again when the adapter says a person came online.

const NURIA = { account: 'nuria', password: 'pw-nuria-1' };

describe('IRC prompts', () => {
  let network: IrcNetwork;
  let bot: TestBot;
  let nuriaId: number;
  let analyticsId: number;
  const { connect, quitAll } = clientPool();
  /** The outbox's part: what it would retry when told a person is online, and what it got. */
  const outbox = {
    waiting: new Map<number, OutboundMessage>(),
    online: [] as number[],
    outcomes: [] as DeliveryOutcome[],
    async deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
      const outcome = await bot.adapter.deliver(message);
      outbox.outcomes.push(outcome);
      if (!outcome.ok && outcome.retry === 'later' && message.to.kind === 'person')
        outbox.waiting.set(message.to.personId, message);
      return outcome;
    },
    personOnline(personId: number) {
      outbox.online.push(personId);
      const message = outbox.waiting.get(personId);
      outbox.waiting.delete(personId);
      if (message) void outbox.deliver(message);
    },
  };

  async function promptFor(month: string, dueAt: string): Promise<OutboundMessage> {
    const prompt = await bot.services.prompts.ensure({
      teamId: analyticsId,
      personId: nuriaId,
      month,
      dueAt: new Date(dueAt),
    });
    return {
      key: `prompt:analytics:nuria-ruiz:${month}`,
      to: { kind: 'person', personId: nuriaId },
      content: { type: 'prompt', promptId: prompt.id, reminder: 0 },
    };
  }

  const promptOf = (message: OutboundMessage) =>
    bot.services.prompts.get((message.content as { promptId: number }).promptId);

  beforeAll(async () => {
    network = await startIrcNetwork({ accounts: { okrbot: BOT_PASSWORD, nuria: NURIA.password } });
    bot = await startBot({
      network,
      irc: { channels: ['#okr', '#analytics'] },
      adapter: { onPersonOnline: (personId) => outbox.personOnline(personId) },
    });
    nuriaId = (await bot.services.people.findByHandle('nuria-ruiz'))?.id as number;
    analyticsId = (await bot.services.teams.find('analytics'))?.id as number;
    await bot.link('nuria-ruiz', 'nuria');
  });
  afterAll(async () => {
    await quitAll();
    await bot?.close();
    await network?.close();
  });

  it("sends the prompt to the manager's current nick and echoes each answer line", async () => {
    // Her nick is not her account: the bot finds her by the account she joined #okr with.
    const nuria = await connect({
      port: network.port,
      nick: 'nuria_laptop',
      sasl: NURIA,
      channels: ['#okr'],
    });
    await nuria.roundTrip('okrbot');
    const message = await promptFor('2019-08', '2019-08-20T10:00:00Z');
    expect(await outbox.deliver(message)).toEqual({ ok: true, messageId: 'nuria_laptop' });
    await nuria.waitFor(fromBot('Analytics — monthly update for August 2019'));
    await nuria.waitFor(fromBot('Each line is echoed back'));
    const prompt = await promptOf(message);
    expect(prompt).toMatchObject({ transport: 'irc', conversationId: 'nuria', answeredAt: null });

    nuria.say('okrbot', '2 done');
    const echo = await nuria.waitFor(fromBot('✓ T210313'));
    expect(echo.text).toContain('In progress → ');
    nuria.say('okrbot', 'note: waiting on hardware');
    await nuria.waitFor(fromBot('✓ Note added to the Analytics report for 2019-08'));
    nuria.say('okrbot', 'done');
    await nuria.waitFor(fromBot('Update of Analytics finished: 2 changes recorded'));
    expect((await promptOf(message))?.answeredAt).not.toBeNull();
    // The conversation is over: a line is a command again.
    nuria.say('okrbot', '2 done');
    await nuria.waitFor(fromBot('Unknown command "2"'));
    await nuria.quit();
  });

  it('takes the answer after a restart, when the conversation was lost', async () => {
    const nuria = await connect({ port: network.port, nick: 'nuria', sasl: NURIA });
    const message = await promptFor('2019-07', '2019-08-27T10:00:00Z');
    expect((await outbox.deliver(message)).ok).toBe(true);
    await nuria.waitFor(fromBot('monthly update for July 2019'));
    await bot.restartAdapter();

    nuria.say('okrbot', 'T226089 blocked: waiting on hardware');
    const echo = await nuria.waitFor(fromBot('✓ T226089'));
    expect(echo.text).toContain('Blocked (note: waiting on hardware)');
    // A command is still a command in the middle of it.
    nuria.say('okrbot', 'whoami');
    await nuria.waitFor(fromBot('nuria-ruiz'));
    nuria.say('okrbot', 'T223626 cancelled');
    await nuria.waitFor(fromBot('✓ T223626'));
    expect((await promptOf(message))?.answeredAt).not.toBeNull();
    await nuria.quit();
  });

  it('asks before recording a line it is not sure of, and records it on her yes', async () => {
    const nuria = await connect({ port: network.port, nick: 'nuria', sasl: NURIA });
    const message = await promptFor('2019-09', '2019-08-28T10:00:00Z');
    expect((await outbox.deliver(message)).ok).toBe(true);
    await nuria.waitFor(fromBot('monthly update for September 2019'));

    nuria.say('okrbot', 'T217057 done I think');
    await nuria.waitFor(fromBot('"I think" sounds unsure'));
    await nuria.waitFor(fromBot('yes'));
    await nuria.roundTrip('okrbot');
    // Proposed, not recorded: nothing is ticked and the month is not answered yet.
    expect(nuria.received.some((m) => m.from === 'okrbot' && m.text.includes('✓'))).toBe(false);
    expect((await promptOf(message))?.answeredAt).toBeNull();

    nuria.say('okrbot', 'yes');
    const echo = await nuria.waitFor(fromBot('✓ T217057'));
    expect(echo.text).toContain('In progress → Done');
    expect((await promptOf(message))?.answeredAt).not.toBeNull();
    nuria.say('okrbot', 'done');
    await nuria.waitFor(fromBot('Update of Analytics finished: 1 change recorded'));
    await nuria.quit();
  });

  it('reaches a manager who was offline when she next appears, exactly once', async () => {
    const message = await promptFor('2019-06', '2019-08-28T10:00:00Z');
    outbox.outcomes.length = 0;
    expect(await outbox.deliver(message)).toEqual({
      ok: false,
      retry: 'later',
      error: 'recipient offline',
    });

    // Online under another nick, in no channel with the bot: still out of reach.
    const nuria = await connect({ port: network.port, nick: 'nuria_phone', sasl: NURIA });
    await nuria.roundTrip('okrbot');
    expect(outbox.online).toEqual([]);

    await nuria.join('#okr');
    await nuria.waitFor(fromBot('monthly update for June 2019'));
    // Seen again (another channel, a new login): the outbox is not told twice.
    await nuria.join('#analytics');
    nuria.say('NickServ', 'LOGOUT');
    nuria.say('NickServ', `IDENTIFY ${NURIA.account} ${NURIA.password}`);
    await nuria.waitFor((m) => m.from === 'NickServ' && /now identified/i.test(m.text));
    await nuria.waitFor(fromBot('Each line is echoed back'));
    await nuria.roundTrip('okrbot');

    expect(outbox.online).toEqual([nuriaId]);
    expect(outbox.outcomes).toEqual([
      { ok: false, retry: 'later', error: 'recipient offline' },
      { ok: true, messageId: 'nuria_phone' },
    ]);
    const headings = nuria.received.filter((m) => m.text.includes('monthly update for June 2019'));
    expect(headings).toHaveLength(1);
    await nuria.quit();
  });

  it('finds a manager outside its channels by the nick she last wrote from', async () => {
    const nuria = await connect({ port: network.port, nick: 'nn', sasl: NURIA });
    nuria.say('okrbot', 'whoami');
    await nuria.waitFor(fromBot('nuria-ruiz'));
    const outcome = await bot.adapter.deliver({
      key: 'nudge:T226089:2019-08-28',
      to: { kind: 'person', personId: nuriaId },
      content: { type: 'document', reply: reply(paragraph('T226089 is stale: any news?')) },
    });
    expect(outcome).toEqual({ ok: true, messageId: 'nn' });
    await nuria.waitFor(fromBot('T226089 is stale'));
    // Someone else takes the nick: the hint is checked, nothing goes to them.
    await nuria.quit();
    const other = await connect({ port: network.port, nick: 'nn' });
    expect(
      await bot.adapter.deliver({
        key: 'nudge:T226089:2019-08-29',
        to: { kind: 'person', personId: nuriaId },
        content: { type: 'document', reply: reply(paragraph('Still stale')) },
      }),
    ).toMatchObject({ ok: false, error: 'recipient offline' });
    await other.roundTrip('okrbot');
    expect(other.received.filter((m) => m.from === 'okrbot')).toEqual([]);
  });

  it('refuses what it can never deliver', async () => {
    const [gilles] = [await bot.services.people.findByHandle('gilles-dubuc')];
    const noAccount = await bot.adapter.deliver({
      key: 'x',
      to: { kind: 'person', personId: gilles?.id as number },
      content: { type: 'prompt', promptId: 1, reminder: 0 },
    });
    expect(noAccount).toMatchObject({ ok: false, retry: 'never' });
    const document = { type: 'document' as const, reply: { tone: 'info' as const, blocks: [] } };
    for (const channel of ['#not-joined', 'nuria', '#okr\r\nQUIT']) {
      const outcome = await bot.adapter.deliver({
        key: `channel:${channel}`,
        to: { kind: 'channel', channel },
        content: document,
      });
      expect(outcome).toMatchObject({ ok: false, retry: 'never' });
    }
  });
});
