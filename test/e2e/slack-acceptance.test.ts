import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, drivers, dropPostgresDatabase } from '../support/databases.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { spawnCli } from '../support/run-cli.ts';
import {
  post,
  SIGNING_SECRET,
  sign,
  slashCommand,
  triggerId,
  viewSubmission,
} from '../support/slack-requests.ts';

// The Slack acceptance, as a new user tries it: `okrbot start` with SLACK_API_URL pointing at
// a fake Web API, on Postgres; a signed `/okr status analytics`, an update form submitted;
// a replayed or badly signed request changes nothing.

const FORM = 'application/x-www-form-urlencoded';
const NURIA = 'U0NURIA';

describe.runIf(drivers().includes('postgres'))('okrbot start with Slack', () => {
  let fake: FakeSlack;
  let url: string;
  let sql: postgres.Sql;
  let bot: ChildProcessWithoutNullStreams;
  let events: string;
  let stderr = '';

  const entries = async () =>
    (await sql`select count(*)::int as n from status_entries`)[0]?.n as number;

  beforeAll(async () => {
    fake = await startFakeSlack();
    fake.users = [{ id: NURIA, email: 'nuria@example.org', tz: 'Europe/Madrid' }];
    url = await createPostgresDatabase('okrbot_slack');
    sql = postgres(url, { max: 1, onnotice: () => {} });
    bot = spawnCli(['start'], {
      DATABASE_URL: url,
      OKRBOT_NOW: '2019-08-28T12:00:00Z',
      HOST: '127.0.0.1',
      SLACK_BOT_TOKEN: 'xoxb-acceptance',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      // This file does not test the schedules; they would send nudges in the background.
      OKRBOT_SCHEDULER: 'off',
      // Debug lines say when a replayed request was seen and ignored.
      LOG_LEVEL: 'debug',
    });
    const address = await new Promise<string>((resolve, reject) => {
      bot.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /"address":"(http:\/\/[^"]+)"[^}]*"msg":"dashboard at /.exec(stderr);
        if (match && stderr.includes('Slack connected')) resolve(match[1] as string);
      });
      bot.once('close', () => reject(new Error(`okrbot exited: ${stderr}`)));
    });
    events = `${address}/slack/events`;
    // The quarter files would give Nuria's email; Slack's profile then links her account.
    await sql`update people set email = 'nuria@example.org' where handle = 'nuria-ruiz'`;
  });

  afterAll(async () => {
    bot?.kill('SIGTERM');
    if (bot && bot.exitCode === null) await new Promise((resolve) => bot.once('close', resolve));
    await sql?.end();
    if (url) await dropPostgresDatabase(url);
    await fake?.close();
  });

  it('answers a signed /okr status analytics in Block Kit', async () => {
    const ack = await post(
      events,
      sign(
        slashCommand('status analytics', { user: NURIA, responseUrl: fake.responseUrl('status') }),
        FORM,
      ),
    );
    expect(ack.status).toBe(200);
    const answer = await fake.waitFor('respond:status');
    const blocks = answer?.body.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'Analytics — FY2019-20 Q1' } });
    expect(JSON.stringify(blocks)).toContain('Release Mediawiki History');
  });

  it('answers the same read from memory until another process changes the data', async () => {
    let asked = 0;
    const ask = async () => {
      const id = `again-${++asked}`;
      const responseUrl = fake.responseUrl(id);
      const ack = await post(
        events,
        sign(slashCommand('status analytics', { user: NURIA, responseUrl }), FORM),
      );
      if (ack.text) return { inAck: true, blocks: JSON.stringify(JSON.parse(ack.text).blocks) };
      const call = await fake.waitFor(`respond:${id}`);
      return { inAck: false, blocks: JSON.stringify(call?.body.blocks) };
    };
    // Answers are kept once no change is in flight (the set-up's own writes notify too).
    await expect.poll(async () => (await ask()).inAck, { timeout: 5000 }).toBe(true);
    // Another process (an import, another instance) renames a goal; its trigger notifies.
    await sql`update goals set title = 'Release the history dumps' where 'T208612' = any(task_ids)`;
    await expect
      .poll(async () => (await ask()).blocks, { timeout: 5000 })
      .toContain('Release the history dumps');
    expect(await ask()).toMatchObject({ inAck: true });
  });

  it('records an update form submitted after /okr update analytics, and a replay changes nothing', async () => {
    await post(
      events,
      sign(
        slashCommand('update analytics', {
          user: NURIA,
          responseUrl: fake.responseUrl('update'),
          trigger: triggerId(),
        }),
        FORM,
      ),
    );
    const opened = await fake.waitFor('views.open');
    const view = opened?.body.view as { private_metadata: string; blocks: { block_id: string }[] };
    const [goal] = await sql`select id from goals where 'T226089' = any(task_ids)`;
    expect(view.blocks.map((b) => b.block_id)).toContain(`status:${goal?.id}`);
    const submission = viewSubmission(NURIA, {
      id: 'V0ACCEPT',
      callbackId: 'okr_update',
      metadata: view.private_metadata,
      values: {
        [`status:${goal?.id}`]: { status: { selected_option: { value: 'done' } } },
        [`note:${goal?.id}`]: { note: { value: 'kerberos in production' } },
      },
    });
    const before = await entries();
    expect((await post(events, sign(submission, FORM))).status).toBe(200);
    const confirmation = await fake.waitFor('respond:update');
    expect(JSON.stringify(confirmation?.body.blocks)).toContain(
      'In progress → Done (note: kerberos in production)',
    );
    const [latest] = await sql`select se.status, se.note, se.source, p.handle from status_entries se
      left join people p on p.id = se.person_id where se.goal_id = ${goal?.id} order by se.id desc limit 1`;
    expect(latest).toEqual({
      status: 'done',
      note: 'kerberos in production',
      source: 'slack',
      handle: 'nuria-ruiz',
    });
    expect(await entries()).toBe(before + 1);

    // The same signed submission again (a replay), and one signed with another secret.
    expect((await post(events, sign(submission, FORM))).status).toBe(200);
    expect((await post(events, sign(submission, FORM, { secret: '0'.repeat(32) }))).status).toBe(
      401,
    );
    await expect
      .poll(() => stderr.includes('"view":"V0ACCEPT","msg":"Slack form already handled; ignored"'))
      .toBe(true);
    expect(await entries()).toBe(before + 1);
    expect(fake.callsOf('respond:update')).toHaveLength(1);
  });
});
