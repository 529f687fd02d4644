import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { teamCommand } from '../../commands/team.ts';
import { createServices } from '../../src/app/services.ts';
import type { Actor, Services } from '../../src/core/command.ts';
import { localActor } from '../../src/core/identity.ts';
import { CHAT_TRANSPORT_CHOICES } from '../../src/domain/transports.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { renderText } from '../../src/reply/render-text.ts';
import { runShell } from '../../src/transports/shell/shell.ts';
import {
  createTestDatabase,
  type Driver,
  drivers,
  type TestDatabase,
} from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';

const fiscal = { startMonth: 7 };
const operator: Actor = {
  person: undefined,
  isAdmin: true,
  transport: 'shell',
  label: 'local operator',
};
const outputs = new Map<Driver, Map<string, string>>();

describe.each(drivers())('chat commands on the demo data (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await importDemo(database.db, { fiscal, defaultTimeZone: 'UTC' });
    services = createServices(database.db);
    outputs.set(driver, new Map());
  });
  afterAll(() => database?.close());

  async function ask(line: string, at = '2019-08-28T12:00:00Z', actor = operator) {
    const dispatch = testDispatcher(services, at);
    const reply = await dispatch(line, actor);
    const text = reply ? renderText(reply) : '';
    outputs.get(driver)?.set(`${at} ${line}`, text);
    return { tone: reply?.tone, text };
  }

  it("shows a team's goals with the statuses the page gave them on that date", async () => {
    const { tone, text } = await ask('status analytics');
    expect(tone).toBe('info');
    expect(text).toContain('Analytics — FY2019-20 Q1');
    expect(text).toContain('Technology · Manager: Nuria Ruiz · as of 2019-08-28');
    expect(text).toContain('9 goals:');
    expect(text).toMatch(
      /\[In progress\] Release Mediawiki History .* · T208612 · updated 2019-08-01/,
    );
    expect(text).toMatch(
      /\[Postponed\] Development work for kafka connect · T223626 · updated 2019-07-23/,
    );
    expect(text).toContain('[Done] Schema Repository CI');
    expect(text).toContain('Last monthly note: 2019-08');
    // The final marker of T208612 comes on 2019-09-30: not yet.
    expect(text).not.toMatch(/Partially done\] Release Mediawiki/);
  });

  it('shows the history of a goal up to now', async () => {
    const august = await ask('status T208612');
    expect(august.text).toContain('T208612 — Release Mediawiki History');
    expect(august.text).toMatch(/2019-08-01 +\[In progress\]/);
    expect(august.text).not.toContain('2019-09-30');
    const october = await ask('status T208612', '2019-10-15T00:00:00Z');
    expect(october.text).toMatch(/Status: \[Partially done\] \(updated 2019-09-30\)/);
    expect(october.text).toMatch(
      /2019-08-01 +\[In progress\][\s\S]*2019-09-30 +\[Partially done\]/,
    );
  });

  it('lists goals with their refs', async () => {
    const { text } = await ask('goals performance');
    expect(text).toContain('Performance goals — FY2019-20 Q1');
    expect(text).toMatch(/T211661 +\[Not done\] +Swift cleanup \+ WebP ramp up/);
    expect(text).toContain('14 goals');
  });

  it('shows sub-items under their goal', async () => {
    const { text } = await ask('status release engineering');
    expect(text).toMatch(
      /- \[In progress\] All applicable new and existing services[^\n]*\n {2}- \[Done\] Migrate restrouter/,
    );
  });

  it('falls back to the most recent quarter with goals and says so', async () => {
    const { text } = await ask('status analytics', '2026-11-22T12:00:00Z');
    expect(text).toContain(
      'No goals for FY2026-27 Q2; showing FY2019-20 Q1, the most recent quarter with goals.',
    );
  });

  it('shows a key result with its values', async () => {
    const { text } = await ask('status TCB-KR2', '2020-12-31T12:00:00Z');
    expect(text).toContain('TCB-KR2 — Technical Community Building');
    expect(text).toMatch(/2020-09-30 +2033 tool maintainers/);
    expect(text).toMatch(/2020-12-31 +2067 tool maintainers/);
  });

  it.each([
    ['status analyticz', 'No team or item "analyticz". Did you mean analytics?'],
    ['status T999999', 'No goal has task T999999.'],
    ['status G999999', 'No goal G999999.'],
    ['status NOPE-KR9', 'No key result NOPE-KR9.'],
    ['stauts analytics', 'Unknown command "stauts". Did you mean status?'],
    ['help nope', 'No command "nope".'],
  ])('answers %j with a clear error', async (line, message) => {
    const { tone, text } = await ask(line);
    expect(tone).toBe('error');
    expect(text).toContain(message);
  });

  it('finds teams however the name is typed', async () => {
    for (const name of [
      'Analytics',
      'ANALYTICS',
      'ana\u200Blytics',
      'ａｎａｌｙｔｉｃｓ',
      '\u202Eanalytics',
    ]) {
      expect((await ask(`status ${name}`)).text).toContain('Analytics — FY2019-20 Q1');
    }
    expect((await ask('status Release Engineering')).text).toContain(
      'Release Engineering — FY2019-20 Q1',
    );
    expect((await ask('status DC Ops')).text).toContain('Data Center Operations — FY2019-20 Q1');
  });

  it('keeps settled statuses when a reply says all goals are on track', async () => {
    const nuria = await localActor(services.people, 'nuria-ruiz');
    // One dispatcher for the whole exchange: it holds the open `update`.
    const dispatch = testDispatcher(services);
    const say = async (line: string) => {
      const reply = await dispatch(line, nuria);
      return reply ? renderText(reply) : '';
    };
    await say('update analytics');
    expect(await say('1 partially done')).toContain('✓ T208612');
    const all = await say('all on track');
    await say('done');
    // "All on track" is the month's report; T208612 was just set, T215863 is Partially done and
    // T223626 Postponed: all three keep their statuses.
    expect(all).toContain('✓ Report for Analytics: all on track');
    const status = await say('status analytics');
    expect(status).toMatch(/\[Partially done\] Release Mediawiki History/);
    expect(status).toMatch(/\[Postponed\] Development work for kafka connect/);
    // The report note, then the status: the demo data is as it was for the next tests.
    expect(await say('undo')).toContain('Undone: your note "all on track"');
    expect(await say('undo')).toContain('Undone: the status Partially done');
  });

  it('says what is wrong with a status it cannot read', async () => {
    const { tone, text } = await ask('set T211248 blorfed');
    expect(tone).toBe('error');
    expect(text).toContain('"blorfed" is not a status');
  });

  it('stores a note as typed, a first word of punctuation included', async () => {
    const { text } = await ask("note analytics '; drop table goals; --");
    expect(text).toContain("Analytics report for 2019-08: '; drop table goals; --");
    const lines = await ask('note analytics first line\n  second line');
    expect(lines.text).toContain('first line');
    expect((await ask('status analytics')).text).toContain("'; drop table goals; --");
    await ask('undo');
    await ask('undo');
  });

  it('records the status typed after the ref, and keeps every word after it as the note', async () => {
    const blocked = await ask('set T226089 blocked waiting on hardware');
    expect(blocked.text).toContain('Blocked (note: waiting on hardware)');
    const stalled = await ask('set T217057 stalled waiting for hosts');
    expect(stalled.text).toContain('Stalled (note: waiting for hosts)');
    const asked = await ask('set T217057 done?');
    expect(asked.tone).toBe('error');
    expect(asked.text).toContain('"done?" is a question');
    expect((await ask('status T217057')).text).toContain('Stalled');
    await ask('undo');
    await ask('undo');
  });

  it('refuses an oversized message without running anything', async () => {
    const { tone, text } = await ask(`status ${'a'.repeat(40_000)}`);
    expect(tone).toBe('error');
    expect(text).toContain('commands are limited to 4000');
  });

  it('knows who a person is', async () => {
    const nuria = await localActor(services.people, 'nuria-ruiz');
    const { text } = await ask('whoami', '2019-08-28T12:00:00Z', nuria);
    expect(text).toContain('Nuria Ruiz (shell)');
    expect(text).toContain('Teams: Analytics (manager)');
    const own = await ask('status', '2019-08-28T12:00:00Z', nuria);
    expect(own.text).toContain('Analytics — FY2019-20 Q1');
    await expect(localActor(services.people, 'nuria-ruis')).rejects.toThrow(
      /Did you mean nuria-ruiz/,
    );
  });

  it('lists every command in help', async () => {
    const { text } = await ask('help');
    for (const command of COMMANDS) expect(text).toContain(command.usage);
    expect((await ask('help status')).text).toContain('status T208612');
  });

  it('describes a command with subcommands from its table, and each subcommand alone', async () => {
    const team = await ask('help team');
    expect(team.tone).toBe('info');
    for (const subcommand of teamCommand.subcommands ?? []) {
      expect(team.text).toContain(subcommand.usage);
      expect(team.text).toContain(subcommand.summary);
      for (const example of subcommand.examples) expect(team.text).toContain(example.input);
    }
    const channel = await ask('help team channel');
    expect(channel.text).toMatch(/^team channel\n/);
    expect(channel.text).toContain(
      `Usage: team channel <team> ${CHAT_TRANSPORT_CHOICES} <channel>`,
    );
    expect(channel.text).not.toContain('team rename');
    expect((await ask('help schedule digest channel add')).text).toContain(
      "Sends the department's weekly digest to a channel too",
    );
    const unknown = await ask('help team nope');
    expect(unknown.tone).toBe('error');
    expect(unknown.text).toContain('team has no subcommand "nope". Type help team for its list.');
  });

  it('answers words that name no path with the usage of the paths they were heading for', async () => {
    const all = await ask('team frobnicate');
    expect(all.tone).toBe('error');
    for (const subcommand of teamCommand.subcommands ?? [])
      expect(all.text).toContain(subcommand.usage);
    const manager = await ask('team manager');
    expect(manager.text).toBe(
      'Usage:\n\n- team manager add <team> <handle>\n- team manager remove <team> <handle>',
    );
    expect((await ask('team manager add analytics')).text).toBe(
      'Usage: team manager add <team> <handle>',
    );
    expect((await ask('schedule technology digest channel')).text).toContain(
      'schedule <department> digest channel remove',
    );
    const schedule = await ask('schedule technology weekly');
    expect(schedule.tone).toBe('error');
    expect(schedule.text).toContain('schedule <department> overdue on|off|<HH:MM>');
    expect((await ask('schedule nowhere weekly')).text).toContain('No department "nowhere"');
    expect((await ask('person')).text).toContain(
      `person link <handle> ${CHAT_TRANSPORT_CHOICES} <id>`,
    );
  });

  // Last: the examples change the data the tests above read, each for the ones after it.
  describe('every example in the help runs through the shell and says what it did', () => {
    const examples = COMMANDS.flatMap((command) =>
      [
        { name: command.name, examples: command.examples },
        ...(command.subcommands ?? []).map((s) => ({
          name: `${command.name} ${s.path}`,
          examples: s.examples,
        })),
      ].flatMap(({ name, examples }) =>
        examples.map((example) => [name, example.input, example.result] as const),
      ),
    );
    it.each(examples)('%s: %s', async (_name, input, result) => {
      // As an admin who is also a person, so examples of every kind of command apply.
      const person = await localActor(services.people, 'nuria-ruiz', ['nuria-ruiz']);
      const dispatch = testDispatcher(services);
      const tones: (string | undefined)[] = [];
      const output = new PassThrough();
      let text = '';
      output.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      await runShell({
        dispatch: Object.assign(
          async (line: string, actor: Actor) => {
            const reply = await dispatch(line, actor);
            tones.push(reply?.tone);
            return reply;
          },
          { exchangeOf: dispatch.exchangeOf },
        ),
        actor: person,
        input: Readable.from([`${input}\n`]),
        output,
      });
      expect(tones, text).toEqual(['info']);
      expect(text).toContain(result);
    });
  });
});

describe('both databases', () => {
  // Postgres is optional on a laptop; in CI drivers() insists on it, so this always runs there.
  it.runIf(drivers().includes('postgres'))('give the same answers', () => {
    const [pglite, postgres] = [outputs.get('pglite'), outputs.get('postgres')];
    expect(pglite?.size).toBeGreaterThan(10);
    expect([...(postgres?.entries() ?? [])]).toEqual([...(pglite?.entries() ?? [])]);
  });
});
