import { randomBytes } from 'node:crypto';
import type { App } from '@slack/bolt';
import { inboundKey } from '../../domain/keys.ts';
import { answerPrompt, promptContent } from '../../features/prompt-content.ts';
import { errorReply, paragraph, type Reply } from '../../reply/document.ts';
import { diskFullText, isDiskFull } from '../../runtime/disk-full.ts';
import type { PromptRow } from '../../store/prompts.ts';
import { DELIVERY_EVENT } from './deliver.ts';
import type { HomePublisher } from './home-publisher.ts';
import { askAboutProposals } from './proposals.ts';
import { slackErrorCode } from './slack-api.ts';
import type { SlackContext } from './slack-context.ts';
import type { SlackUser } from './slack-identity.ts';
import { commandFromSlack, fromSlackText } from './slack-text.ts';

// Events API: messages to the bot (commands in its DM, answers in a prompt's thread), the App
// Home, and profile changes. Slack redelivers an event it thinks was lost, so each event id is
// handled once, by whichever instance stores it first.

interface MessageEvent {
  type: 'message';
  subtype?: string;
  /** okrbot's own deliveries carry their outbox key here (see deliver.ts). */
  metadata?: { event_type?: string; event_payload?: { key?: unknown } };
  /** message_changed: the message as edited, and as it was. */
  message?: { user?: string; text?: string; ts: string; thread_ts?: string; bot_id?: string };
  previous_message?: { text?: string };
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
}

/**
 * Answers a prompt with a free-text reply in its thread: the echo says what was recorded, and
 * what okrbot was not sure of comes with Record / Change / Skip buttons. An edited reply is
 * read again, its statuses replacing what the first reading recorded.
 */
/**
 * Answers someone in a conversation: in a shared one (a channel's thread), a refusal or error
 * is shown to them alone; everything else to all, in the thread.
 */
async function answerThere(
  slack: SlackContext,
  where: { channel: string; user: string; threadTs: string; shared: boolean },
  reply: Reply,
): Promise<void> {
  if (where.shared && reply.tone === 'error')
    await slack.postEphemeral(where.channel, where.user, reply, where.threadTs);
  else await slack.post(where.channel, reply, where.threadTs);
}

async function answerInThread(
  slack: SlackContext,
  prompt: PromptRow,
  text: string,
  userId: string,
  channel: string,
  threadTs: string,
  edited = false,
  shared = false,
): Promise<void> {
  const { actor, ctx } = await slack.as(userId);
  const content = await promptContent(prompt, ctx, slack.deps);
  const where = { channel, user: userId, threadTs, shared };
  if (!content) {
    await answerThere(
      slack,
      where,
      errorReply('That prompt is about a team that no longer exists.'),
    );
    return;
  }
  const result = await answerPrompt(content, text, ctx, slack.deps, undefined, edited);
  const shown: Reply = edited
    ? {
        ...result.reply,
        blocks: [paragraph('You edited your reply; read again:'), ...result.reply.blocks],
      }
    : result.reply;
  await answerThere(slack, where, shown);
  if (actor.person)
    await askAboutProposals(slack, prompt, actor.person.id, result, channel, threadTs);
}

/**
 * okrbot's own message with a delivery key, seen in an event: the outbox keeps its id, so a
 * retry after a lost response knows it left even where the history cannot be read.
 */
async function sawDelivery(slack: SlackContext, key: unknown, ts: string): Promise<void> {
  if (typeof key !== 'string' || !ts) return;
  if (await slack.deps.outbox.sawDelivered(key, ts))
    slack.logger.info({ key, ts }, 'saw a delivery okrbot had not recorded as sent');
}

async function onMessage(
  slack: SlackContext,
  event: MessageEvent,
  botId: string | undefined,
): Promise<void> {
  if (event.subtype === 'message_changed') return onEdit(slack, event);
  if (botId && event.bot_id === botId && event.metadata?.event_type === DELIVERY_EVENT)
    return sawDelivery(slack, event.metadata.event_payload?.key, event.ts);
  // Joins, bot messages (our own too) are not someone talking to okrbot.
  if (event.subtype || event.bot_id || !event.user) return;
  const text = fromSlackText(event.text ?? '');
  if (!text) return;
  const inThread = event.thread_ts && event.thread_ts !== event.ts ? event.thread_ts : undefined;
  if (inThread) {
    const prompt = await slack.deps.prompts.byMessage('slack', event.channel, inThread);
    if (prompt) {
      await answerInThread(
        slack,
        prompt,
        text,
        event.user,
        event.channel,
        inThread,
        false,
        event.channel_type !== 'im',
      );
      return;
    }
  }
  // In channels okrbot listens only through /okr and prompt threads; its DM is a chat like the
  // shell, threads included (an earlier prompt's thread, after a reminder replaced it).
  if (event.channel_type !== 'im') return;
  const actor = await slack.identity.actor(event.user);
  const line = commandFromSlack(event.text ?? '', slack.deps.registry);
  const { reply, prompt } = await slack.context.answer(line, actor);
  // An account just linked takes its time zone from the Slack profile.
  if (slack.deps.registry.find(line.split(/\s+/)[0] ?? '')?.takesChatIds)
    await slack.identity.readProfiles();
  // An answer to a prompt goes to its thread, when the prompt is in this conversation.
  const promptThread =
    prompt?.conversationId === event.channel ? (prompt.messageId ?? undefined) : undefined;
  if (reply) await slack.post(event.channel, reply, inThread ?? promptThread);
}

/** An edited reply in a prompt's thread is read again, and the change shown. */
async function onEdit(slack: SlackContext, event: MessageEvent): Promise<void> {
  const edited = event.message;
  if (!edited?.user || edited.bot_id || !edited.thread_ts || edited.thread_ts === edited.ts) return;
  const text = fromSlackText(edited.text ?? '');
  if (!text || text === fromSlackText(event.previous_message?.text ?? '')) return;
  const prompt = await slack.deps.prompts.byMessage('slack', event.channel, edited.thread_ts);
  if (prompt)
    await answerInThread(
      slack,
      prompt,
      text,
      edited.user,
      event.channel,
      edited.thread_ts,
      true,
      event.channel_type !== 'im',
    );
}

export function registerEvents(app: App, slack: SlackContext, home: HomePublisher): void {
  // Events are acknowledged by Bolt before any listener runs; this drops redeliveries.
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await slack.firstTime(inboundKey.event(eventId)))) {
      slack.logger.debug({ eventId }, 'Slack event already handled; ignored');
      return;
    }
    await next();
  });

  app.event('message', async ({ event, context }) => {
    const message = event as unknown as MessageEvent;
    try {
      await onMessage(slack, message, context.botId);
    } catch (error) {
      const errorId = randomBytes(4).toString('hex');
      slack.logger.error(
        { err: error, errorId, slack_error: slackErrorCode(error) },
        'Slack message failed',
      );
      await slack
        .post(
          message.channel,
          errorReply(
            isDiskFull(error)
              ? diskFullText(errorId)
              : `Sorry, that failed unexpectedly (error id ${errorId}); nothing after the failure was recorded. Please try again.`,
          ),
          message.thread_ts,
        )
        .catch(() => {});
    }
  });

  // `@okrbot status analytics` in a channel: answered in the mention's thread, refusals to the
  // asker alone.
  app.event('app_mention', async ({ event, context }) => {
    if (!event.user || event.bot_id) return;
    // In a prompt's thread the message itself is the answer (the message listener reads it).
    if (
      event.thread_ts &&
      (await slack.deps.prompts.byMessage('slack', event.channel, event.thread_ts))
    )
      return;
    const mention = context.botUserId
      ? new RegExp(`<@${context.botUserId}(\\|[^>]*)?>`, 'g')
      : /^$/;
    const line = commandFromSlack(event.text.replace(mention, ' ').trim(), slack.deps.registry);
    const where = {
      channel: event.channel,
      user: event.user,
      threadTs: event.thread_ts ?? event.ts,
      shared: true,
    };
    try {
      const actor = await slack.identity.actor(event.user);
      const reply = await slack.context.dispatch(line || 'help', actor, { commandsOnly: true });
      if (reply?.blocks.length) await answerThere(slack, where, reply);
    } catch (error) {
      const errorId = randomBytes(4).toString('hex');
      slack.logger.error({ err: error, errorId }, 'Slack mention failed');
      await answerThere(
        slack,
        where,
        errorReply(`Sorry, that failed unexpectedly (error id ${errorId}). Please try again.`),
      ).catch(() => {});
    }
  });

  app.event('app_home_opened', async ({ event }) => {
    if (event.tab === 'home') await home.opened(event.user);
  });

  // Slack's own notice that a message with metadata was posted (metadata.message:read), for
  // conversations whose messages okrbot does not receive.
  app.event('message_metadata_posted', async ({ event, body }) => {
    const posted = event as unknown as {
      app_id?: string;
      event_type?: string;
      event_payload?: { key?: unknown };
      message_ts?: string;
    };
    if (posted.app_id !== body.api_app_id || posted.event_type !== DELIVERY_EVENT) return;
    await sawDelivery(slack, posted.event_payload?.key, posted.message_ts ?? '');
  });

  app.event('user_change', async ({ event }) => {
    await slack.identity.userChanged(event.user as unknown as SlackUser);
  });

  // Someone new in the workspace whose email the quarter files give is linked as they arrive.
  app.event('team_join', async ({ event }) => {
    await slack.identity.userChanged(event.user as unknown as SlackUser);
  });
}
