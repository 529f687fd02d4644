import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/services.ts';
import type { Services } from '../../src/core/command.ts';
import { localActor } from '../../src/core/identity.ts';
import { queryRows } from '../../src/db/rows.ts';
import { importDemo } from '../../src/formats/import/demo.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';

// Writes that number their rows (a report's note positions) must not collide when many people
// write at once: on Postgres every one of 40 simultaneous notes to one team is stored.

describe.each(drivers())('concurrent writes (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await importDemo(database.db, { fiscal: { startMonth: 7 }, defaultTimeZone: 'UTC' });
    services = createServices(database.db);
  });
  afterAll(async () => {
    await database.close();
  });

  it('stores every one of 40 simultaneous notes to one team, each at its own position', async () => {
    const nuria = await localActor(services.people, 'nuria-ruiz');
    const dispatch = testDispatcher(services, '2019-08-28T12:00:00Z');
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => dispatch(`note analytics concurrent note ${i}`, nuria)),
    );
    for (const reply of replies) expect(reply?.tone).toBe('info');
    const rows = await queryRows<{ text: string; position: number }>(
      database.db,
      sql`select n.text, n.position from report_notes n join status_reports r on r.id = n.report_id
          join teams t on t.id = r.team_id where t.slug = 'analytics' and n.text like 'concurrent note %'`,
    );
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.text)).size).toBe(40);
    expect(new Set(rows.map((r) => r.position)).size).toBe(40);
  });
});
