import type { DeliveryOutcome, Destination, OutboundMessage } from '../../core/chat-adapter.ts';
import { promptContent } from '../../features/prompt-content.ts';
import { promptBlocks } from './interactive-blocks.ts';
import { renderSlack, type SlackBlock, type SlackMessage, toMessages } from './render-blocks.ts';
import { failedDelivery, slackErrorCode, withRateLimit } from './slack-api.ts';
import type { SlackContext } from './slack-context.ts';
import { escapeMrkdwn } from './slack-text.ts';

// The outbox's way into Slack: one message (a digest, a nudge, a monthly prompt) per call.
// The first post goes out without retries, so the outbox alone decides about repeating it;
// the parts of a long message follow in its thread.

// Answers that mean a direct message cannot reach the person.
const CANNOT_DM = new Set([
  'user_not_found',
  'user_disabled',
  'user_not_visible',
  'cannot_dm_bot',
  'messages_tab_disabled',
  'channel_not_found',
]);

class Undeliverable extends Error {}

async function directChannel(slack: SlackContext, personId: number): Promise<string> {
  const account = await slack.deps.people.accountOn(personId, 'slack');
  if (!account) throw new Undeliverable('the person has no linked Slack account');
  const opened = await slack.client.conversations.open({ users: account });
  if (!opened.channel?.id) throw new Error('conversations.open returned no channel');
  return opened.channel.id;
}

async function channelOf(slack: SlackContext, to: Destination): Promise<string> {
  return to.kind === 'channel' ? to.channel : directChannel(slack, to.personId);
}

// Each delivery carries its outbox key in the message's metadata, so that after a crash the
// outbox can ask whether it already left (wasDelivered) instead of sending it twice.
export const DELIVERY_EVENT = 'okrbot_delivery';
// How far back a delivery is looked for: the outbox gives up on a message after 3 days.
const LOOK_BACK_SECONDS = 3 * 86_400;
const HISTORY_PAGES = 5;

/** Posts the first message (carrying the key), then the rest in its thread; the first message's ts. */
async function postParts(
  slack: SlackContext,
  channel: string,
  messages: SlackMessage[],
  key: string,
): Promise<string> {
  const [first, ...rest] = messages;
  if (!first) throw new Undeliverable('nothing to send');
  const posted = await slack.client.chat.postMessage({
    channel,
    text: first.text,
    blocks: first.blocks,
    unfurl_links: false,
    unfurl_media: false,
    metadata: { event_type: DELIVERY_EVENT, event_payload: { key } },
  });
  const ts = posted.ts as string;
  if (rest.length) {
    // The message is out: a failing continuation is logged, not a reason to send it all again.
    await slack
      .post(channel, rest, ts)
      .catch((error) =>
        slack.logger.warn(
          { channel, error: slackErrorCode(error) },
          'a continuation of a long message failed',
        ),
      );
  }
  return ts;
}

/**
 * Where the prompt went, so replies in its thread find it. The message is out by now: a failure
 * here must not make it count as unsent (the outbox records the place too, from the outcome).
 */
async function rememberPrompt(slack: SlackContext, promptId: number, channel: string, ts: string) {
  await slack.deps.prompts
    .delivered(promptId, 'slack', channel, ts)
    .catch((err) => slack.logger.warn({ err, promptId }, 'could not record where a prompt went'));
}

async function deliverPrompt(
  slack: SlackContext,
  message: OutboundMessage,
  promptId: number,
  reminder: number,
): Promise<DeliveryOutcome> {
  const { deps, context } = slack;
  const prompt = await deps.prompts.get(promptId);
  const content =
    prompt &&
    (await promptContent(prompt, { now: context.clock(), fiscal: context.fiscal }, deps, reminder));
  if (!prompt || !content)
    return { ok: false, retry: 'never', error: `prompt ${promptId} is gone` };
  const blocks = promptBlocks(content, reminder);
  const messages = toMessages(blocks);
  let dmProblem: string;
  try {
    if (content.recipient.deactivatedAt)
      throw new Undeliverable('the Slack account is deactivated');
    const channel = await channelOf(slack, message.to);
    const ts = await postParts(slack, channel, messages, message.key);
    await rememberPrompt(slack, prompt.id, channel, ts);
    return { ok: true, messageId: ts, conversation: channel };
  } catch (error) {
    if (error instanceof Undeliverable) dmProblem = error.message;
    else if (CANNOT_DM.has(slackErrorCode(error)))
      dmProblem = `Slack answered ${slackErrorCode(error)}`;
    else return failedDelivery(error);
  }
  // No direct message possible: the team's channel, addressed to the person by name only.
  const [channel] = await deps.teams.channels(content.team.id, 'slack');
  if (!channel)
    return {
      ok: false,
      retry: 'never',
      error: `no direct message (${dmProblem}) and ${content.team.name} has no Slack channel`,
    };
  const addressed: SlackBlock = {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `For ${escapeMrkdwn(content.recipient.name)}: okrbot could not send this as a direct message, so it is here.`,
      },
    ],
  };
  try {
    const ts = await postParts(slack, channel, toMessages([addressed, ...blocks]), message.key);
    await rememberPrompt(slack, prompt.id, channel, ts);
    return {
      ok: true,
      messageId: ts,
      conversation: channel,
      note: `sent to the team channel: ${dmProblem}`,
    };
  } catch (error) {
    return failedDelivery(error);
  }
}

/** The message with this delivery key in a channel's recent history, if it is there. */
async function findDelivered(
  slack: SlackContext,
  channel: string,
  key: string,
): Promise<string | undefined> {
  const oldest = String(Math.floor(Date.now() / 1000) - LOOK_BACK_SECONDS);
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const history = await withRateLimit(() =>
      slack.client.conversations.history({
        channel,
        oldest,
        limit: 200,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      }),
    );
    const found = history.messages?.find(
      (m) =>
        m.metadata?.event_type === DELIVERY_EVENT &&
        (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key,
    );
    if (found?.ts) return found.ts;
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!history.has_more || !cursor) return undefined;
  }
  return undefined;
}

export interface SlackDelivery {
  deliver(message: OutboundMessage): Promise<DeliveryOutcome>;
  wasDelivered(
    message: OutboundMessage,
  ): Promise<{ messageId: string; conversation: string } | undefined>;
}

export function createSlackDelivery(slack: SlackContext): SlackDelivery {
  return { deliver, wasDelivered };

  /** Where the message would be: its channel or the person's DM, and a prompt's team channel. */
  async function wasDelivered(message: OutboundMessage) {
    const places = [await channelOf(slack, message.to)];
    if (message.content.type === 'prompt') {
      const prompt = await slack.deps.prompts.get(message.content.promptId);
      if (prompt) places.push(...(await slack.deps.teams.channels(prompt.teamId, 'slack')));
    }
    // A history okrbot cannot read (not_in_channel after chat:write.public, a private channel
    // without groups:history) answers nothing: unless another place has the message, the
    // outbox is told that this check could not tell.
    const unreadable: string[] = [];
    for (const channel of places) {
      try {
        const ts = await findDelivered(slack, channel, message.key);
        if (ts) return { messageId: ts, conversation: channel };
      } catch (error) {
        unreadable.push(`${channel}: ${slackErrorCode(error)}`);
      }
    }
    if (unreadable.length) throw new Error(`Slack history unreadable (${unreadable.join(', ')})`);
    return undefined;
  }

  async function deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
    const { content } = message;
    if (content.type === 'prompt')
      return deliverPrompt(slack, message, content.promptId, content.reminder);
    try {
      const channel = await channelOf(slack, message.to);
      const ts = await postParts(slack, channel, renderSlack(content.reply), message.key);
      return { ok: true, messageId: ts };
    } catch (error) {
      if (error instanceof Undeliverable)
        return { ok: false, retry: 'never', error: error.message };
      return failedDelivery(error);
    }
  }
}
