import { randomBytes } from 'node:crypto';
import type { App, RespondFn } from '@slack/bolt';
import type { CommandRegistry } from '../../core/command.ts';
import { inboundKey } from '../../domain/keys.ts';
import { teamToUpdate } from '../../features/team-update.ts';
import { errorReply, type Reply } from '../../reply/document.ts';
import { diskFullText, isDiskFull } from '../../runtime/disk-full.ts';
import { openUpdateForm } from './forms.ts';
import { renderSlack } from './render-blocks.ts';
import { slackErrorCode } from './slack-api.ts';
import type { SlackContext } from './slack-context.ts';
import { commandFromSlack } from './slack-text.ts';

// `/okr <subcommand>`: the whole chat grammar. Slack wants an answer within 3 seconds and does
// not retry, so the command is acknowledged first, before any database work, and answered
// through its response_url; a failure after the acknowledgement still reaches the user there.

// A response_url takes at most 5 answers.
const MAX_RESPONSES = 5;

/**
 * `status analytics public` → shown to the channel; otherwise only to the asker. Only answers
 * of read-only commands can be shared (in `note x public`, "public" is part of the note).
 */
export function readVisibility(
  text: string,
  registry: CommandRegistry,
): { line: string; shared: boolean } {
  const words = text.split(/\s+/);
  const shared =
    words.length > 1 &&
    words.at(-1)?.toLowerCase() === 'public' &&
    registry.find(words[0] ?? '')?.readOnly === true;
  return { line: shared ? words.slice(0, -1).join(' ') : text, shared };
}

/**
 * Answers through the response_url (at most 5 messages); when that fails, as ephemeral
 * messages in the channel, so the user is never left without an answer.
 */
async function answer(
  slack: SlackContext,
  respond: RespondFn,
  where: { channel: string; user: string },
  reply: Reply,
  shared: boolean,
): Promise<void> {
  const messages = renderSlack(reply);
  const sent = messages.slice(0, MAX_RESPONSES);
  if (messages.length > MAX_RESPONSES) {
    sent[MAX_RESPONSES - 1] = {
      text: 'The answer is too long for Slack; ask for less (a team rather than a department).',
      blocks: [],
    };
  }
  try {
    for (const message of sent)
      await respond({
        response_type: shared ? 'in_channel' : 'ephemeral',
        replace_original: false,
        text: message.text,
        ...(message.blocks.length ? { blocks: message.blocks } : {}),
      });
  } catch (error) {
    slack.logger.warn({ err: error }, 'response_url failed; answering with an ephemeral message');
    for (const message of sent)
      await slack.client.chat.postEphemeral({
        ...where,
        text: message.text,
        ...(message.blocks.length ? { blocks: message.blocks } : {}),
      });
  }
}

/** `/okr update [team]` opens the form; other subcommands go to the dispatcher. */
async function updateForm(
  slack: SlackContext,
  text: string,
  triggerId: string,
  responseUrl: string,
  userId: string,
): Promise<Reply | undefined> {
  const { ctx } = await slack.as(userId);
  const found = await teamToUpdate(text, ctx, slack.deps, '/okr update <team>');
  if ('reply' in found) return found.reply;
  return openUpdateForm(slack, ctx, found.team, triggerId, { responseUrl });
}

export function registerSlashCommand(app: App, slack: SlackContext): void {
  app.command('/okr', async ({ command, ack, respond }) => {
    const { line, shared } = readVisibility(
      commandFromSlack(command.text, slack.deps.registry),
      slack.deps.registry,
    );
    // A read asked again while nothing changed is answered from memory, in the
    // acknowledgement itself, without the database; everything else is acknowledged at once
    // and answered through the response_url.
    const known = slack.identity.known(command.user_id);
    const kept = known && slack.context.dispatch.cached(line || 'help', known);
    const [message, ...more] = kept ? renderSlack(kept) : [];
    if (message && more.length === 0) {
      await ack({
        response_type: shared ? 'in_channel' : 'ephemeral',
        text: message.text,
        blocks: message.blocks,
      });
      return;
    }
    await ack();
    const started = performance.now();
    const where = { channel: command.channel_id, user: command.user_id };
    try {
      // A replayed request (same trigger) is acknowledged and does nothing.
      if (!(await slack.firstTime(inboundKey.trigger(command.trigger_id)))) {
        slack.logger.debug(
          { trigger: command.trigger_id },
          'Slack command already handled; ignored',
        );
        return;
      }
      const [name = '', ...rest] = line.split(/\s+/);
      let reply: Reply | undefined;
      if (name.toLowerCase() === 'update')
        reply = await updateForm(
          slack,
          rest.join(' '),
          command.trigger_id,
          command.response_url,
          command.user_id,
        );
      else {
        const actor = await slack.identity.actor(command.user_id);
        // Every `/okr` line names a command: never an answer to an open conversation.
        reply = await slack.context.dispatch(line || 'help', actor, { commandsOnly: true });
        // An account just linked takes its time zone from the Slack profile.
        if (slack.deps.registry.find(name)?.takesChatIds) await slack.identity.readProfiles();
      }
      if (reply && reply.blocks.length > 0) await answer(slack, respond, where, reply, shared);
      slack.logger.debug(
        { command: name, ms: Math.round(performance.now() - started) },
        '/okr answered',
      );
    } catch (error) {
      const errorId = randomBytes(4).toString('hex');
      slack.logger.error(
        { err: error, errorId, slack_error: slackErrorCode(error) },
        '/okr failed',
      );
      const sorry = errorReply(
        isDiskFull(error)
          ? diskFullText(errorId)
          : `Sorry, that failed unexpectedly (error id ${errorId}). The error is logged; please try again or report the id.`,
      );
      await answer(slack, respond, where, sorry, false).catch((err) =>
        slack.logger.warn({ err }, 'could not tell the user about the failure'),
      );
    }
  });
}
