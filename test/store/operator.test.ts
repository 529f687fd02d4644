import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBot } from '../../src/app/bot.ts';
import { loadConfig } from '../../src/app/config/load-config.ts';
import type { Actor, Services } from '../../src/core/command.ts';
import { localActor } from '../../src/core/identity.ts';
import { queryRows } from '../../src/db/rows.ts';
import { explainPerson } from '../../src/features/deliveries-report.ts';
import { importQuarter } from '../../src/formats/import/import-quarter.ts';
import { parseQuarterFile } from '../../src/formats/import/quarter-file.ts';
import { renderText } from '../../src/reply/render-text.ts';
import { createTestDatabase, drivers, type TestDatabase } from '../support/databases.ts';
import { testDispatcher } from '../support/dispatcher.ts';
import { createRecordingAdapter } from '../support/recording-adapter.ts';
import {
  fiscal,
  importYaml,
  link,
  resetOperations,
  servicesOf,
  silent,
  testScheduler,
  testWorker,
} from '../support/scheduling.ts';

const ORGANISATION = `
department: Tech
department_slug: tech
timezone: Europe/Berlin
cycle: FY2026-27 Q2
teams:
  - name: Alpha
    managers: [Ana Berlin]
    delegates: [Del Egate]
    goals: [{ title: Ship alpha, status: In progress }]
schedules:
  digest: { weekday: monday, time: "09:00", channels: ["slack:C0DIGEST1"] }
`;

const operator: Actor = { person: undefined, isAdmin: true, transport: 'shell', label: 'operator' };
const at = (iso: string) => new Date(iso);

describe.each(drivers())('operator views and commands (%s)', (driver) => {
  let database: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    services = servicesOf(database.db);
    await importYaml(database.db, ORGANISATION);
    await link(services, [
      ['ana-berlin', 'slack', 'U0ANA0001'],
      ['del-egate', 'slack', 'U0DEL0001'],
    ]);
  });
  afterAll(() => database?.close());
  beforeEach(() => resetOperations(database.db));

  const why = async (handle: string, now: string) =>
    renderText(
      await explainPerson(
        (await services.people.findByHandle(handle)) as NonNullable<
          Awaited<ReturnType<Services['people']['findByHandle']>>
        >,
        at(now),
        'UTC',
        services,
      ),
    );

  it('tells a manager the story of their prompts: sent, reminders to come, answered', async () => {
    await testScheduler(services).tick(at('2026-11-20T09:00:30Z'));
    await testWorker(services, [createRecordingAdapter('slack')]).drain();
    const story = await why('ana-berlin', '2026-11-21T12:00:00Z');
    expect(story).toContain('Chat accounts: slack U0ANA0001. Manager of Alpha.');
    expect(story).toMatch(
      /Alpha, November 2026: prompt sent \S+ \S+ \S+ on slack \(message m\d\)\. Reminder 1 due 2026-11-23 10:00 Europe\/Berlin if still unanswered\. Reminder 2 due 2026-11-26 10:00 Europe\/Berlin if still unanswered\./,
    );
    expect(story).toMatch(
      /Alpha, October 2026: due 2026-10-20 10:00 Europe\/Berlin, but no prompt run was recorded then/,
    );
    expect(story).toMatch(/`?prompt:alpha:ana-berlin:2026-11`?: sent/);
    await queryRows(database.db, sql`update prompts set answered_at = '2026-11-22T10:00:00Z'`);
    expect(await why('ana-berlin', '2026-11-23T12:00:00Z')).toContain(
      'Answered 2026-11-22 11:00 Europe/Berlin on slack by Ana Berlin (a reply to the prompt), so no more reminders.',
    );
  });

  it('says when a prompt went to a delegate instead, and when a run was missed', async () => {
    const ana = await services.people.findByHandle('ana-berlin');
    const change = { personId: null, at: new Date(), source: 'shell' as const };
    await services.admin.setAway(ana?.id as number, at('2026-11-27T23:00:00Z'), change);
    try {
      const scheduler = testScheduler(services);
      await scheduler.tick(at('2026-10-20T08:00:30Z'));
      await scheduler.tick(at('2026-11-20T09:00:30Z'));
      const story = await why('ana-berlin', '2026-11-21T12:00:00Z');
      expect(story).toContain(
        "Alpha, November 2026: prompt skipped: away until the end of 2026-11-27: Alpha's prompt went to Del Egate instead.",
      );
      expect(story).toContain(
        'prompt:alpha:del-egate:2026-11 (to a delegate, in their place): queued on slack',
      );
      // Down from 19 November to 1 December: the run was past its window.
      await resetOperations(database.db);
      await scheduler.tick(at('2026-10-20T08:00:30Z'));
      await scheduler.tick(at('2026-12-01T12:00:00Z'));
      expect(await why('ana-berlin', '2026-12-01T12:00:00Z')).toContain(
        'Alpha, November 2026: the prompt run due 2026-11-20 10:00 Europe/Berlin was skipped: missed: okrbot was not running, and it is more than 5 days late (the catch-up window).',
      );
    } finally {
      await services.admin.setAway(ana?.id as number, null, change);
    }
  });

  it('answers `deliveries why` for yourself, and admins for anyone', async () => {
    const dispatch = testDispatcher(services, '2026-11-21T12:00:00Z');
    const ana = await localActor(services.people, 'ana-berlin');
    const del = await localActor(services.people, 'del-egate');
    const own = await dispatch('deliveries why', ana);
    expect(renderText(own as never)).toContain('Deliveries for Ana Berlin (ana-berlin)');
    const other = await dispatch('deliveries why ana-berlin', del);
    expect(other?.tone).toBe('error');
    expect(renderText(other as never)).toContain('You may ask about your own deliveries');
    expect(renderText((await dispatch('deliveries why ana-berlin', operator)) as never)).toContain(
      'Deliveries for Ana Berlin',
    );
    expect(renderText((await dispatch('deliveries why ana-berlim', operator)) as never)).toContain(
      'Did you mean ana-berlin?',
    );
    expect(renderText((await dispatch('deliveries', operator)) as never)).toContain(
      'Latest schedule runs',
    );
  });

  it('shows and changes schedules and digest channels, for admins only', async () => {
    const dispatch = testDispatcher(services, '2026-11-21T12:00:00Z');
    const ask = async (line: string, actor = operator) => {
      const answer = await dispatch(line, actor);
      return { tone: answer?.tone, text: renderText(answer as never) };
    };
    const shown = await ask('schedule tech');
    expect(shown.text).toContain(
      'Monthly prompt: monthly on the 20th at 10:00, reminders 3 and 6 days later if unanswered; next 2026-12-20 10:00 Europe/Berlin (catch-up 5 days)',
    );
    expect(shown.text).toContain('Digest channels: C0DIGEST1 (slack)');
    const ana = await localActor(services.people, 'ana-berlin');
    expect((await ask('schedule tech digest friday 16:00', ana)).tone).toBe('error');
    expect((await ask('schedule tech digest friday 16:00')).text).toBe(
      'Weekly digest of Tech: weekly on Friday at 16:00; next 2026-11-27 16:00 Europe/Berlin.',
    );
    expect((await ask('schedule tech prompt 25 9:30 reminders 2,4')).text).toContain(
      'monthly on the 25th at 09:30, reminders 2 and 4 days later if unanswered',
    );
    expect((await ask('schedule tech overdue off')).text).toBe('Overdue check of Tech: off.');
    expect((await ask('schedule tech prompt 32 10:00')).tone).toBe('error');
    expect((await ask('schedule tech digest channel add irc #tech-digest')).text).toContain(
      "Tech's weekly digest now goes to #tech-digest (irc) too.",
    );
    expect((await ask('schedule tech digest channel add slack general')).text).toContain(
      'is not a Slack channel id',
    );
    expect((await ask('schedule tech digest channel remove irc #tech-digest')).text).toContain(
      'no longer goes to #tech-digest',
    );
    // The file brings them back as it says, and importing it again changes nothing.
    const file = parseQuarterFile(ORGANISATION, 'again.yaml');
    const options = { fiscal, defaultTimeZone: 'UTC' };
    const first = await importQuarter(database.db, file, 'again.yaml', options);
    expect(first.counts.get('schedules')).toMatchObject({ updated: 1 });
    const second = await importQuarter(database.db, file, 'again.yaml', options);
    expect(second.counts.get('schedules')).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(second.counts.get('digest channels')).toMatchObject({ created: 0, unchanged: 1 });
    await database.db.execute(sql`delete from schedules`);
    await importYaml(database.db, ORGANISATION);
  });
});

describe('the bot', () => {
  it('reports when the scheduler last ticked in /metrics', async () => {
    const config = loadConfig({
      OKRBOT_DATA_DIR: 'memory://',
      OKRBOT_DEMO: '0',
      LOG_LEVEL: 'silent',
    });
    const bot = await createBot(config, silent);
    try {
      await bot.services.outbox.enqueue([
        {
          key: 'k1',
          kind: 'digest',
          transport: 'slack',
          target: 'C1',
          personId: null,
          content: { type: 'document', reply: { tone: 'info', blocks: [] } },
        },
      ]);
      expect(await bot.metrics.render()).toContain(
        'okrbot_scheduler_last_tick_timestamp_seconds 0',
      );
      await bot.scheduler.tick(new Date('2026-11-02T08:00:00Z'));
      expect(await bot.metrics.render()).not.toContain(
        'okrbot_scheduler_last_tick_timestamp_seconds 0\n',
      );
    } finally {
      await bot.stop();
    }
  });
});
