import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, createBot, type Frontends, startFrontends } from '../../src/app/bot.ts';
import { loadConfig } from '../../src/app/config/load-config.ts';
import type { ChatAdapter } from '../../src/core/chat-adapter.ts';
import { queryRows } from '../../src/db/rows.ts';
import { blockKitReport } from '../support/block-kit.ts';
import {
  deliveryKey,
  type FakeSlack,
  type SlackCall,
  startFakeSlack,
} from '../support/fake-slack.ts';
import { type CapturedLogs, captureLogs } from '../support/log-capture.ts';
import {
  blockAction,
  eventEnvelope,
  post,
  SIGNING_SECRET,
  sign,
  slashCommand,
  triggerId,
  viewSubmission,
} from '../support/slack-requests.ts';

// okrbot's Slack adapter through Bolt's real HTTP receiver: signed requests in, a fake Slack
// Web API (and response_urls) out, a real database underneath.

const FORM = 'application/x-www-form-urlencoded';
const NURIA = 'U0NURIA';
const GILLES = 'U0GILLES';
/** A post that answers someone: not an outbox delivery (those carry their key). */
const answerPost = (call: SlackCall) => deliveryKey(call) === undefined;

describe('Slack', () => {
  let fake: FakeSlack;
  let bot: Bot;
  let frontends: Frontends;
  let slack: ChatAdapter;
  let events: string;
  let logs: CapturedLogs;
  let responses = 0;

  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(bot.database.db, query);
  const statusOf = async (taskId: string) =>
    (
      await rows<{ status: string; note: string | null; source: string }>(
        sql`select se.status, se.note, se.source from status_entries se join goals g on g.id = se.goal_id
            where ${taskId} = any(g.task_ids) order by se.id desc limit 1`,
      )
    )[0];

  /**
   * Sends `/okr <text>` as a user; the answer is in the acknowledgement (a read kept in
   * memory) or arrives at the response_url.
   */
  async function command(text: string, user = NURIA, trigger = triggerId()) {
    const id = `r${++responses}`;
    const ack = await post(
      events,
      sign(slashCommand(text, { user, responseUrl: fake.responseUrl(id), trigger }), FORM),
    );
    const inAck = ack.text !== '';
    const answer = inAck
      ? ({ method: 'ack', body: JSON.parse(ack.text), headers: {}, at: Date.now() } as SlackCall)
      : await fake.waitFor(`respond:${id}`);
    return { ack, answer, inAck, id };
  }

  const blocksText = (call: SlackCall | undefined) => JSON.stringify(call?.body.blocks ?? []);
  /** Posts a signed interaction (a click, a form) to the bot. */
  const send = (body: string) => post(events, sign(body, FORM));
  const formOf = (call: SlackCall) =>
    call.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id: string }[];
    };
  /** Nuria's Analytics prompt for a month (created once). */
  const analyticsPrompt = async (month: string) => {
    const team = await bot.services.teams.find('analytics');
    const nuria = await bot.services.people.findByHandle('nuria-ruiz');
    return bot.services.prompts.ensure({
      teamId: team?.id as number,
      personId: nuria?.id as number,
      month,
      dueAt: new Date(`${month}-20T08:00:00Z`),
    });
  };
  const goalId = async (taskId: string) =>
    (await rows<{ id: number }>(sql`select id from goals where ${taskId} = any(task_ids)`))[0]?.id;

  beforeAll(async () => {
    fake = await startFakeSlack();
    fake.users = [
      { id: NURIA, tz: 'Europe/Madrid' },
      { id: GILLES, email: 'gilles@example.org', tz: 'America/New_York' },
      { id: 'U0NOBODY' },
    ];
    const config = loadConfig({
      OKRBOT_DATA_DIR: 'memory://',
      OKRBOT_NOW: '2019-08-28T12:00:00Z',
      PORT: '0',
      HOST: '127.0.0.1',
      OKRBOT_WEB_ACCESS: 'public',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      // With the clock pinned on the demo data it would send nudges in the background.
      OKRBOT_SCHEDULER: 'off',
    });
    logs = captureLogs();
    bot = await createBot(config, logs.logger);
    const nuria = await bot.services.people.findByHandle('nuria-ruiz');
    await bot.services.admin.linkIdentity(nuria?.id as number, 'slack', NURIA, {
      personId: null,
      at: new Date(),
      source: 'slack',
    });
    // Gilles is linked by the email the quarter files would give.
    await rows(sql`update people set email = 'Gilles@Example.org' where handle = 'gilles-dubuc'`);
    frontends = await startFrontends(bot);
    slack = frontends.adapters[0] as ChatAdapter;
    events = `${frontends.http?.url}/slack/events`;
  });

  afterAll(async () => {
    await frontends?.stop();
    await bot?.stop();
    await fake?.close();
  });

  it('checks the token with auth.test at start and links people by email', async () => {
    expect(fake.callsOf('auth.test')).toHaveLength(1);
    expect(fake.callsOf('auth.test')[0]?.headers.authorization).toBe('Bearer xoxb-test-token');
    await fake.waitFor('users.lookupByEmail');
    await expect
      .poll(async () => (await bot.services.people.findByIdentity('slack', GILLES))?.handle)
      .toBe('gilles-dubuc');
    expect((await bot.services.people.findByHandle('gilles-dubuc'))?.timeZone).toBe(
      'America/New_York',
    );
    expect(slack.health()).toMatchObject({ connected: true });
  });

  it('answers /okr status with Block Kit through the response_url, after an empty ack', async () => {
    const { ack, answer, inAck } = await command('status analytics');
    expect(inAck).toBe(false);
    expect(ack).toEqual({ status: 200, text: '' });
    expect(answer.body.response_type).toBe('ephemeral');
    const blocks = answer.body.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]).toMatchObject({
      type: 'header',
      text: { text: 'Analytics — FY2019-20 Q1' },
    });
    expect(blocksText(answer)).toContain(':large_blue_circle: *In progress*');
    expect(String(answer.body.text)).toContain('Analytics — FY2019-20 Q1');
  });

  it('shares a read with the channel when asked, and keeps errors private and marked', async () => {
    const shared = await command('status analytics public');
    expect(shared.answer.body.response_type).toBe('in_channel');
    const typo = await command('status analytcs');
    expect(typo.answer.body.response_type).toBe('ephemeral');
    expect(blocksText(typo.answer)).toContain(':warning: No team or item');
  });

  it('answers a read asked again from memory in the acknowledgement, until something changes', async () => {
    const again = await command('status analytics');
    expect(again.inAck).toBe(true);
    expect(again.answer.body.response_type).toBe('ephemeral');
    expect(blocksText(again.answer)).toContain('Analytics — FY2019-20 Q1');
    // Another user asks for themselves; the first read is theirs to compute.
    expect((await command('status analytics', GILLES)).inAck).toBe(false);
    await command('set T210313 in progress');
    const fresh = await command('status analytics');
    expect(fresh.inAck).toBe(false);
    // A write by anyone, even straight to the database, makes the next read fresh.
    expect((await command('status analytics')).inAck).toBe(true);
    await rows(sql`update goals set title = title where 'T210313' = any(task_ids)`);
    expect((await command('status analytics')).inAck).toBe(false);
  });

  it('records /okr set for the team manager and refuses an unlinked user', async () => {
    const { answer } = await command('set T211248 done migrated ahead of schedule');
    expect(blocksText(answer)).toContain('In progress → Done');
    expect(await statusOf('T211248')).toEqual({
      status: 'done',
      note: 'migrated ahead of schedule',
      source: 'slack',
    });
    const stranger = await command('set T211248 blocked', 'U0NOBODY');
    expect(blocksText(stranger.answer)).toContain('not linked to a person');
    expect((await statusOf('T211248'))?.status).toBe('done');
  });

  it('ignores a replayed slash command (same trigger id)', async () => {
    const trigger = triggerId();
    await command('note analytics replay check', NURIA, trigger);
    const body = slashCommand('note analytics replay check', {
      user: NURIA,
      responseUrl: fake.responseUrl('replayed'),
      trigger,
    });
    expect((await post(events, sign(body, FORM))).status).toBe(200);
    await logs.waitFor(
      (line) => line.msg === 'Slack command already handled; ignored' && line.trigger === trigger,
    );
    expect(fake.callsOf('respond:replayed')).toHaveLength(0);
    const notes = await rows<{ n: number }>(
      sql`select count(*)::int as n from report_notes where text = 'replay check'`,
    );
    expect(notes[0]?.n).toBe(1);
  });

  it('rejects bad, stale and missing signatures with 401 and an oversized body with 413', async () => {
    const before = fake.calls.length;
    const body = slashCommand('set T211248 blocked', { responseUrl: fake.responseUrl('forged') });
    expect((await post(events, sign(body, FORM, { secret: 'f'.repeat(32) }))).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect((await post(events, sign(body, FORM, { timestamp: stale }))).status).toBe(401);
    const unsigned = await fetch(events, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body,
    });
    expect(unsigned.status).toBe(401);
    // A signed body altered in transit no longer matches its signature.
    const signed = sign(body, FORM);
    expect((await post(events, { ...signed, body: body.replace('blocked', 'done') })).status).toBe(
      401,
    );
    const huge = `text=${'x'.repeat(2 * 1024 * 1024)}`;
    expect((await post(events, sign(huge, FORM))).status).toBe(413);
    expect(fake.calls.length).toBe(before);
    expect((await statusOf('T211248'))?.status).toBe('done');
  });

  describe('the monthly prompt', () => {
    let promptId: number;
    let dm: string;
    let ts: string;

    beforeAll(async () => {
      promptId = (await analyticsPrompt('2019-08')).id;
    });

    it('goes out as a DM with a status menu and an Add note button per goal', async () => {
      const outcome = await slack.deliver({
        key: `prompt:test:${promptId}`,
        to: {
          kind: 'person',
          personId: (await bot.services.people.findByHandle('nuria-ruiz'))?.id as number,
        },
        content: { type: 'prompt', promptId, reminder: 0 },
      });
      expect(outcome).toEqual({
        ok: true,
        messageId: expect.any(String),
        conversation: `D${NURIA}`,
      });
      const posted = fake
        .callsOf('chat.postMessage', (call) => deliveryKey(call) === `prompt:test:${promptId}`)
        .at(-1) as SlackCall;
      dm = String(posted.body.channel);
      ts = (outcome as { messageId: string }).messageId;
      const blocks = posted.body.blocks as {
        type: string;
        elements?: { type: string; action_id: string }[];
      }[];
      const actions = blocks.filter(
        (b) => b.type === 'actions' && b.elements?.[0]?.type === 'static_select',
      );
      expect(actions.length).toBeGreaterThanOrEqual(5);
      expect(actions[0]?.elements?.map((e) => e.action_id)).toEqual([
        'okr_goal_status',
        'okr_add_note',
      ]);
      expect(blocksText(posted)).toContain('Submit update');
      // The month is named as everywhere else, not as 2019-08.
      expect(blocks[0]).toMatchObject({
        type: 'header',
        text: { text: 'Analytics — monthly update for August 2019' },
      });
      expect(await bot.services.prompts.get(promptId)).toMatchObject({
        transport: 'slack',
        conversationId: dm,
        messageId: ts,
        answeredAt: null,
      });
    });

    it('records a status picked in the prompt, confirms it in the thread and refreshes the prompt', async () => {
      const goal = await goalId('T226089');
      const pick = blockAction(
        NURIA,
        {
          type: 'static_select',
          action_id: 'okr_goal_status',
          block_id: `goal:${goal}`,
          selected_option: { text: { type: 'plain_text', text: 'Blocked' }, value: 'blocked' },
        },
        { channel: dm, ts },
      );
      const confirmation = await fake.next('chat.postMessage', () => send(pick), answerPost);
      expect(confirmation.body.thread_ts).toBe(ts);
      expect(blocksText(confirmation)).toContain('✓ T226089');
      expect(blocksText(confirmation)).toContain('Blocked');
      expect((await statusOf('T226089'))?.status).toBe('blocked');
      const update = await fake.waitFor('chat.update');
      expect(update?.body.ts).toBe(ts);
      expect(blocksText(update)).toContain(':red_circle: *Blocked*');
      expect((await bot.services.prompts.get(promptId))?.answeredAt).not.toBeNull();
    });

    it('opens the update form from the prompt and records its submission end to end', async () => {
      const team = (await bot.services.teams.find('analytics'))?.id;
      const click = blockAction(
        NURIA,
        { type: 'button', action_id: 'okr_open_update', block_id: 'team', value: String(team) },
        { channel: dm, ts },
      );
      const view = formOf(await fake.next('views.open', () => send(click)));
      expect(view.callback_id).toBe('okr_update');
      const goal = await goalId('T215863');
      expect(view.blocks.map((b) => b.block_id)).toContain(`status:${goal}`);
      const submission = viewSubmission(NURIA, {
        id: 'V0FORM1',
        callbackId: 'okr_update',
        metadata: view.private_metadata,
        values: {
          [`status:${goal}`]: {
            status: { type: 'static_select', selected_option: { value: 'done' } },
          },
          [`note:${goal}`]: { note: { type: 'plain_text_input', value: 'alarms shipped' } },
          report: { note: { type: 'plain_text_input', value: 'Good month for data quality.' } },
        },
      });
      let answer: { status: number; text: string } | undefined;
      const confirmation = await fake.next(
        'chat.postMessage',
        async () => {
          answer = await send(submission);
        },
        answerPost,
      );
      expect(answer).toEqual({ status: 200, text: '' });
      expect(confirmation.body.thread_ts).toBe(ts);
      expect(blocksText(confirmation)).toContain('Partially done → Done (note: alarms shipped)');
      expect(blocksText(confirmation)).toContain('Note added to the Analytics report for 2019-08');
      expect(await statusOf('T215863')).toEqual({
        status: 'done',
        note: 'alarms shipped',
        source: 'slack',
      });
    });

    it('records a note from the Add note form, with the status it shows', async () => {
      const goal = await goalId('T210313');
      const click = blockAction(
        NURIA,
        {
          type: 'button',
          action_id: 'okr_add_note',
          block_id: `goal:${goal}`,
          value: String(goal),
        },
        { channel: dm, ts },
      );
      const view = formOf(await fake.next('views.open', () => send(click)));
      expect(view.callback_id).toBe('okr_note');
      const submission = viewSubmission(NURIA, {
        id: 'V0NOTE1',
        callbackId: 'okr_note',
        metadata: view.private_metadata,
        values: {
          status: { status: { selected_option: { value: 'in_progress' } } },
          note: { note: { value: 'backfill done, Druid next' } },
        },
      });
      const confirmation = await fake.next('chat.postMessage', () => send(submission), answerPost);
      expect(confirmation.body.thread_ts).toBe(ts);
      expect(blocksText(confirmation)).toContain('(note: backfill done, Druid next)');
      expect(await statusOf('T210313')).toEqual({
        status: 'in_progress',
        note: 'backfill done, Druid next',
        source: 'slack',
      });
    });

    it('says "saved" when a form\'s confirmation cannot be shown, and records the same form again once', async () => {
      const goal = await goalId('T210313');
      const metadata = JSON.stringify({
        teamId: (await bot.services.teams.find('analytics'))?.id,
        goalId: goal,
        promptId,
        channel: dm,
        threadTs: ts,
      });
      const form = (id: string) =>
        viewSubmission(NURIA, {
          id,
          callbackId: 'okr_note',
          metadata,
          values: { note: { note: { value: 'vendor call on Friday' } } },
        });
      const notes = async () =>
        (
          await rows<{ count: number }>(
            sql`select count(*)::int as count from status_entries where note = 'vendor call on Friday'`,
          )
        )[0]?.count;
      // Slack fails the confirmation in the prompt's thread once.
      fake.fail(
        'chat.postMessage',
        { error: 'internal_error' },
        {
          when: (call) => call.body.thread_ts === ts,
        },
      );
      const saved = await fake.next(
        'chat.postMessage',
        () => send(form('V0SAME1')),
        (call) => answerPost(call) && call.body.channel === NURIA,
      );
      expect(blocksText(saved)).toContain('Saved; the confirmation could not be shown');
      expect(blocksText(saved)).not.toContain('try again');
      expect(blocksText(saved)).toContain('vendor call on Friday');
      expect(await notes()).toBe(1);
      // Submitted again from a new form, the same content: told so, not recorded twice.
      const again = await fake.next('chat.postMessage', () => send(form('V0SAME2')), answerPost);
      expect(blocksText(again)).toContain('saved already');
      expect(await notes()).toBe(1);
    });

    it('refuses a form note longer than the limit in the form itself', async () => {
      const response = await send(
        viewSubmission(NURIA, {
          id: 'V0NOTE2',
          callbackId: 'okr_note',
          metadata: JSON.stringify({ teamId: 1, goalId: 1 }),
          values: { note: { note: { value: 'x'.repeat(2001) } } },
        }),
      );
      expect(JSON.parse(response.text)).toEqual({
        response_action: 'errors',
        errors: { note: 'At most 2000 characters.' },
      });
    });

    it('reads a free-text reply in the prompt thread, line by line, once per event id', async () => {
      const inThread = () => fake.callsOf('chat.postMessage', (call) => call.body.thread_ts === ts);
      const before = inThread().length;
      const since = fake.calls.length;
      const envelope = eventEnvelope({
        type: 'message',
        channel_type: 'im',
        channel: dm,
        user: NURIA,
        text: 'kerberos in progress, hardware arrived\nT999999 done',
        ts: `${Number(ts) + 5}`,
        thread_ts: ts,
      });
      for (const retry of ['', '1', '2']) {
        const response = await post(
          events,
          sign(envelope, 'application/json'),
          retry ? { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' } : {},
        );
        expect(response.status).toBe(200);
      }
      const echo = await fake.waitFor('chat.postMessage', answerPost, { since });
      expect(echo?.body.thread_ts).toBe(ts);
      expect(blocksText(echo)).toContain('✓ T226089');
      expect(blocksText(echo)).toContain('✗ \\"T999999 done\\"');
      // Both redeliveries were seen and dropped: nothing else is coming.
      const { event_id: eventId } = JSON.parse(envelope) as { event_id: string };
      await logs.waitFor(
        (line) => line.msg === 'Slack event already handled; ignored' && line.eventId === eventId,
        2,
      );
      expect(inThread()).toHaveLength(before + 1);
      const entries = await rows<{ n: number }>(
        sql`select count(*)::int as n from status_entries where note = 'hardware arrived'`,
      );
      expect(entries[0]?.n).toBe(1);
      expect((await statusOf('T226089'))?.status).toBe('in_progress');
    });
    it('asks before recording a line it is not sure of, and records it once when Record is clicked', async () => {
      const before = (await statusOf('T210313'))?.status;
      const since = fake.calls.length;
      await post(
        events,
        sign(
          eventEnvelope({
            type: 'message',
            channel_type: 'im',
            channel: dm,
            user: NURIA,
            text: 'T210313 done I think\nT211248 stalled? or blocked',
            ts: `${Number(ts) + 7}`,
            thread_ts: ts,
          }),
          'application/json',
        ),
      );
      const question = await fake.waitFor(
        'chat.postMessage',
        (call) => call.body.thread_ts === ts && blocksText(call).includes('okr_proposal_record'),
        { since },
      );
      expect(blocksText(question)).toContain('sounds unsure');
      expect(blocksText(question)).toContain('Stalled or Blocked?');
      // Nothing is recorded until the manager says so.
      expect((await statusOf('T210313'))?.status).toBe(before);
      const [unsure, twoStatuses] = (question.body.blocks as { block_id?: string }[])
        .flatMap((block) => (block.block_id?.startsWith('proposal:') ? [block.block_id] : []))
        .map((block) => block.slice('proposal:'.length));
      const where = { channel: dm, ts: String(question.answer?.ts), threadTs: ts };
      const click = (action: string, value: string | undefined, user = NURIA) =>
        blockAction(user, { type: 'button', action_id: action, value }, where);

      // Someone else's click decides nothing.
      const refused = await fake.next(
        'chat.postMessage',
        () => send(click('okr_proposal_record', unsure, GILLES)),
        answerPost,
      );
      expect(blocksText(refused)).toContain('Only the person who wrote the reply');
      expect((await statusOf('T210313'))?.status).toBe(before);

      const recorded = await fake.next(
        'chat.postMessage',
        () => send(click('okr_proposal_record', unsure)),
        answerPost,
      );
      expect(recorded.body.thread_ts).toBe(ts);
      expect(blocksText(recorded)).toContain('✓ T210313');
      expect((await statusOf('T210313'))?.status).toBe('done');
      // A second click (or another instance receiving the same one) records nothing more.
      const again = await fake.next(
        'chat.postMessage',
        () => send(click('okr_proposal_record', unsure)),
        answerPost,
      );
      expect(blocksText(again)).toContain('Already recorded');
      const skipped = await fake.next(
        'chat.postMessage',
        () => send(click('okr_proposal_skip', twoStatuses)),
        answerPost,
      );
      expect(blocksText(skipped)).toContain('is not recorded');
      const entries = await rows<{ n: number }>(
        sql`select count(*)::int as n from status_entries e join goals g on g.id = e.goal_id
            where 'T210313' = any(g.task_ids) and e.status = 'done'`,
      );
      expect(entries[0]?.n).toBe(1);
      expect((await statusOf('T211248'))?.status).not.toBe('stalled');
    });
  });

  it('publishes the App Home with the person’s teams, what they owe and update buttons', async () => {
    const since = fake.calls.length;
    await post(
      events,
      sign(
        eventEnvelope({ type: 'app_home_opened', user: NURIA, tab: 'home', channel: `D${NURIA}` }),
        'application/json',
      ),
    );
    const published = await fake.waitFor('views.publish', undefined, { since });
    expect(published?.body.user_id).toBe(NURIA);
    const view = JSON.stringify(published?.body.view);
    expect(view).toContain('What you owe');
    expect(view).toContain('*Analytics* (manager)');
    expect(view).toMatch(/\*Your monthly updates\* since March 2019: \d+ of \d+ answered\./);
    expect(view).toContain('okr_open_update');
  });

  it('records a key result value and status from its form, for its KR manager only', async () => {
    const birgit = await bot.services.people.findByHandle('birgit-muller');
    await bot.services.admin.linkIdentity(birgit?.id as number, 'slack', 'U0BIRGIT', {
      personId: null,
      at: new Date(),
      source: 'slack',
    });
    const kr = (
      await rows<{ id: number }>(
        sql`select kr.id from key_results kr join objectives o on o.id = kr.objective_id where o.code = 'TCB' and kr.code = 'KR2'`,
      )
    )[0];
    const submit = async (user: string, id: string) => {
      const click = blockAction(user, {
        type: 'button',
        action_id: 'okr_open_key_result',
        block_id: 'kr',
        value: String(kr?.id),
      });
      const view = formOf(await fake.next('views.open', () => send(click)));
      expect(view.callback_id).toBe('okr_key_result');
      const submission = viewSubmission(user, {
        id,
        callbackId: 'okr_key_result',
        metadata: view.private_metadata,
        values: {
          status: { status: { selected_option: { value: 'in_progress' } } },
          value: { value: { type: 'number_input', value: '2101' } },
          note: { note: { value: 'survey counted' } },
        },
      });
      const answer = await fake.next('chat.postMessage', () => send(submission), answerPost);
      expect(answer.body.channel).toBe(user);
      return blocksText(answer);
    };
    expect(await submit(NURIA, 'V0KR1')).toContain('✗ Only Birgit Müller');
    const answer = await submit('U0BIRGIT', 'V0KR2');
    expect(answer).toContain('✓ TCB-KR2: 2101 tool maintainers on 2019-08-28');
    expect(answer).toContain('✓ TCB-KR2: In progress');
    const [value] = await rows<{ value: number; note: string }>(
      sql`select value, note from metric_values where key_result_id = ${kr?.id} order by id desc limit 1`,
    );
    expect(value).toEqual({ value: 2101, note: 'survey counted' });
  });

  it('neutralises mentions, broadcasts and disguised links from user text in posted blocks', async () => {
    const hostile = '<!channel> ping <@U0BOSS> see <https://evil.example|okr dashboard> @here';
    const { answer } = await command(
      `set T210313 stalled ${hostile.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`,
    );
    expect(blocksText(answer)).toContain('Stalled');
    const { answer: shown } = await command('status T210313 public');
    const text = blocksText(shown);
    expect(text).not.toMatch(/<!channel>|<@U0BOSS>|<https:\/\/evil\.example\|/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toMatch(/@here/);
    expect(text).toContain('@\u2060here');
  });

  /** Someone in the quarter files without a Slack account yet, given an email. */
  const unlinkedWithEmail = async (email: string) => {
    const [person] = await rows<{ handle: string }>(
      sql`update people set email = ${email} where id = (
            select p.id from people p where p.email is null
              and not exists (select 1 from identities i where i.person_id = p.id)
            order by p.id limit 1)
          returning handle`,
    );
    return person?.handle as string;
  };

  it('links a new workspace member by email as they join (team_join)', async () => {
    const handle = await unlinkedWithEmail('newcomer@example.org');
    await post(
      events,
      sign(
        eventEnvelope({
          type: 'team_join',
          user: {
            id: 'U0NEWCOMER',
            tz: 'Europe/Berlin',
            profile: { email: 'Newcomer@example.org' },
          },
        }),
        'application/json',
      ),
    );
    await expect
      .poll(async () => (await bot.services.people.findByIdentity('slack', 'U0NEWCOMER'))?.handle)
      .toBe(handle);
    expect((await bot.services.people.findByHandle(handle))?.timeZone).toBe('Europe/Berlin');
  });

  it('looks a user up again soon after users.info failed in passing, not ten minutes later', async () => {
    const handle = await unlinkedWithEmail('late@example.org');
    fake.users.push({ id: 'U0LATE', email: 'late@example.org' });
    fake.fail('users.info', { status: 500 }, { when: (call) => call.body.user === 'U0LATE' });
    const first = await command('whoami', 'U0LATE');
    expect(blocksText(first.answer)).not.toContain(handle);
    // The next command a few seconds on finds them (waited for, not slept through).
    await expect
      .poll(async () => blocksText((await command('whoami', 'U0LATE')).answer), {
        timeout: 30_000,
        interval: 1_000,
      })
      .toContain(handle);
  });

  it('marks a deactivated user so prompts stop, and answers 429 with its Retry-After', async () => {
    await post(
      events,
      sign(
        eventEnvelope({
          type: 'user_change',
          user: { id: GILLES, deleted: true, tz: 'America/New_York' },
        }),
        'application/json',
      ),
    );
    await expect
      .poll(async () => (await bot.services.people.findByHandle('gilles-dubuc'))?.deactivatedAt)
      .not.toBeNull();

    fake.fail(
      'chat.postMessage',
      { status: 429, retryAfter: 7 },
      { when: (call) => call.body.channel === 'C0DIGEST' },
    );
    const outcome = await slack.deliver({
      key: 'digest:test',
      to: { kind: 'channel', channel: 'C0DIGEST' },
      content: {
        type: 'document',
        reply: { tone: 'info', blocks: [{ kind: 'paragraph', content: ['hello'] }] },
      },
    });
    expect(outcome).toEqual({
      ok: false,
      retry: 'later',
      error: 'rate limited by Slack',
      retryAfterMs: 7000,
      // Nothing was posted: the outbox may post again without checking first.
      unsent: true,
    });
    fake.fail(
      'chat.postMessage',
      { error: 'channel_not_found' },
      { when: (call) => call.body.channel === 'C0GONE' },
    );
    expect(
      await slack.deliver({
        key: 'digest:test2',
        to: { kind: 'channel', channel: 'C0GONE' },
        content: {
          type: 'document',
          reply: { tone: 'info', blocks: [{ kind: 'paragraph', content: ['hello'] }] },
        },
      }),
    ).toEqual({ ok: false, retry: 'never', error: 'channel_not_found', unsent: true });
  });

  it('links an unknown user by the email of their Slack profile on first use', async () => {
    fake.users.push({ id: 'U0MARK', email: 'mark@example.org', tz: 'Europe/Amsterdam' });
    await rows(sql`update people set email = 'mark@example.org' where handle = 'mark-bergsma'`);
    const { answer } = await command('whoami', 'U0MARK');
    expect(blocksText(answer)).toContain('Mark Bergsma');
    expect((await bot.services.people.findByIdentity('slack', 'U0MARK'))?.handle).toBe(
      'mark-bergsma',
    );
    expect((await bot.services.people.findByHandle('mark-bergsma'))?.timeZone).toBe(
      'Europe/Amsterdam',
    );
  });

  it('asks to try again when Slack says the form trigger expired', async () => {
    fake.fail('views.open', { error: 'expired_trigger_id' });
    const { answer } = await command('update analytics');
    expect(blocksText(answer)).toContain('Slack closed the window for opening the form');
  });

  it('answers with ephemeral messages when the response_url fails', async () => {
    fake.fail('respond:broken', { status: 500 });
    const since = fake.calls.length;
    await post(
      events,
      sign(
        slashCommand('status analytics', {
          user: NURIA,
          channel: 'C0TEAM',
          responseUrl: fake.responseUrl('broken'),
        }),
        FORM,
      ),
    );
    const fallback = await fake.waitFor('chat.postEphemeral', undefined, { since });
    expect(fallback?.body).toMatchObject({ channel: 'C0TEAM', user: NURIA });
    expect(blocksText(fallback)).toContain('Analytics — FY2019-20 Q1');
  });

  it('runs commands sent in its DM, and reads a non-command there as the answer to an open prompt', async () => {
    const prompt = await analyticsPrompt('2019-10');
    await bot.services.prompts.delivered(prompt.id, 'slack', `D${NURIA}`, '1700000099.000100');
    const since = fake.calls.length;
    await post(
      events,
      sign(
        eventEnvelope({
          type: 'message',
          channel_type: 'im',
          channel: `D${NURIA}`,
          user: NURIA,
          text: 'goals analytics',
          ts: '1700000100.000001',
        }),
        'application/json',
      ),
    );
    const listing = await fake.waitFor('chat.postMessage', answerPost, { since });
    expect(listing?.body.channel).toBe(`D${NURIA}`);
    expect(blocksText(listing)).toContain('Analytics goals — FY2019-20 Q1');
    const afterListing = fake.calls.length;
    await post(
      events,
      sign(
        eventEnvelope({
          type: 'message',
          channel_type: 'im',
          channel: `D${NURIA}`,
          user: NURIA,
          text: 'note: answered from the DM',
          ts: '1700000100.000002',
        }),
        'application/json',
      ),
    );
    const echo = await fake.waitFor('chat.postMessage', answerPost, { since: afterListing });
    expect(echo?.body.thread_ts).toBe('1700000099.000100');
    expect(blocksText(echo)).toContain('✓ Note added to the Analytics report');
    expect((await bot.services.prompts.get(prompt.id))?.answeredAt).not.toBeNull();
  });

  it('reads a line in an earlier prompt thread of its DM as an answer to the open prompt', async () => {
    const prompt = await analyticsPrompt('2019-11');
    // A reminder went out since: the prompt now points at the reminder's message.
    await bot.services.prompts.delivered(prompt.id, 'slack', `D${NURIA}`, '1700000300.000100');
    const echo = await fake.next(
      'chat.postMessage',
      () =>
        post(
          events,
          sign(
            eventEnvelope({
              type: 'message',
              channel_type: 'im',
              channel: `D${NURIA}`,
              user: NURIA,
              text: 'note: also from an old thread',
              ts: '1700000200.000002',
              thread_ts: '1600000000.000100',
            }),
            'application/json',
          ),
        ),
      answerPost,
    );
    expect(echo.body.thread_ts).toBe('1600000000.000100');
    expect(blocksText(echo)).toContain('✓ Note added to the Analytics report');
    expect(bot.metrics.repliesRecorded.value({ transport: 'slack' })).toBeGreaterThanOrEqual(3);
  });

  it('sends a prompt to the team channel, addressed by name only, when a DM is impossible', async () => {
    const nuria = await bot.services.people.findByHandle('nuria-ruiz');
    const team = await bot.services.teams.find('analytics');
    const change = { personId: null, at: new Date(), source: 'slack' as const };
    await bot.services.admin.setChannel(team?.id as number, 'slack', 'C0ANALYTICS', change);
    const prompt = await analyticsPrompt('2019-09');
    fake.fail(
      'conversations.open',
      { error: 'user_disabled' },
      { when: (call) => call.body.users === NURIA },
    );
    const outcome = await slack.deliver({
      key: `prompt:fallback:${prompt.id}`,
      to: { kind: 'person', personId: nuria?.id as number },
      content: { type: 'prompt', promptId: prompt.id, reminder: 1 },
    });
    expect(outcome).toMatchObject({
      ok: true,
      conversation: 'C0ANALYTICS',
      note: 'sent to the team channel: Slack answered user_disabled',
    });
    const posted = fake
      .callsOf('chat.postMessage', (call) => deliveryKey(call) === `prompt:fallback:${prompt.id}`)
      .at(-1);
    expect(posted?.body.channel).toBe('C0ANALYTICS');
    expect(blocksText(posted)).toContain(
      'For Nuria Ruiz: okrbot could not send this as a direct message',
    );
    expect(blocksText(posted)).toContain('Reminder: Analytics');
    expect(blocksText(posted)).not.toMatch(/<@|<!/);
    expect((await bot.services.prompts.get(prompt.id))?.conversationId).toBe('C0ANALYTICS');
  });

  // Last: every message and view the tests above made okrbot send.
  it('sent only valid Block Kit: known block types, within limits, ids unique', () => {
    const { checked, problems } = blockKitReport(fake.calls);
    expect(checked).toBeGreaterThan(40);
    expect(problems).toEqual([]);
  });
});

describe('Slack in Socket Mode', () => {
  let fake: FakeSlack;
  let bot: Bot;
  let frontends: Frontends;

  beforeAll(async () => {
    fake = await startFakeSlack();
    const config = loadConfig({
      OKRBOT_DATA_DIR: 'memory://',
      OKRBOT_NOW: '2019-08-28T12:00:00Z',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_APP_TOKEN: 'xapp-test-token',
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      OKRBOT_WEB_ACCESS: 'public',
      OKRBOT_SCHEDULER: 'off',
    });
    bot = await createBot(config, pino({ level: 'silent' }));
    frontends = await startFrontends(bot);
  });

  afterAll(async () => {
    await frontends?.stop();
    await bot?.stop();
    await fake?.close();
  });

  it('needs no public URL: commands arrive over the socket and are answered', async () => {
    // The HTTP server still serves the dashboard and /healthz, but takes no Slack requests
    // (only the dashboard's GET pages answer under /).
    const events = await fetch(`${frontends.http?.url}/slack/events`, { method: 'POST' });
    expect(events.status).toBe(405);
    await expect.poll(() => frontends.adapters[0]?.health().connected).toBe(true);
    expect(frontends.adapters[0]?.health().detail).toContain('Socket Mode');
    expect(fake.callsOf('apps.connections.open')[0]?.headers.authorization).toBe(
      'Bearer xapp-test-token',
    );
    const ack = await fake.sendEnvelope({
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        command: '/okr',
        text: 'status performance',
        user_id: 'U0ANYONE',
        channel_id: 'C0GENERAL',
        team_id: 'T0OKR',
        trigger_id: triggerId(),
        response_url: fake.responseUrl('socket'),
      },
    });
    expect(ack).toEqual({});
    const answer = await fake.waitFor('respond:socket');
    expect(JSON.stringify(answer?.body.blocks)).toContain('Performance — FY2019-20 Q1');
  });
});
