import type { CommandContext, Exchange } from '../core/command.ts';
import type { Authority } from '../domain/permissions.ts';
import { goalRef } from '../domain/refs.ts';
import { type ParsedLine, parseReply } from '../domain/reply-parser.ts';
import { formatStatus, type Status } from '../domain/status.ts';
import {
  code,
  errorReply,
  type Line,
  list,
  paragraph,
  type Reply,
  reply,
} from '../reply/document.ts';
import type { GoalRow } from '../store/goals.ts';
import type { TeamRow } from '../store/teams.ts';
import { describeUndo } from './undo.ts';
import {
  addTeamNote,
  type Outcome,
  recordMetric,
  resolveTarget,
  setGoalStatus,
  setKeyResultStatus,
  type UpdateDeps,
} from './updates.ts';

/** What a reply to a prompt is about: a team and the goals the prompt listed, numbered from 1. */
export interface ReplySession {
  team: TeamRow;
  goals: GoalRow[];
  authority: Authority;
  /** Goals given a status earlier in this reply. */
  changed: Set<number>;
}

const UNDER_WAY: ReadonlySet<Status> = new Set(['to_do', 'in_progress', 'blocked', 'stalled']);

const DONE = /^(?:done|end|finish(?:ed)?|that'?s all|bye|\.)$/i;
const CANCEL = /^(?:cancel|abort|stop)$/i;

/**
 * Applies every line of a free-text reply and answers with one line per input line: what was
 * recorded (✓) and what was not understood or not allowed (✗), so nothing is guessed silently.
 */
export async function applyReply(
  text: string,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<Reply> {
  const outcomes: Outcome[] = [];
  for (const parsed of parseReply(text)) outcomes.push(await applyLine(parsed, session, ctx, deps));
  const items = outcomes.map((o) => ({ content: [o.ok ? '✓ ' : '✗ ', ...o.line] as Line }));
  return { tone: outcomes.some((o) => o.ok) ? 'info' : 'error', blocks: [list(items)] };
}

async function applyLine(
  { line, item }: ParsedLine,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<Outcome> {
  const quoted = line.length > 60 ? `${line.slice(0, 59)}…` : line;
  switch (item.kind) {
    case 'unknown':
      return { ok: false, line: [`"${quoted}": ${item.reason}`] };
    case 'note':
      return addTeamNote(session.team, item.text, ctx, deps, session.authority);
    case 'all': {
      // "All on track" speaks of the goals still under way: a settled status (Done, Partially
      // done, Postponed, Not done, Cancelled) or one given earlier in this reply is kept.
      const open = session.goals.filter(
        (g) =>
          (g.status === null || UNDER_WAY.has(g.status)) &&
          g.status !== item.status &&
          !session.changed.has(g.id),
      );
      if (open.length === 0)
        return {
          ok: true,
          line: [
            `No goal under way needs a change to ${formatStatus(item.status)}; nothing recorded.`,
          ],
        };
      const results = [];
      for (const goal of open)
        results.push(await applyToGoal(goal, item.status, item.note, session, ctx, deps));
      const refused = results.find((r) => !r.ok);
      if (refused) return refused;
      return {
        ok: true,
        line: [
          `${formatStatus(item.status)}${item.note ? ` (note: ${item.note})` : ''}: ${open.map(goalRef).join(', ')}`,
        ],
      };
    }
    case 'status':
    case 'metric': {
      const resolved = await resolveTarget(
        item.target,
        session.goals,
        ctx,
        deps,
        session.authority,
      );
      if ('error' in resolved) return { ok: false, line: [`"${quoted}": ${resolved.error}`] };
      if (item.kind === 'metric') {
        if (!('keyResult' in resolved))
          return { ok: false, line: [`"${quoted}": values are recorded for key results only`] };
        return recordMetric(
          resolved.keyResult,
          item.value,
          item.percent,
          item.note,
          ctx,
          deps,
          session.authority,
        );
      }
      if ('keyResult' in resolved)
        return setKeyResultStatus(
          resolved.keyResult,
          item.status,
          item.note,
          ctx,
          deps,
          session.authority,
        );
      return applyToGoal(resolved.goal, item.status, item.note, session, ctx, deps);
    }
  }
}

async function applyToGoal(
  goal: GoalRow,
  status: GoalRow['status'] & {},
  note: string | undefined,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<Outcome> {
  const outcome = await setGoalStatus(goal, status, note, ctx, deps, session.authority);
  // Later lines of the same exchange see the new status ("from → to" stays right).
  if (outcome.ok)
    for (const listed of session.goals) if (listed.id === goal.id) listed.status = status;
  return outcome;
}

/**
 * A guided update (the `update` command, a prompt answered in chat): every line is a reply,
 * recorded by `answer`, until `done`; `undo` and `help` work inside.
 */
export function createReplyExchange(
  team: { name: string },
  answer: (text: string, ctx: CommandContext) => Promise<Reply>,
  deps: Pick<UpdateDeps, 'changes'>,
): Exchange {
  let recorded = 0;
  return {
    async handle(text, ctx) {
      if (DONE.test(text) || CANCEL.test(text)) {
        return {
          done: true,
          reply: reply(
            paragraph(
              `Update of ${team.name} finished: ${recorded} ${recorded === 1 ? 'change' : 'changes'} recorded. `,
              code('undo'),
              ' still reverts your last change for 10 minutes.',
            ),
          ),
        };
      }
      if (/^undo$/i.test(text)) {
        const undone = await describeUndo(ctx, deps);
        if (undone.tone === 'info') recorded = Math.max(0, recorded - 1);
        return { done: false, reply: undone };
      }
      if (/^(?:help|\?)$/i.test(text)) return { done: false, reply: updateHelp() };
      const answered = await answer(text, ctx);
      recorded += answered.blocks
        .flatMap((b) => (b.kind === 'list' ? b.items : []))
        .filter((i) => i.content[0] === '✓ ').length;
      return {
        done: false,
        reply: answered.blocks.length ? answered : errorReply('Nothing to read in that line.'),
      };
    },
  };
}

export function updateHelp(): Reply {
  return reply(
    paragraph('One line per change, for example:'),
    list(
      [
        '2 done',
        'T223626 postponed: licensing',
        'KR2 68%',
        'mediarequests API in progress, waiting on hardware',
        'all on track',
        'note: waiting on hardware',
      ].map((example) => ({
        content: [code(example)],
      })),
    ),
    paragraph(code('undo'), ' reverts your last change; ', code('done'), ' ends the update.'),
  );
}
