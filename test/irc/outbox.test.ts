import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxHooks } from '../../src/jobs/outbox/outbox-hooks.ts';
import type { OutboxWorker } from '../../src/jobs/outbox/outbox-worker.ts';
import { BOT_PASSWORD, startBot, type TestBot } from '../support/irc/bot.ts';
import { clientPool, fromBot, until } from '../support/irc/client.ts';
import { type IrcNetwork, startIrcNetwork } from '../support/irc/network.ts';
import { outboxRows, silent, testScheduler, testWorker } from '../support/scheduling.ts';

// The scheduler and the outbox with the real IRC adapter: the IRC server is down when the
// monthly prompt run happens; once it is back, okrbot reconnects, the manager logs in again,
// and the prompt reaches her once.

const NURIA = { account: 'nuria', password: 'pw-nuria-1' };

describe('IRC outage during a prompt run', () => {
  let network: IrcNetwork;
  let bot: TestBot;
  let worker: OutboxWorker;
  const { connect, quitAll } = clientPool();

  beforeAll(async () => {
    network = await startIrcNetwork({ accounts: { okrbot: BOT_PASSWORD, nuria: NURIA.password } });
    const hooks = { current: undefined as ReturnType<typeof createOutboxHooks> | undefined };
    bot = await startBot({
      network,
      irc: { channels: ['#okr'] },
      // As main.ts wires it: someone seen logging in wakes their waiting messages.
      adapter: { onPersonOnline: (personId) => void hooks.current?.personOnline(personId) },
    });
    await bot.link('nuria-ruiz', 'nuria');
    hooks.current = createOutboxHooks(bot.services.outbox, silent);
    worker = testWorker(bot.services, [bot.adapter], {
      hooks: hooks.current,
      rate: 10,
      retryBaseMs: 60_000,
      pollMs: 50,
    });
    worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await quitAll();
    await bot?.close();
    await network?.close();
  });

  it('delivers each prompt once after the server comes back', { timeout: 120_000 }, async () => {
    const first = await connect({
      port: network.port,
      nick: 'nuria',
      sasl: NURIA,
      channels: ['#okr'],
    });
    await first.roundTrip('okrbot');
    await network.stop();
    await until(() => !bot.adapter.health().connected, 'the adapter notices the outage');

    const scheduler = testScheduler(bot.services, { transports: ['irc'] });
    const [run] = await scheduler.runNow('prompt', {
      departments: ['technology'],
      at: new Date('2019-08-20T10:00:00Z'),
    });
    expect(run?.summary.queued).toBe(1);
    const nuria = async () =>
      (await outboxRows(bot.database.db, 'prompt')).find((r) => r.handle === 'nuria-ruiz');
    await expect.poll(async () => (await nuria())?.state, { timeout: 10_000 }).toBe('failed');

    await network.restart();
    await until(() => bot.adapter.health().connected, 'the adapter reconnects', 60_000);
    const again = await connect({
      port: network.port,
      nick: 'nuria',
      sasl: NURIA,
      channels: ['#okr'],
    });
    await again.waitFor(fromBot('Analytics — monthly update for August 2019'), 30_000);
    // Recorded as sent, it is never sent again; a round trip later, every line of it is here.
    await expect.poll(async () => (await nuria())?.state, { timeout: 10_000 }).toBe('sent');
    await again.roundTrip('okrbot');
    const headings = again.received.filter(fromBot('monthly update for August 2019'));
    expect(headings).toHaveLength(1);
    expect(await nuria()).toMatchObject({
      state: 'sent',
      key: 'prompt:analytics:nuria-ruiz:2019-08',
    });
  });
});
