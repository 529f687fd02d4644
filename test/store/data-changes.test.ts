import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_TABLES } from '../../src/db/data-version.ts';
import { queryRows } from '../../src/db/rows.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';

// Answers kept in memory rely on every change notifying okrbot_data, whoever makes it.
describe.each(drivers())('data change notifications on %s', (driver) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });
  afterAll(() => database?.close());

  it('has a notifying trigger on exactly the tables answers are made of', async () => {
    const rows = await queryRows<{ table: string }>(
      database.db,
      sql`select distinct c.relname as "table" from pg_trigger t join pg_class c on c.oid = t.tgrelid
          where t.tgname like '%_notify_data_change' order by 1`,
    );
    expect(rows.map((r) => r.table)).toEqual([...CONTENT_TABLES].sort());
  });
});

describe.runIf(drivers().includes('postgres'))(
  'data change notifications between processes',
  () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('postgres');
    });
    afterAll(() => database?.close());

    it('tell an instance about writes of other processes, not its own', async () => {
      const heard: string[] = [];
      await database.listenForChanges((table) => heard.push(table));
      await database.db.execute(sql`insert into departments (slug, name) values ('d1', 'D1')`);
      const other = postgres(database.url as string, { max: 1, onnotice: () => {} });
      await other`update people set name = name`;
      await other`insert into cycles (label, kind, fiscal_year, starts_on, ends_before) values ('FY2030-31', 'year', 2030, '2030-07-01', '2031-07-01')`;
      await other`insert into inbound_events (transport, event_id) values ('slack', 'e1')`;
      await other.end();
      await expect.poll(() => heard).toEqual(['people', 'cycles']);
    });
  },
);
