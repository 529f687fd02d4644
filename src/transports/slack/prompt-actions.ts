import { randomBytes } from 'node:crypto';
import type { App, BlockButtonAction, BlockStaticSelectAction } from '@slack/bolt';
import { inboundKey } from '../../domain/keys.ts';
import type { Status } from '../../domain/status.ts';
import { promptContent, recordAnswer } from '../../features/prompt-content.ts';
import { authorityOf, setGoalStatus } from '../../features/updates.ts';
import { errorReply, type Line, list, type Reply } from '../../reply/document.ts';
import { openKeyResultForm, openNoteForm, openUpdateForm } from './forms.ts';
import { ACTION, type FormOrigin, goalIdOfBlock, promptBlocks } from './interactive-blocks.ts';
import { toMessages } from './render-blocks.ts';
import { slackErrorCode } from './slack-api.ts';
import type { SlackContext } from './slack-context.ts';

// The buttons and menus of prompts and the App Home. Each acknowledges at once, then works;
// a status picked in a prompt is recorded, confirmed in the prompt's thread and shown in the
// prompt itself; a button opens a form.

/** Where an interaction happened: a message (and its thread), or the App Home. */
function originOf(body: BlockButtonAction | BlockStaticSelectAction): FormOrigin {
  const message = body.message as { ts?: string; thread_ts?: string } | undefined;
  const channel = body.channel?.id;
  if (!channel || !message?.ts) return {};
  return { channel, threadTs: message.thread_ts ?? message.ts };
}

/** The prompt message an interaction came from, if any. */
async function promptOf(slack: SlackContext, origin: FormOrigin) {
  if (!origin.channel || !origin.threadTs) return undefined;
  return slack.deps.prompts.byMessage('slack', origin.channel, origin.threadTs);
}

async function tell(slack: SlackContext, origin: FormOrigin, userId: string, answer: Reply) {
  if (origin.channel && origin.threadTs) await slack.post(origin.channel, answer, origin.threadTs);
  else await slack.post(userId, answer);
}

/** Runs an interaction's work; an unexpected failure is logged and the user told its id. */
async function guarded(
  slack: SlackContext,
  what: string,
  origin: FormOrigin,
  userId: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    const errorId = randomBytes(4).toString('hex');
    slack.logger.error(
      { err: error, errorId, what, slack_error: slackErrorCode(error) },
      'Slack interaction failed',
    );
    await tell(
      slack,
      origin,
      userId,
      errorReply(`Sorry, that failed unexpectedly (error id ${errorId}). Please try again.`),
    ).catch(() => {});
  }
}

export function registerPromptActions(app: App, slack: SlackContext): void {
  app.action<BlockStaticSelectAction>(ACTION.goalStatus, async ({ ack, body, action }) => {
    await ack();
    if (!(await slack.firstTime(inboundKey.trigger(body.trigger_id)))) return;
    const origin = originOf(body);
    await guarded(slack, 'status menu', origin, body.user.id, async () => {
      const goalId = goalIdOfBlock(action.block_id);
      const status = action.selected_option.value as Status;
      const { ctx } = await slack.as(body.user.id);
      const goal = goalId === undefined ? undefined : await slack.deps.goals.byId(goalId, ctx.now);
      if (!goal) {
        await tell(slack, origin, body.user.id, errorReply('That goal no longer exists.'));
        return;
      }
      const outcome = await setGoalStatus(
        goal,
        status,
        undefined,
        ctx,
        slack.deps,
        await authorityOf(ctx, slack.deps),
      );
      const who = ctx.actor.person?.name ?? ctx.actor.label;
      await tell(slack, origin, body.user.id, {
        tone: outcome.ok ? 'info' : 'error',
        blocks: [
          list([{ content: [outcome.ok ? '✓ ' : '✗ ', ...outcome.line, ` — ${who}`] as Line }]),
        ],
      });
      const prompt = await promptOf(slack, origin);
      if (!outcome.ok || !prompt) return;
      await recordAnswer(prompt.id, ctx, slack.deps);
      // Show the new status in the prompt itself when it is one message (longer ones keep
      // the menus' own display).
      const content = await promptContent(prompt, ctx, slack.deps);
      const [message, ...more] = content ? toMessages(promptBlocks(content, 0)) : [];
      if (message && more.length === 0 && origin.channel && prompt.messageId)
        await slack.client.chat.update({
          channel: origin.channel,
          ts: prompt.messageId,
          text: message.text,
          blocks: message.blocks,
        });
    });
  });

  app.action<BlockButtonAction>(ACTION.addNote, async ({ ack, body, action }) => {
    await ack();
    const origin = originOf(body);
    await guarded(slack, 'note button', origin, body.user.id, async () => {
      const { ctx } = await slack.as(body.user.id);
      const prompt = await promptOf(slack, origin);
      const problem = await openNoteForm(slack, ctx, Number(action.value), body.trigger_id, {
        ...origin,
        ...(prompt ? { promptId: prompt.id } : {}),
      });
      if (problem) await tell(slack, origin, body.user.id, problem);
    });
  });

  app.action<BlockButtonAction>(ACTION.openUpdate, async ({ ack, body, action }) => {
    await ack();
    const origin = originOf(body);
    await guarded(slack, 'update button', origin, body.user.id, async () => {
      const { ctx } = await slack.as(body.user.id);
      const team = await slack.deps.teams.byId(Number(action.value));
      if (!team) {
        await tell(slack, origin, body.user.id, errorReply('That team no longer exists.'));
        return;
      }
      const prompt = await promptOf(slack, origin);
      const problem = await openUpdateForm(slack, ctx, team, body.trigger_id, {
        ...origin,
        ...(prompt ? { promptId: prompt.id } : {}),
      });
      if (problem) await tell(slack, origin, body.user.id, problem);
    });
  });

  app.action<BlockButtonAction>(ACTION.openKeyResult, async ({ ack, body, action }) => {
    await ack();
    const origin = originOf(body);
    await guarded(slack, 'key result button', origin, body.user.id, async () => {
      const { ctx } = await slack.as(body.user.id);
      const problem = await openKeyResultForm(
        slack,
        ctx,
        Number(action.value),
        body.trigger_id,
        origin,
      );
      if (problem) await tell(slack, origin, body.user.id, problem);
    });
  });
}
