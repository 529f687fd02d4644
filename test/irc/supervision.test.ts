import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import type { ChatAdapter } from '../../src/core/chat-adapter.ts';
import type { Services } from '../../src/core/command.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { createIrcAdapter } from '../../src/transports/irc/irc-adapter.ts';
import { testAdapterContext } from '../support/adapter-context.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { quietLogger } from '../support/irc/bot.ts';
import { until } from '../support/irc/client.ts';
import { type FakeServer, startFakeServer } from '../support/irc/fake-server.ts';

// The connection's edge cases, against a fake server that can misbehave on demand: no SASL on
// offer, no welcome, okrbot's nick taken, a certificate nobody vouches for.

describe('IRC connection supervision', () => {
  let database: TestDatabase;
  let services: Services;
  const servers: FakeServer[] = [];
  const adapters: ChatAdapter[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    await importDemo(database.db, { fiscal: { startMonth: 7 }, defaultTimeZone: 'UTC' });
    services = createServices(database.db);
  });
  afterAll(async () => {
    for (const adapter of adapters) await adapter.stop();
    for (const server of servers) await server.close();
    await database?.close();
  });

  async function setup(
    server: Parameters<typeof startFakeServer>[0],
    irc: { tls?: boolean; tlsVerify?: boolean; sasl?: boolean; channels?: string[] } = {},
    logger = quietLogger(),
  ) {
    const fake = await startFakeServer(server);
    servers.push(fake);
    const adapter = createIrcAdapter(
      testAdapterContext('irc', services, { logger }),
      {
        host: '127.0.0.1',
        port: fake.port,
        tls: irc.tls ?? false,
        tlsVerify: irc.tlsVerify ?? true,
        nick: 'okrbot',
        sasl: irc.sasl === false ? undefined : { account: 'okrbot', password: 'secret' },
        channels: irc.channels ?? ['#okr'],
        formatting: true,
        floodBurst: 4,
        floodRate: 10,
      },
      { backoff: { initialMs: 50, maxMs: 200, stableMs: 60_000, registrationTimeoutMs: 300 } },
    );
    adapters.push(adapter);
    return { fake, adapter };
  }

  for (const caps of ['', 'account-tag extended-join']) {
    it(`waits rather than run without its account while SASL is not offered (caps "${caps}")`, async () => {
      const { fake, adapter } = await setup({ caps });
      await adapter.start();
      await until(() => fake.connections() >= 3, 'three attempts');
      expect(adapter.health().connected).toBe(false);
      expect(adapter.health().detail).not.toMatch(/^stopped/);
      expect(fake.lines.filter((line) => /^(JOIN|PRIVMSG|WHO)\b/.test(line))).toEqual([]);
      await adapter.stop();
    });
  }

  it('drops a connection that never registers, and tries again', async () => {
    const { fake, adapter } = await setup({ welcome: false }, { sasl: false });
    await adapter.start();
    await until(() => fake.connections() >= 3, 'three attempts');
    expect(adapter.health().connected).toBe(false);
    await adapter.stop();
  });

  it('takes another nick when its own is taken, and still answers to its own', async () => {
    const { fake, adapter } = await setup({ nicksInUse: ['okrbot'] }, { sasl: false });
    await adapter.start();
    expect(adapter.health()).toMatchObject({ connected: true });
    expect(adapter.health().detail).toMatch(/as okrbot_\d+$/);
    await until(() => fake.lines.includes('JOIN #okr'), 'the channel is joined');
    // Meanwhile it answers to its own nick as well as the one it holds.
    fake.broadcast(':nuria!n@host PRIVMSG #okr :okrbot: status T211248');
    await until(
      () =>
        fake.lines.some((line) => line.startsWith('PRIVMSG #okr :') && line.includes('T211248')),
      'an answer in #okr',
    );
    await adapter.stop();
  });

  it('verifies the TLS certificate by default, and connects when told not to', async () => {
    const verified = await setup({ tls: true }, { tls: true, sasl: false });
    await verified.adapter.start();
    await until(() => verified.fake.tlsFailures() >= 2, 'two refused handshakes');
    expect(verified.fake.lines).toEqual([]);
    expect(verified.adapter.health().connected).toBe(false);
    await verified.adapter.stop();

    const unverified = await setup({ tls: true }, { tls: true, tlsVerify: false, sasl: false });
    await unverified.adapter.start();
    expect(unverified.adapter.health().connected).toBe(true);
    expect(unverified.fake.lines).toContain('CAP LS 302');
    await unverified.adapter.stop();
  });

  it('asks WHOIS about every command where the server tags no accounts, and trusts nothing else', async () => {
    const whois: Record<string, string | null> = { nuria: 'nuria', mallory: null };
    const { fake, adapter } = await setup({ whois }, { sasl: false, channels: [] });
    const nuria = await services.people.findByHandle('nuria-ruiz');
    await services.admin.linkIdentity(nuria?.id as number, 'irc', 'nuria', {
      personId: null,
      at: new Date('2019-08-28T12:00:00Z'),
      source: 'shell',
    });
    await adapter.start();
    const answers = (to: string) => fake.lines.filter((line) => line.startsWith(`PRIVMSG ${to} :`));

    fake.broadcast(':nuria!n@host PRIVMSG okrbot :set T211248 done checked by WHOIS');
    await until(() => answers('nuria').length > 0, 'an answer to nuria');
    expect(answers('nuria')[0]).toContain('Recorded: T211248');
    // A forged client tag changes nothing: mallory is not logged in.
    fake.broadcast('@+account=nuria :mallory!m@host PRIVMSG okrbot :set T211248 blocked');
    await until(() => answers('mallory').length > 0, 'an answer to mallory');
    expect(answers('mallory')[0]).toContain('not identified with NickServ');
    // Nuria logs out; nothing tells okrbot but the next WHOIS.
    whois.nuria = null;
    fake.broadcast(':nuria!n@host PRIVMSG okrbot :set T211248 blocked');
    await until(() => answers('nuria').length > 2, 'a second answer to nuria');
    expect(answers('nuria').at(-1)).toContain('not identified with NickServ');
    expect(fake.lines.filter((line) => line === 'WHOIS nuria')).toHaveLength(2);
    const [goal] = await services.goals.byTaskId('T211248', new Date('2019-08-28T12:00:00Z'));
    expect(goal?.status).toBe('done');
    await adapter.stop();
  });

  it('keeps a WHOIS answer while MONITOR watches the nick, and asks again once it went offline', async () => {
    const whois: Record<string, string | null> = { nuria: 'nuria' };
    const { fake, adapter } = await setup(
      { whois, isupport: 'MONITOR=10' },
      { sasl: false, channels: [] },
    );
    await adapter.start();
    const answers = () => fake.lines.filter((line) => line.startsWith('PRIVMSG nuria :'));
    const whoisLines = () => fake.lines.filter((line) => line === 'WHOIS nuria');

    fake.broadcast(':nuria!n@host PRIVMSG okrbot :whoami');
    await until(() => answers().length > 0, 'a first answer');
    await until(() => fake.lines.includes('MONITOR + nuria'), 'nuria is watched');
    const first = answers().length;
    fake.broadcast(':nuria!n@host PRIVMSG okrbot :whoami');
    await until(() => answers().length > first, 'a second answer');
    expect(whoisLines()).toHaveLength(1);
    // She quits (MONITOR says so); whoever writes as nuria next is asked about afresh.
    fake.broadcast(':fake.test 731 okrbot :nuria');
    whois.nuria = null;
    fake.broadcast(':nuria!n@host PRIVMSG okrbot :set T211248 blocked');
    await until(
      () => answers().some((line) => line.includes('not identified with NickServ')),
      'the answer to someone not logged in',
    );
    expect(whoisLines()).toHaveLength(2);
    await adapter.stop();
  });

  it('does not log the server closing the link after its own QUIT as a refusal', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const { fake, adapter } = await setup({}, { sasl: false }, logger);
    await adapter.start();
    await until(() => fake.lines.includes('JOIN #okr'), 'the channel is joined');
    await adapter.stop();
    expect(fake.lines.some((line) => line.startsWith('QUIT'))).toBe(true);
    expect(warnings.filter((line) => line.includes('refused'))).toEqual([]);
  });

  it('keeps its lines within 512 bytes when the server changes its host (chghost)', async () => {
    const { fake, adapter } = await setup({ caps: 'chghost' }, { sasl: false });
    const [goal] = await services.goals.byTaskId('T211248', new Date('2019-08-28T12:00:00Z'));
    await services.changes.recordStatus(
      { goalId: goal?.id as number },
      'blocked',
      Array.from({ length: 120 }, (_, i) => `word${i}`).join(' '),
      { personId: null, at: new Date('2019-08-28T12:00:00Z'), source: 'shell' },
    );
    await adapter.start();
    await until(() => fake.lines.includes('JOIN #okr'), 'the channel is joined');
    // Its own JOIN shows a short host; then the server cloaks it with a long one.
    const host = `${'c'.repeat(50)}.users.test`;
    fake.broadcast(':okrbot!okrbot@h JOIN #okr');
    fake.broadcast(`:okrbot!okrbot@h CHGHOST okrbot ${host}`);
    fake.broadcast(':nuria!n@host PRIVMSG okrbot :status T211248');
    const answers = () => fake.lines.filter((line) => line.startsWith('PRIVMSG nuria :'));
    await until(() => answers().some((line) => line.includes('word119')), 'the whole note');
    const prefix = `:okrbot!okrbot@${host} `;
    for (const line of answers())
      expect(Buffer.byteLength(prefix + line) + 2).toBeLessThanOrEqual(512);
    expect(answers().some((line) => Buffer.byteLength(prefix + line) + 2 > 480)).toBe(true);
    await adapter.stop();
  });
});
