import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import type { Actor, Services } from '../../src/core/command.ts';
import { localActor } from '../../src/core/identity.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { renderText } from '../../src/reply/render-text.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';

const fiscal = { startMonth: 7 };

// Who may change what, for each kind of person: see src/domain/permissions.ts.
const ACTIONS = {
  'set a goal of Analytics': 'set T211248 done',
  'note for Analytics': 'note analytics hardware arrived',
  'value of TCB-KR2': 'metric TCB-KR2 2100',
  'status of TCB-KR2': 'set TCB-KR2 blocked',
  'add a team': 'team add matrix-team Matrix Team in technology',
  'add a delegate of Analytics': 'team delegate add analytics leila-zia',
} as const;

type Who = 'manager' | 'delegate' | 'KR manager' | 'admin' | 'other person' | 'unknown person';

const ALLOWED: Record<Who, (keyof typeof ACTIONS)[]> = {
  manager: ['set a goal of Analytics', 'note for Analytics', 'add a delegate of Analytics'],
  delegate: ['set a goal of Analytics', 'note for Analytics'],
  'KR manager': ['value of TCB-KR2', 'status of TCB-KR2'],
  admin: Object.keys(ACTIONS) as (keyof typeof ACTIONS)[],
  'other person': [],
  'unknown person': [],
};

describe.each(drivers())('the permission matrix (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;
  const actors = new Map<Who, Actor>();

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await importDemo(database.db, { fiscal, defaultTimeZone: 'UTC' });
    services = createServices(database.db);
    const operator = {
      person: undefined,
      isAdmin: true,
      transport: 'shell' as const,
      label: 'operator',
    };
    const setup = testDispatcher(services);
    expect((await setup('person add joseph-allemandou Joseph Allemandou', operator))?.tone).toBe(
      'info',
    );
    expect((await setup('team delegate add analytics joseph-allemandou', operator))?.tone).toBe(
      'info',
    );
    actors.set('manager', await localActor(services.people, 'nuria-ruiz'));
    actors.set('delegate', await localActor(services.people, 'joseph-allemandou'));
    actors.set('KR manager', await localActor(services.people, 'birgit-muller'));
    actors.set('admin', await localActor(services.people, 'gilles-dubuc', ['gilles-dubuc']));
    actors.set('other person', await localActor(services.people, 'gilles-dubuc'));
    actors.set('unknown person', {
      person: undefined,
      isAdmin: false,
      transport: 'irc',
      label: 'anonymous',
    });
  });
  afterAll(() => database?.close());

  const cases = (Object.keys(ALLOWED) as Who[]).flatMap((who) =>
    (Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]).map(
      (action) => [who, action, ALLOWED[who].includes(action)] as const,
    ),
  );

  it.each(cases)('%s: %s → allowed %s', async (who, action, allowed) => {
    const dispatch = testDispatcher(services);
    const reply = await dispatch(ACTIONS[action], actors.get(who) as Actor);
    const text = reply ? renderText(reply) : '';
    if (allowed) {
      expect(reply?.tone, text).toBe('info');
      // Undo what was allowed so every row starts from the same data.
      if (!action.startsWith('add')) await dispatch('undo', actors.get(who) as Actor);
      if (action === 'add a delegate of Analytics')
        await dispatch('team delegate remove analytics leila-zia', actors.get('admin') as Actor);
      return;
    }
    expect(reply?.tone, text).toBe('error');
    // A refusal says who may make the change.
    if (action === 'set a goal of Analytics' || action === 'note for Analytics') {
      expect(text).toMatch(
        who === 'unknown person'
          ? /not linked to a person/
          : /Only .*Nuria Ruiz.* or an admin may change/,
      );
    }
    if (action === 'value of TCB-KR2' || action === 'status of TCB-KR2') {
      expect(text).toMatch(
        who === 'unknown person'
          ? /not linked to a person/
          : /Only Birgit Müller .* or an admin may change TCB-KR2/,
      );
    }
    if (action === 'add a team') expect(text).toContain('Only an admin');
  });

  it("lets a parent team's managers change its sub-teams' goals", async () => {
    const dispatch = testDispatcher(services);
    const mark = await localActor(services.people, 'mark-bergsma');
    const brandon = await localActor(services.people, 'brandon-black');
    expect((await dispatch('note traffic ATS migration on track', mark))?.tone).toBe('info');
    expect((await dispatch('note sre firefighting review held', brandon))?.tone).toBe('error');
  });
});
