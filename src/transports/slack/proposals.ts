import type { App, BlockButtonAction } from '@slack/bolt';
import { inboundKey } from '../../domain/keys.ts';
import { excerpt } from '../../domain/text.ts';
import { promptContent, promptSession, recordAnswer } from '../../features/prompt-content.ts';
import { confirmProposals, type Pending, type ReplyResult } from '../../features/reply-exchange.ts';
import { authorityOf } from '../../features/updates.ts';
import { errorReply, paragraph, reply } from '../../reply/document.ts';
import type { PromptRow } from '../../store/prompts.ts';
import { openKeyResultForm, openNoteForm, openUpdateForm } from './forms.ts';
import { ACTION } from './interactive-blocks.ts';
import { lineMrkdwn, type SlackBlock } from './render-blocks.ts';
import { withRateLimit } from './slack-api.ts';
import type { SlackContext } from './slack-context.ts';
import { truncate } from './slack-text.ts';

// A reply okrbot was not sure of gets, in its thread, one question per uncertain line with
// Record (what okrbot read), Change (the form, to say it exactly) and Skip. The proposal is kept
// in the database: any instance may receive the click, and it is decided once.

/** Posts the proposals of an answer to a prompt with their buttons, in the prompt's thread. */
export async function askAboutProposals(
  slack: SlackContext,
  prompt: PromptRow,
  personId: number,
  result: ReplyResult,
  channel: string,
  threadTs: string,
): Promise<void> {
  if (result.proposals.length === 0) return;
  const ids = await slack.deps.proposals.add(
    result.proposals.map((p) => ({
      promptId: prompt.id,
      teamId: prompt.teamId,
      personId,
      reading: p.pending,
      line: p.line,
      doubt: lineMrkdwn(p.question),
    })),
  );
  const blocks: SlackBlock[] = result.proposals.flatMap((p, i) => {
    const id = String(ids[i]);
    return [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: truncate(`:grey_question: ${lineMrkdwn(p.question)}`, 3000) },
      },
      {
        type: 'actions',
        block_id: `proposal:${id}`,
        elements: [
          {
            type: 'button',
            action_id: ACTION.proposalRecord,
            text: { type: 'plain_text', text: 'Record' },
            style: 'primary',
            value: id,
          },
          {
            type: 'button',
            action_id: ACTION.proposalChange,
            text: { type: 'plain_text', text: 'Change' },
            value: id,
          },
          {
            type: 'button',
            action_id: ACTION.proposalSkip,
            text: { type: 'plain_text', text: 'Skip' },
            value: id,
          },
        ],
      },
    ];
  });
  // Slack allows 50 blocks a message: two per proposal, a reply has at most 100 lines.
  for (let start = 0; start < blocks.length; start += 50)
    await withRateLimit(() =>
      slack.client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: `okrbot is not sure of ${result.proposals.length === 1 ? 'one line' : `${result.proposals.length} lines`}: record, change or skip.`,
        blocks: blocks.slice(start, start + 50),
      }),
    );
}

function threadOf(
  body: BlockButtonAction,
): { channel: string; ts: string; threadTs: string } | undefined {
  const message = body.message as { ts?: string; thread_ts?: string } | undefined;
  const channel = body.channel?.id;
  if (!channel || !message?.ts) return undefined;
  return { channel, ts: message.ts, threadTs: message.thread_ts ?? message.ts };
}

export function registerProposalActions(app: App, slack: SlackContext): void {
  const decide = async (body: BlockButtonAction, id: number, decision: 'recorded' | 'skipped') => {
    const where = threadOf(body);
    const { actor, ctx } = await slack.as(body.user.id);
    const tell = async (text: string, tone: 'info' | 'error' = 'info') => {
      const answer = tone === 'error' ? errorReply(text) : reply(paragraph(text));
      if (where) await slack.post(where.channel, answer, where.threadTs);
      else await slack.post(body.user.id, answer);
    };
    if (!actor.person) return tell('Only the person who wrote the reply may decide this.', 'error');
    const proposal = await slack.deps.proposals.decide(id, actor.person.id, decision, ctx.now);
    if (!proposal) {
      const known = await slack.deps.proposals.byId(id);
      return tell(
        known?.decision
          ? `Already ${known.decision === 'recorded' ? 'recorded' : 'skipped'}: "${excerpt(known.line, 60)}".`
          : 'Only the person who wrote the reply may decide this.',
      );
    }
    if (decision === 'skipped')
      return tell(`Skipped: "${excerpt(proposal.line, 60)}" is not recorded.`);
    const prompt =
      proposal.promptId === null ? undefined : await slack.deps.prompts.get(proposal.promptId);
    const content = prompt ? await promptContent(prompt, ctx, slack.deps) : undefined;
    if (!prompt || !content)
      return tell('That prompt is about a team that no longer exists.', 'error');
    const session = promptSession(content);
    session.authority = await authorityOf(ctx, slack.deps);
    try {
      const result = await confirmProposals(
        [proposal.reading as Pending],
        session,
        ctx,
        slack.deps,
      );
      if (result.recorded > 0) await recordAnswer(prompt.id, ctx, slack.deps);
      else await slack.deps.proposals.reopen(id);
      if (where) await slack.post(where.channel, result.reply, where.threadTs);
    } catch (error) {
      // Nothing was recorded: the button works again.
      await slack.deps.proposals.reopen(id);
      throw error;
    }
  };

  for (const [action, decision] of [
    [ACTION.proposalRecord, 'recorded'],
    [ACTION.proposalSkip, 'skipped'],
  ] as const)
    app.action<BlockButtonAction>(action, async ({ ack, body, action: clicked }) => {
      await ack();
      if (!(await slack.firstTime(inboundKey.trigger(body.trigger_id)))) return;
      await decide(body, Number(clicked.value), decision);
    });

  // Change: the form for what the line was about, to say it exactly.
  app.action<BlockButtonAction>(ACTION.proposalChange, async ({ ack, body, action }) => {
    await ack();
    const proposal = await slack.deps.proposals.byId(Number(action.value));
    const where = threadOf(body);
    if (!proposal || proposal.decision) return;
    const { ctx } = await slack.as(body.user.id);
    const pending = proposal.reading as Pending;
    const origin = {
      ...(where ? { channel: where.channel, threadTs: where.threadTs } : {}),
      ...(proposal.promptId !== null ? { promptId: proposal.promptId } : {}),
    };
    const problem =
      pending.kind === 'status' && pending.goalIds.length === 1
        ? await openNoteForm(slack, ctx, pending.goalIds[0] as number, body.trigger_id, origin)
        : pending.kind === 'metric' || pending.kind === 'kr-status'
          ? await openKeyResultForm(slack, ctx, pending.keyResultId, body.trigger_id, origin)
          : await (async () => {
              const team = await slack.deps.teams.byId(proposal.teamId);
              return team
                ? openUpdateForm(slack, ctx, team, body.trigger_id, { ...origin, teamId: team.id })
                : errorReply('That team no longer exists.');
            })();
    if (problem && where) await slack.post(where.channel, problem, where.threadTs);
  });
}
