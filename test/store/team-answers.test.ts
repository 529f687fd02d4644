import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor, Services } from '../../src/core/command.ts';
import { queryRows } from '../../src/db/rows.ts';
import { explainPerson } from '../../src/features/deliveries-report.ts';
import { openPromptConversation, promptContentFor } from '../../src/features/open-prompt.ts';
import { renderText } from '../../src/reply/render-text.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';
import { createRecordingAdapter } from '../support/recording-adapter.ts';
import {
  importYaml,
  link,
  outboxRows,
  resetOperations,
  servicesOf,
  testScheduler,
  testWorker,
} from '../support/scheduling.ts';

// Issue 13, finding 2 and 3: whatever way a team answers in the month, its prompts get no more
// reminders, the digest counts its report, and `deliveries why` says when and how.

const ORGANISATION = `
department: Tech
department_slug: tech
timezone: Europe/Berlin
cycle: FY2026-27 Q2
people:
  - { name: Ana Berlin }
  - { name: Del Egate }
  - { name: Otto Outsider }
teams:
  - name: Alpha
    managers: [Ana Berlin]
    delegates: [Del Egate]
    goals:
      - { title: Ship alpha, tasks: [T100001], status: In progress }
      - { title: Measure alpha, key_result: OPS-KR1, status: In progress }
objectives:
  - code: OPS
    cycle: FY2026-27 Q2
    title: Run things well
    key_results:
      - { code: KR1, text: Fewer incidents, manager: Ana Berlin, target: 10, direction: down, due: 2027-03-31 }
schedules:
  digest: { enabled: false }
`;

const at = (iso: string) => new Date(iso);

describe.each(drivers())('what counts as the team answering this month (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    services = servicesOf(database.db);
    await importYaml(database.db, ORGANISATION);
    await link(services, [
      ['ana-berlin', 'slack', 'U0ANA0001'],
      ['del-egate', 'slack', 'U0DEL0001'],
      ['otto-outsider', 'slack', 'U0OTTO001'],
    ]);
  });
  afterAll(() => database?.close());
  beforeEach(async () => {
    await resetOperations(database.db);
    // Each case answers afresh: what chat recorded before is gone (the import's stays).
    for (const table of ['status_entries', 'metric_values', 'report_notes'])
      await queryRows(
        database.db,
        sql`delete from ${sql.identifier(table)} where source <> 'import'`,
      );
  });

  const actor = async (handle: string): Promise<Actor> => {
    const person = await services.people.findByHandle(handle);
    // Otto is an admin: he may set Alpha's statuses, but he is not Alpha.
    return { person, isAdmin: handle === 'otto-outsider', transport: 'slack', label: handle };
  };

  /** The prompt goes out on the 20th and reminder 1 on the 23rd; then `answer` on the 24th. */
  async function reminder2After(answer: (now: string) => Promise<void>): Promise<string[]> {
    const adapter = createRecordingAdapter('slack');
    const worker = testWorker(services, [adapter]);
    const scheduler = testScheduler(services);
    await scheduler.tick(at('2026-11-20T09:00:30Z'));
    await worker.drain();
    await scheduler.tick(at('2026-11-23T09:00:30Z'));
    await worker.drain();
    await answer('2026-11-24T10:00:00Z');
    await scheduler.tick(at('2026-11-26T09:00:30Z'));
    await worker.drain();
    return adapter.keys().filter((k) => k.startsWith('reminder:'));
  }

  const say = (handle: string, line: string) => async (now: string) => {
    const answer = await testDispatcher(services, now)(line, await actor(handle));
    expect(answer?.tone, renderText(answer as never)).not.toBe('error');
  };

  it.each([
    ['`set` by the manager', say('ana-berlin', 'set T100001 blocked waiting on hardware')],
    ['a note by the delegate', say('del-egate', 'note alpha hired a contractor')],
    ['a key-result value by the manager', say('ana-berlin', 'metric OPS-KR1 7')],
  ])('%s stops the reminders', async (_, answer) => {
    const reminders = await reminder2After(answer);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatch(/^reminder:\d+:1$/);
  });

  it('a status set by someone outside the team is not its answer', async () => {
    const reminders = await reminder2After(say('otto-outsider', 'set T100001 done'));
    expect(reminders.map((k) => k.split(':')[2])).toEqual(['1', '2']);
  });

  it('a reminder queued before the answer is skipped when it would go out', async () => {
    const adapter = createRecordingAdapter('slack');
    const worker = testWorker(services, [adapter]);
    const scheduler = testScheduler(services);
    await scheduler.tick(at('2026-11-20T09:00:30Z'));
    await worker.drain();
    await scheduler.tick(at('2026-11-23T09:00:30Z'));
    await say('ana-berlin', 'set T100001 done')('2026-11-23T09:30:00Z');
    await worker.drain();
    expect((await outboxRows(database.db, 'reminder')).map((r) => r.skipReason)).toEqual([
      'answered before the reminder went out',
    ]);
  });

  it('"all on track" is the month\'s report: no reminder, no "without a report", and why says so', async () => {
    const reminders = await reminder2After(async (now) => {
      const ana = await actor('ana-berlin');
      const dispatch = testDispatcher(services, now);
      const [prompt] = await services.prompts.openFor(ana.person?.id as number);
      const content = await promptContentFor(prompt as never, ana, 0, { services, dispatch });
      openPromptConversation(ana, content as never, { services, dispatch });
      const echo = renderText((await dispatch('all on track', ana)) as never);
      expect(echo).toContain('Report for Alpha: all on track');
    });
    expect(reminders).toHaveLength(1);
    const digest = renderText(
      (await testDispatcher(services, '2026-11-27T12:00:00Z')(
        'digest tech',
        await actor('ana-berlin'),
      )) as never,
    );
    expect(digest).not.toMatch(/Teams without a report[^\n]*\n\n[^\n]*Alpha/);
    expect(digest).toContain('Answered for November 2026: 1 of 1 teams (100%)');
    const story = renderText(
      await explainPerson(
        (await services.people.findByHandle('ana-berlin')) as never,
        at('2026-11-27T12:00:00Z'),
        'Europe/Berlin',
        services,
      ),
    );
    expect(story).toContain(
      "Answered 2026-11-24 11:00 Europe/Berlin on slack by Ana Berlin (a note in Alpha's report), so no more reminders.",
    );
    // The manager's own record, in `whoami`.
    const whoami = renderText(
      (await testDispatcher(services, '2026-11-27T12:00:00Z')(
        'whoami',
        await actor('del-egate'),
      )) as never,
    );
    expect(whoami).toContain('Alpha, November 2026: answered 2026-11-24 by Ana Berlin');
  });
});
