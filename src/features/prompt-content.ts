import type { CommandContext, Services } from '../core/command.ts';
import { monthName } from '../domain/fiscal-calendar.ts';
import { NO_AUTHORITY } from '../domain/permissions.ts';
import { code, heading, list, paragraph, type Reply, reply } from '../reply/document.ts';
import type { GoalRow } from '../store/goals.ts';
import type { PersonRow } from '../store/people.ts';
import type { PromptRow } from '../store/prompts.ts';
import type { TeamRow } from '../store/teams.ts';
import { numberGoals } from './goal-tree.ts';
import { fallbackNote, teamQuarter } from './lookups.ts';
import { applyReply, type ReplyResult, type ReplySession } from './reply-exchange.ts';
import { authorityOf, type UpdateDeps } from './updates.ts';

// The monthly prompt, whatever carries it: the team's goals numbered as the manager sees them,
// and how to answer. A transport may add buttons and forms around the same content, or send it
// as lines. Replies to it, from a thread or a private message, go through answerPrompt.

export type PromptDeps = UpdateDeps & Pick<Services, 'prompts' | 'cycles' | 'metrics'>;

export interface PromptContent {
  prompt: PromptRow;
  team: TeamRow;
  recipient: PersonRow;
  /** Set when the prompt went to a delegate for an away manager. */
  onBehalfOf: PersonRow | undefined;
  cycleLabel: string;
  /** In the order and numbering shown, sub-items included. */
  goals: GoalRow[];
  /** The prompt as a document, for transports without richer controls. */
  reply: Reply;
}

/** What a prompt shows; undefined when its team or person is gone. `reminder` counts from 1. */
export async function promptContent(
  prompt: PromptRow,
  ctx: Pick<CommandContext, 'now' | 'fiscal'>,
  deps: PromptDeps,
  reminder = 0,
): Promise<PromptContent | undefined> {
  const [team, recipient, onBehalfOf] = await Promise.all([
    deps.teams.byId(prompt.teamId),
    deps.people.byId(prompt.personId),
    prompt.onBehalfOfId === null ? undefined : deps.people.byId(prompt.onBehalfOfId),
  ]);
  if (!team || !recipient) return undefined;
  const quarter = await teamQuarter(team, ctx, deps);
  const { numbered, items } = numberGoals(quarter?.goals ?? []);
  const month = monthName(prompt.month);
  const note = quarter ? fallbackNote(quarter) : undefined;
  const blocks = [
    heading(`${reminder > 0 ? 'Reminder: ' : ''}${team.name} — monthly update for ${month}`),
    paragraph(
      `Hi ${recipient.name}, how are ${team.name}'s goals${quarter ? ` for ${quarter.cycleLabel}` : ''} going?`,
      onBehalfOf ? ` You get this because ${onBehalfOf.name} is away.` : '',
    ),
    ...(note ? [paragraph(note)] : []),
    ...(items.length ? [list(items)] : [paragraph(`${team.name} has no goals this quarter.`)]),
    paragraph(
      'Answer with one line per change, e.g. ',
      code('2 done'),
      ', ',
      code('T223626 postponed: licensing'),
      ', ',
      code('KR2 68%'),
      ', ',
      code('all on track'),
      ' or ',
      code('note: waiting on hardware'),
      '. Each line is echoed back with what was recorded.',
    ),
  ];
  return {
    prompt,
    team,
    recipient,
    onBehalfOf,
    cycleLabel: quarter?.cycleLabel ?? '',
    goals: numbered,
    reply: reply(...blocks),
  };
}

/**
 * Applies a free-text answer to a prompt as the actor in `ctx` (who may or may not be the
 * recipient: permissions decide), and marks the prompt answered once something was recorded.
 * A conversation passes its session, so proposals wait there for a yes.
 */
export async function answerPrompt(
  content: PromptContent,
  text: string,
  ctx: CommandContext,
  deps: PromptDeps,
  session: ReplySession = promptSession(content),
  /** An edited reply: its statuses replace the ones its first reading recorded. */
  edited = false,
): Promise<ReplyResult> {
  session.authority = await authorityOf(ctx, deps);
  const answer = await applyReply(text, session, ctx, deps, { correcting: edited });
  if (answer.recorded > 0) await recordAnswer(content.prompt.id, ctx, deps);
  return answer;
}

/** A fresh session for answers to a prompt (the authority is filled in per answer). */
export function promptSession(content: PromptContent): ReplySession {
  return { team: content.team, goals: content.goals, authority: NO_AUTHORITY, pending: [] };
}

/** A prompt got an answer that recorded something: it is answered, and /metrics counts it. */
export async function recordAnswer(
  promptId: number,
  ctx: CommandContext,
  deps: Pick<Services, 'prompts' | 'metrics'>,
): Promise<void> {
  await deps.prompts.answered(promptId, ctx.now);
  deps.metrics.repliesRecorded.inc({ transport: ctx.actor.transport });
}
