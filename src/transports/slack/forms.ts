import { createHash, randomBytes } from 'node:crypto';
import type { App, types } from '@slack/bolt';
import type { CommandContext } from '../../core/command.ts';
import { dayIn } from '../../domain/fiscal-calendar.ts';
import { inboundKey } from '../../domain/keys.ts';
import { recordAnswer } from '../../features/prompt-content.ts';
import { prepareTeamUpdate } from '../../features/team-update.ts';
import {
  addTeamNote,
  authorityOf,
  MAX_NOTE,
  type Outcome,
  recordMetric,
  setGoalStatus,
  setKeyResultStatus,
} from '../../features/updates.ts';
import { errorReply, type Line, list, paragraph, type Reply, reply } from '../../reply/document.ts';
import type { TeamRow } from '../../store/teams.ts';
import {
  type FormOrigin,
  type FormValues,
  keyResultForm,
  noteForm,
  readForm,
  readOrigin,
  type StateValues,
  updateForm,
  VIEW,
} from './interactive-blocks.ts';
import { renderSlack } from './render-blocks.ts';
import { slackErrorCode } from './slack-api.ts';
import type { SlackContext } from './slack-context.ts';

// The forms (modals): a team's update, a goal's note, a key result's status and value. A form
// opens from a trigger that lives three seconds, so opening does one quick lookup and nothing
// else; what a submitted form records is confirmed where it came from: the prompt's thread, the
// slash command's response_url, or a direct message.

/**
 * Opens a form. A trigger is good for 3 seconds and once: when Slack says it expired, the user
 * is asked to click again rather than told of a failure.
 */
async function openView(
  slack: SlackContext,
  triggerId: string,
  view: types.ModalView,
): Promise<Reply | undefined> {
  try {
    await slack.client.views.open({ trigger_id: triggerId, view });
    return undefined;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'expired_trigger_id' || code === 'exchanged_trigger_id')
      return errorReply(
        'Slack closed the window for opening the form before okrbot could; please click (or type the command) again.',
      );
    throw error;
  }
}

/** Opens a team's update form; an error reply when the user may not. */
export async function openUpdateForm(
  slack: SlackContext,
  ctx: CommandContext,
  team: TeamRow,
  triggerId: string,
  origin: FormOrigin,
): Promise<Reply | undefined> {
  const update = await prepareTeamUpdate(team, ctx, slack.deps);
  if ('reply' in update) return update.reply;
  const form = updateForm(team.name, update.quarter?.cycleLabel ?? '', update.numbered, {
    ...origin,
    teamId: team.id,
  });
  return openView(slack, triggerId, form);
}

export async function openNoteForm(
  slack: SlackContext,
  ctx: CommandContext,
  goalId: number,
  triggerId: string,
  origin: FormOrigin,
): Promise<Reply | undefined> {
  const goal = await slack.deps.goals.byId(goalId, ctx.now);
  if (!goal) return errorReply('That goal no longer exists.');
  return openView(slack, triggerId, noteForm(goal, { ...origin, teamId: goal.teamId, goalId }));
}

export async function openKeyResultForm(
  slack: SlackContext,
  ctx: CommandContext,
  keyResultId: number,
  triggerId: string,
  origin: FormOrigin,
): Promise<Reply | undefined> {
  const kr = await slack.deps.keyResults.byId(keyResultId);
  if (!kr) return errorReply('That key result no longer exists.');
  const [latest] = (await slack.deps.keyResults.history(kr.id, ctx.now)).slice(-1);
  return openView(
    slack,
    triggerId,
    keyResultForm(kr, latest?.status ?? null, { ...origin, keyResultId }),
  );
}

/** One line per change, ✓ recorded or ✗ refused, like answers in a thread. */
function outcomesReply(title: string, outcomes: Outcome[]): Reply {
  if (outcomes.length === 0) return reply(paragraph(`${title}: nothing changed.`));
  const items = outcomes.map((o) => ({ content: [o.ok ? '✓ ' : '✗ ', ...o.line] as Line }));
  return {
    tone: outcomes.some((o) => o.ok) ? 'info' : 'error',
    blocks: [paragraph(`${title}:`), list(items)],
  };
}

/** Shows what a form recorded where the form came from. */
async function confirm(
  slack: SlackContext,
  origin: FormOrigin,
  userId: string,
  answer: Reply,
): Promise<void> {
  if (origin.channel && origin.threadTs) {
    await slack.post(origin.channel, answer, origin.threadTs);
    return;
  }
  if (origin.responseUrl) {
    for (const message of renderSlack(answer).slice(0, 5)) {
      const response = await fetch(origin.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message }),
      });
      if (!response.ok) throw new Error(`response_url answered ${response.status}`);
    }
    return;
  }
  // A direct message: the bot's DM with the user, opened by posting to the user id.
  await slack.post(userId, answer);
}

async function submitUpdate(
  slack: SlackContext,
  ctx: CommandContext,
  origin: FormOrigin,
  form: FormValues,
): Promise<{ reply: Reply; recorded: boolean }> {
  const { deps } = slack;
  const team = origin.teamId === undefined ? undefined : await deps.teams.byId(origin.teamId);
  if (!team) return { reply: errorReply('That team no longer exists.'), recorded: false };
  const update = await prepareTeamUpdate(team, ctx, deps);
  if ('reply' in update) return { reply: update.reply, recorded: false };
  const { authority } = update;
  const outcomes: Outcome[] = [];
  for (const goal of update.numbered) {
    const status = form.statuses.get(String(goal.id));
    const note = form.notes.get(String(goal.id));
    if (!note && (status === undefined || status === goal.status)) continue;
    outcomes.push(
      await setGoalStatus(goal, status ?? goal.status ?? 'in_progress', note, ctx, deps, authority),
    );
  }
  const report = form.notes.get('report');
  if (report) outcomes.push(await addTeamNote(team, report, ctx, deps, authority));
  return {
    reply: outcomesReply(
      `Update of ${team.name} by ${ctx.actor.person?.name ?? ctx.actor.label}`,
      outcomes,
    ),
    recorded: outcomes.some((o) => o.ok),
  };
}

async function submitNote(
  slack: SlackContext,
  ctx: CommandContext,
  origin: FormOrigin,
  form: FormValues,
): Promise<{ reply: Reply; recorded: boolean }> {
  const { deps } = slack;
  const goal =
    origin.goalId === undefined ? undefined : await deps.goals.byId(origin.goalId, ctx.now);
  if (!goal) return { reply: errorReply('That goal no longer exists.'), recorded: false };
  const status = form.statuses.get('status') ?? goal.status ?? 'in_progress';
  const outcome = await setGoalStatus(
    goal,
    status,
    form.notes.get('note'),
    ctx,
    deps,
    await authorityOf(ctx, deps),
  );
  return {
    reply: outcomesReply(`Note by ${ctx.actor.person?.name ?? ctx.actor.label}`, [outcome]),
    recorded: outcome.ok,
  };
}

async function submitKeyResult(
  slack: SlackContext,
  ctx: CommandContext,
  origin: FormOrigin,
  form: FormValues,
): Promise<{ reply: Reply; recorded: boolean }> {
  const { deps } = slack;
  const kr =
    origin.keyResultId === undefined ? undefined : await deps.keyResults.byId(origin.keyResultId);
  if (!kr) return { reply: errorReply('That key result no longer exists.'), recorded: false };
  const authority = await authorityOf(ctx, deps);
  const note = form.notes.get('note');
  const status = form.statuses.get('status');
  const outcomes: Outcome[] = [];
  if (form.value !== undefined) {
    const value = Number(form.value);
    outcomes.push(
      Number.isFinite(value)
        ? await recordMetric(kr, value, false, note, ctx, deps, authority)
        : { ok: false, line: [`"${form.value}" is not a number; nothing was recorded.`] },
    );
  }
  if (status)
    outcomes.push(
      await setKeyResultStatus(
        kr,
        status,
        form.value === undefined ? note : undefined,
        ctx,
        deps,
        authority,
      ),
    );
  return {
    reply: outcomesReply(
      `${kr.objectiveCode}-${kr.code} by ${ctx.actor.person?.name ?? ctx.actor.label}`,
      outcomes,
    ),
    recorded: outcomes.some((o) => o.ok),
  };
}

/** What a form answers: its prompt, else its subject on the day (a form sent twice that day). */
function submissionScope(origin: FormOrigin, day: string): string {
  if (origin.promptId !== undefined) return `prompt-${origin.promptId}`;
  const subject =
    origin.keyResultId !== undefined
      ? `kr-${origin.keyResultId}`
      : origin.goalId !== undefined
        ? `goal-${origin.goalId}`
        : `team-${origin.teamId}`;
  return `${subject}:${day}`;
}

/** A form's content, whatever order Slack lists its fields in. */
function formDigest(form: FormValues): string {
  const sorted = (values: ReadonlyMap<string, string>) =>
    [...values].sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([sorted(form.statuses), sorted(form.notes), form.value ?? null]))
    .digest('hex')
    .slice(0, 32);
}

const SUBMIT = {
  [VIEW.update]: submitUpdate,
  [VIEW.note]: submitNote,
  [VIEW.keyResult]: submitKeyResult,
} as const;

export function registerForms(app: App, slack: SlackContext): void {
  for (const [callbackId, submit] of Object.entries(SUBMIT)) {
    app.view(callbackId, async ({ ack, body, view }) => {
      const form = readForm(view.state.values as StateValues);
      // Slack enforces the length too; a crafted payload gets the same answer, in the form.
      const long = [...form.notes].find(([, note]) => note.length > MAX_NOTE);
      if (long) {
        await ack({
          response_action: 'errors',
          errors: {
            [/^\d+$/.test(long[0]) ? `note:${long[0]}` : long[0]]:
              `At most ${MAX_NOTE} characters.`,
          },
        });
        return;
      }
      await ack();
      const origin = readOrigin(view.private_metadata);
      if (!origin) return;
      if (!(await slack.firstTime(inboundKey.view(view.id, view.hash)))) {
        slack.logger.debug({ view: view.id }, 'Slack form already handled; ignored');
        return;
      }
      const { ctx } = await slack.as(body.user.id);
      const same = inboundKey.formContent(
        callbackId,
        submissionScope(origin, dayIn(ctx.now, ctx.timeZone)),
        body.user.id,
        formDigest(form),
      );
      if (!(await slack.deps.inboundEvents.claim('slack', same))) {
        await confirm(
          slack,
          origin,
          body.user.id,
          reply(paragraph('That was saved already, exactly as submitted: nothing recorded twice.')),
        ).catch(() => {});
        return;
      }
      let answer: Reply;
      try {
        const submitted = await submit(slack, ctx, origin, form);
        answer = submitted.reply;
        if (submitted.recorded && origin.promptId !== undefined)
          await recordAnswer(origin.promptId, ctx, slack.deps);
      } catch (error) {
        // Not saved: the same content may be sent again.
        await slack.deps.inboundEvents.release('slack', same).catch(() => {});
        const errorId = randomBytes(4).toString('hex');
        slack.logger.error(
          { err: error, errorId, form: callbackId, error_code: slackErrorCode(error) },
          'form submission failed',
        );
        await confirm(
          slack,
          origin,
          body.user.id,
          errorReply(
            `Sorry, saving the form failed unexpectedly (error id ${errorId}); nothing after the failure was recorded. Please try again.`,
          ),
        ).catch(() => {});
        return;
      }
      try {
        await confirm(slack, origin, body.user.id, answer);
      } catch (error) {
        // Saved: the user must not be invited to submit again. A direct message says so.
        slack.logger.warn(
          { err: error, form: callbackId, error_code: slackErrorCode(error) },
          'form saved, but its confirmation could not be posted',
        );
        await slack
          .post(
            body.user.id,
            reply(
              paragraph('Saved; the confirmation could not be shown where you submitted it:'),
              ...answer.blocks,
            ),
          )
          .catch((err) =>
            slack.logger.warn({ err }, 'the saved form could not be confirmed by DM either'),
          );
      }
    });
  }
}
