import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDemo } from '../../src/formats/import/demo.ts';
import { createStore } from '../../src/store/store.ts';
import { caseFold } from '../../src/transports/irc/casemapping.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';

// IRC services accounts compare by the server's case mapping: an admin who links `Nuria[m]`
// reaches the person however the server spells the account.

describe.each(drivers())('IRC accounts of people (%s)', (driver) => {
  let database: TestDatabase;
  let store: ReturnType<typeof createStore>;
  const change = { personId: null, at: new Date('2019-08-28T12:00:00Z'), source: 'shell' as const };

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await importDemo(database.db, { fiscal: { startMonth: 7 }, defaultTimeZone: 'UTC' });
    store = createStore(database.db);
    const nuria = await store.people.findByHandle('nuria-ruiz');
    const gilles = await store.people.findByHandle('gilles-dubuc');
    await store.admin.linkIdentity(nuria?.id as number, 'irc', 'Nuria[m]', change);
    await store.admin.linkIdentity(gilles?.id as number, 'irc', 'gilles', change);
    await store.admin.linkIdentity(gilles?.id as number, 'slack', 'UNURIAM01', change);
  });
  afterAll(() => database?.close());

  it('finds the person whatever the case, by the rfc1459 rules', async () => {
    const rfc1459 = caseFold('rfc1459');
    for (const account of ['Nuria[m]', 'nuria[m]', 'NURIA{M}', 'nuria{m}'])
      expect((await store.people.findByFoldedAccount('irc', account, rfc1459))?.handle).toBe(
        'nuria-ruiz',
      );
    expect((await store.people.findByFoldedAccount('irc', 'GILLES', rfc1459))?.handle).toBe(
      'gilles-dubuc',
    );
  });

  it('keeps [ and { apart under ascii, and finds no one for other accounts', async () => {
    const ascii = caseFold('ascii');
    expect((await store.people.findByFoldedAccount('irc', 'NURIA[M]', ascii))?.handle).toBe(
      'nuria-ruiz',
    );
    expect(await store.people.findByFoldedAccount('irc', 'nuria{m}', ascii)).toBeUndefined();
    expect(
      await store.people.findByFoldedAccount('irc', 'nuria', caseFold('rfc1459')),
    ).toBeUndefined();
    expect(
      await store.people.findByFoldedAccount('irc', 'unuriam01', caseFold('rfc1459')),
    ).toBeUndefined();
  });
});
