import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, createBot, type Frontends, startFrontends } from '../../src/app/bot.ts';
import { loadConfig } from '../../src/app/config/load-config.ts';
import { createPostgresDatabase, drivers, dropPostgresDatabase } from '../support/databases.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { importYaml, outboxRows } from '../support/scheduling.ts';
import { SIGNING_SECRET } from '../support/slack-requests.ts';

// The outbox through the real Slack adapter against a fake Slack Web API: a weekly digest to
// 60 channels, with Slack answering 429 and Retry-After in the middle of the fan-out.

const CHANNELS = Array.from({ length: 60 }, (_, i) => `C0FAN${String(i + 1).padStart(4, '0')}`);

// Postgres: an embedded database runs in this process and holds up its timers while it works,
// which would bunch the sends this test times.
describe.runIf(drivers().includes('postgres'))('the outbox through the Slack adapter', () => {
  let fake: FakeSlack;
  let bot: Bot;
  let frontends: Frontends;
  let url: string;

  beforeAll(async () => {
    fake = await startFakeSlack();
    url = await createPostgresDatabase();
    const config = loadConfig({
      DATABASE_URL: url,
      OKRBOT_DEMO: '0',
      PORT: '0',
      HOST: '127.0.0.1',
      OKRBOT_WEB_ACCESS: 'public',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      // This test runs the digest itself.
      OKRBOT_SCHEDULER: 'off',
      OKRBOT_OUTBOX_RATE: '40',
    });
    bot = await createBot(config, pino({ level: 'silent' }));
    await importYaml(
      bot.database.db,
      `department: Wide
department_slug: wide
timezone: UTC
schedules:
  digest:
    channels: [${CHANNELS.map((c) => `"slack:${c}"`).join(', ')}]
`,
    );
    frontends = await startFrontends(bot);
  });

  afterAll(async () => {
    await frontends?.stop();
    await bot?.stop();
    await fake?.close();
    if (url) await dropPostgresDatabase(url);
  });

  it('delivers a 60-channel digest once per channel through a 429, and waits as told', async () => {
    // The post to the tenth channel is refused: Slack asks for 2 seconds' rest.
    const REFUSED = CHANNELS[9] as string;
    fake.fail(
      'chat.postMessage',
      { status: 429, retryAfter: 2 },
      { when: (call) => call.body.channel === REFUSED },
    );
    const [result] = await bot.scheduler.runNow('digest', { at: new Date('2026-11-02T09:00:00Z') });
    expect(result?.summary.queued).toBe(60);
    await fake.waitForCalls('chat.postMessage', 61, { timeoutMs: 30_000 });
    // Every row sent is the sign that nothing more will go: a sent delivery is never sent again.
    await expect
      .poll(
        async () => (await outboxRows(bot.database.db, 'digest')).every((r) => r.state === 'sent'),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    const posts = fake.callsOf('chat.postMessage');
    expect(posts).toHaveLength(61);
    // Every channel got the digest once; the refused post was sent again, once.
    const refused = fake.callsOf('chat.postMessage', (call) => call.body.channel === REFUSED)[0];
    const at = posts.indexOf(refused as (typeof posts)[number]);
    const accepted = posts.filter((_, i) => i !== at).map((c) => c.body.channel);
    expect(accepted.sort()).toEqual([...CHANNELS].sort());
    // Nothing new went out while Slack asked for rest: only posts already on their way when the
    // 429 came back arrive just after it, then nothing until the two seconds are over.
    const after = posts.slice(at + 1).map((post) => post.at - (refused?.at as number));
    expect(after.filter((ms) => ms >= 300 && ms < 1900)).toEqual([]);
    expect(after.filter((ms) => ms < 300).length).toBeLessThanOrEqual(3);
    const rows = await outboxRows(bot.database.db, 'digest');
    expect(rows.filter((r) => r.attempts === 2)).toHaveLength(1);
  });
});
