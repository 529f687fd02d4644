import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import type { AdapterContext } from '../../src/core/adapter-context.ts';
import type { Actor, Services } from '../../src/core/command.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { renderText } from '../../src/reply/render-text.ts';
import { testAdapterContext } from '../support/adapter-context.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

// The one rule every chat transport reads private lines by (features/open-prompt.ts), through
// the adapter context: commands run, an open conversation takes the rest, and with none a line
// that is not a command answers the open prompt on that transport.

describe('a private line', () => {
  let database: TestDatabase;
  let services: Services;
  let teamId: number;
  let personId: number;

  const as = async (context: AdapterContext, account: string) => context.actor(account, account);
  const say = async (context: AdapterContext, actor: Actor, line: string) => {
    const { reply, prompt } = await context.answer(line, actor);
    return { text: reply ? renderText(reply) : '', promptId: prompt?.id };
  };
  const prompt = (month: string, dueAt: string) =>
    services.prompts.ensure({ teamId, personId, month, dueAt: new Date(dueAt) });
  const system = { personId: null, at: new Date('2019-08-28T12:00:00Z'), source: 'shell' } as const;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    await importDemo(database.db, { fiscal: { startMonth: 7 }, defaultTimeZone: 'UTC' });
    services = createServices(database.db);
    teamId = (await services.teams.find('analytics'))?.id as number;
    personId = (await services.people.findByHandle('nuria-ruiz'))?.id as number;
    await services.admin.linkIdentity(personId, 'slack', 'U0NURIA', system);
    await services.admin.linkIdentity(personId, 'irc', 'nuria', system);
  });
  afterAll(() => database?.close());

  it('answers the open prompt as a conversation, where commands still run, until done', async () => {
    const slack = testAdapterContext('slack', services);
    const nuria = await as(slack, 'U0NURIA');
    expect((await say(slack, nuria, '2 done')).text).toContain('Unknown command "2"');

    const august = await prompt('2019-08', '2019-08-20T10:00:00Z');
    await services.prompts.delivered(august.id, 'slack', 'D0NURIA', '1566295200.000100');
    expect(await say(slack, nuria, '2 done')).toMatchObject({
      text: expect.stringContaining('✓ T210313'),
      promptId: august.id,
    });
    // A command is still a command in the middle of it; help and undo are the conversation's.
    expect(await say(slack, nuria, 'whoami')).toEqual({
      text: expect.stringContaining('nuria-ruiz'),
      promptId: undefined,
    });
    expect(await say(slack, nuria, 'help')).toMatchObject({
      text: expect.stringContaining('One line per change'),
      promptId: august.id,
    });
    expect((await say(slack, nuria, 'note: waiting on hardware')).text).toContain(
      '✓ Note added to the Analytics report',
    );
    expect((await say(slack, nuria, 'done')).text).toContain(
      'Update of Analytics finished: 2 changes recorded',
    );
    expect((await services.prompts.get(august.id))?.answeredAt).not.toBeNull();
    // Answered: a line is a command again.
    expect(await say(slack, nuria, '3 done')).toEqual({
      text: expect.stringContaining('Unknown command "3"'),
      promptId: undefined,
    });
  });

  it('answers only a prompt sent on its own transport, and not one older than a month', async () => {
    const july = await prompt('2019-07', '2019-08-05T10:00:00Z');
    await services.prompts.delivered(july.id, 'irc', 'nuria', null);
    const june = await prompt('2019-06', '2019-07-01T10:00:00Z');
    await services.prompts.delivered(june.id, 'slack', 'D0NURIA', '1561975200.000100');

    const slack = testAdapterContext('slack', services);
    expect((await say(slack, await as(slack, 'U0NURIA'), 'T226089 blocked')).text).toContain(
      'Unknown command "T226089"',
    );
    const irc = testAdapterContext('irc', services);
    expect(await say(irc, await as(irc, 'nuria'), 'T226089 blocked')).toMatchObject({
      text: expect.stringContaining('✓ T226089'),
      promptId: july.id,
    });
    expect((await services.prompts.get(june.id))?.answeredAt).toBeNull();
  });
});
