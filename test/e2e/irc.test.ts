import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, fromBot, type TestClient } from '../support/irc/client.ts';
import { type IrcNetwork, startIrcNetwork } from '../support/irc/network.ts';
import { runCli, spawnCli } from '../support/run-cli.ts';

// The acceptance of IRC, as a new user tries it: a network with accounts for the bot and a
// manager; `okrbot start` with the IRC_* variables; the manager, logged in with SASL in an
// ordinary client, updates her team in a private message; the same nick without the account
// changes nothing; the database says so afterwards.

const BOT = { account: 'okrbot', password: 'pw-okrbot-e2e' };
const NURIA = { account: 'nuria', password: 'pw-nuria-e2e' };

describe('okrbot on IRC', () => {
  let network: IrcNetwork;
  let dir: string;
  const clients: TestClient[] = [];
  const bots: ChildProcessWithoutNullStreams[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    OKRBOT_DATA_DIR: join(dir, 'data'),
    OKRBOT_NOW: '2019-08-28T12:00:00Z',
    // This file does not test the schedules: with the clock pinned on the demo data they would
    // send nudges to the manager's client in the background.
    OKRBOT_SCHEDULER: 'off',
    ...extra,
  });
  const ircEnv = (password = BOT.password) =>
    env({
      IRC_HOST: network.host,
      IRC_PORT: String(network.port),
      IRC_TLS: '0',
      IRC_NICK: 'okrbot',
      IRC_SASL_ACCOUNT: BOT.account,
      IRC_SASL_PASSWORD: password,
      IRC_CHANNELS: '#okr',
      // The test network sets no flood limit: answers need not crawl at one line a second.
      IRC_FLOOD_BURST: '10',
      IRC_FLOOD_RATE: '10',
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okrbot-irc-e2e-'));
    network = await startIrcNetwork({
      accounts: { [BOT.account]: BOT.password, [NURIA.account]: NURIA.password },
    });
  });
  afterAll(async () => {
    for (const bot of bots) if (bot.exitCode === null) await stop(bot);
    for (const client of clients) await client.quit();
    await network?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts the bot and waits until it is in its channel. */
  async function startBot(): Promise<{ bot: ChildProcessWithoutNullStreams; log: () => string }> {
    const bot = spawnCli(['start'], ircEnv());
    bots.push(bot);
    let log = '';
    const joined = new Promise<void>((resolve, reject) => {
      bot.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('IRC: joined')) resolve();
      });
      bot.once('exit', (code) => reject(new Error(`okrbot exited (${code}):\n${log}`)));
    });
    await joined;
    return { bot, log: () => log };
  }

  async function stop(bot: ChildProcessWithoutNullStreams): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => bot.once('exit', resolve));
    bot.kill('SIGTERM');
    return exited;
  }

  it('lets the manager update her team by private message, and nobody else under her nick', async () => {
    // The operator links Nuria Ruiz to her services account, in the shell chat.
    const link = await runCli(['start'], env(), 'person link nuria-ruiz irc nuria\n');
    expect(link.stdout).toContain('Nuria Ruiz is now linked to the IRC services account nuria.');

    const { bot, log } = await startBot();
    // Its health says it is on IRC.
    const address = /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log())?.[1] as string;
    const health = await fetch(`${address}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      checks: { adapters: [{ transport: 'irc', connected: true, reconnects: 0 }] },
    });
    const nuria = await connectClient({ port: network.port, nick: 'nuria', sasl: NURIA });
    clients.push(nuria);
    nuria.say('okrbot', 'set T211248 done migrated ahead of schedule');
    await nuria.waitFor(fromBot('T211248 Continue moving events'));
    nuria.say('okrbot', 'update');
    await nuria.waitFor(fromBot('Update Analytics'));
    nuria.say('okrbot', 'T226089 blocked: waiting on hardware');
    await nuria.waitFor(fromBot('✓ T226089'));
    nuria.say('okrbot', 'done');
    await nuria.waitFor(fromBot('Update of Analytics finished: 1 change recorded'));
    await nuria.quit();

    const impostor = await connectClient({ port: network.port, nick: 'nuria' });
    clients.push(impostor);
    impostor.say('okrbot', 'set T211248 cancelled');
    const refused = await impostor.waitFor(fromBot('NickServ'));
    expect(refused.text).toContain('You are not identified with NickServ');
    impostor.say('okrbot', 'status T211248');
    await impostor.waitFor(fromBot('Continue moving events'));
    await impostor.quit();

    expect(await stop(bot)).toBe(0);
    expect(log()).not.toContain(BOT.password);

    const status = await runCli(['start'], env(), 'status T211248\nstatus T226089\n');
    expect(status.stdout).toMatch(/Status: \[Done\] \(updated 2019-08-28\)/);
    expect(status.stdout).toMatch(/2019-08-28 +\[Done\] +Nuria Ruiz +migrated ahead of schedule/);
    expect(status.stdout).toMatch(/2019-08-28 +\[Blocked\] +Nuria Ruiz +waiting on hardware/);
    expect(status.stdout).not.toContain('Cancelled');
  }, 90_000);

  it('refuses to start when its SASL login is refused', async () => {
    for (const bot of bots) if (bot.exitCode === null) await stop(bot);
    const result = await runCli(['start'], ircEnv('not-the-password'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('okrbot: IRC: the SASL login as "okrbot" failed');
    expect(result.stderr).toContain('IRC_SASL_PASSWORD');
    expect(result.stderr).not.toContain('not-the-password');
  });
});
