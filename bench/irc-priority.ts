// A manager's direct command on IRC, answered while four deliveries for her wait in okrbot's
// queue, beside the same command with nothing queued, in the same run: a real InspIRCd + Atheme
// network with a strict flood class (Excess Flood past 10 lines, no fake lag), okrbot at its
// default pace (a burst of 4, then one line every 2 s). Also counts reconnections (expected 0).
// Usage: npx tsx bench/irc-priority.ts [--runs 20]

import { paragraph, reply } from '../src/reply/document.ts';
import { DEFAULT_FLOOD } from '../src/transports/irc/irc-config.ts';
import { BOT_PASSWORD, startBot } from '../test/support/irc/bot.ts';
import { connectClient, fromBot, until } from '../test/support/irc/client.ts';
import { STRICT_FLOOD, startIrcNetwork } from '../test/support/irc/network.ts';
import { median, numberOption, percentile } from './stats.ts';

const runs = numberOption('--runs', 20);
const NURIA = { account: 'nuria', password: 'pw-nuria-1' };
/** Time for the bucket to earn back two tokens between tries, so each starts alike. */
const REFILL_MS = 4_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const network = await startIrcNetwork({
  accounts: { okrbot: BOT_PASSWORD, nuria: NURIA.password },
  flood: STRICT_FLOOD,
});
const bot = await startBot({
  network,
  irc: { floodBurst: DEFAULT_FLOOD.burst, floodRate: DEFAULT_FLOOD.ratePerSecond },
  adapter: { backoff: { registrationTimeoutMs: 60_000 } },
});
try {
  await bot.link('nuria-ruiz', 'nuria');
  const person = await bot.services.people.findByHandle('nuria-ruiz');
  const nuria = await connectClient({
    port: network.port,
    nick: 'nuria',
    sasl: NURIA,
    channels: ['#okr'],
  });
  await nuria.roundTrip('okrbot');
  let sequence = 0;

  /** Milliseconds from her line to the first line of okrbot's answer. */
  async function ask(queued: number): Promise<number> {
    await until(() => bot.adapter.health().waiting === 0, 'the queue is empty', 120_000);
    await pause(REFILL_MS);
    const deliveries = Array.from({ length: queued }, () => {
      sequence++;
      return bot.adapter.deliver({
        key: `bench:${sequence}`,
        to: { kind: 'person', personId: person?.id as number },
        content: { type: 'document', reply: reply(paragraph(`Nudge ${sequence}: T226089`)) },
      });
    });
    const status = sequence % 2 ? 'done' : 'blocked';
    const before = nuria.received.length;
    const started = performance.now();
    nuria.say('okrbot', `set T211248 ${status} bench ${sequence}`);
    const answer = fromBot('T211248');
    await nuria.waitFor((m) => nuria.received.indexOf(m) >= before && answer(m), 60_000);
    const took = performance.now() - started;
    await Promise.all(deliveries);
    sequence++;
    return took;
  }

  const idle: number[] = [];
  const behind: number[] = [];
  for (let run = 0; run < runs; run++) {
    idle.push(await ask(0));
    behind.push(await ask(4));
  }
  const health = bot.adapter.health();
  const row = (name: string, samples: number[]) =>
    `| ${name} | ${(median(samples) / 1000).toFixed(2)} s | ${(percentile(samples, 90) / 1000).toFixed(2)} s | ${(Math.max(...samples) / 1000).toFixed(2)} s |`;
  process.stdout.write(
    [
      `IRC: a direct command's answer, ${runs} tries each, strict network, default pace`,
      '| measure | median | p90 | max |',
      '|---|---|---|---|',
      row('nothing queued', idle),
      row('four deliveries queued for her', behind),
      `reconnections: ${health.reconnects}, connected: ${health.connected}`,
      '',
    ].join('\n'),
  );
  await nuria.quit();
} finally {
  await bot.close();
  await network.close();
}
