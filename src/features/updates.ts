import type { Actor, CommandContext, Services } from '../core/command.ts';
import { dayIn } from '../domain/fiscal-calendar.ts';
import {
  type Authority,
  mayChangeKeyResult,
  mayChangeTeam,
  NO_AUTHORITY,
} from '../domain/permissions.ts';
import { goalRef, type Ref } from '../domain/refs.ts';
import type { ReplyTarget } from '../domain/reply-parser.ts';
import { formatStatus, type Status } from '../domain/status.ts';
import { excerpt } from '../domain/text.ts';
import { matchTitle } from '../domain/title-match.ts';
import { code, commandCode, type Line } from '../reply/document.ts';
import { formatNumber } from '../reply/format.ts';
import type { Change } from '../store/changes.ts';
import type { GoalRow } from '../store/goals.ts';
import type { KeyResultRow } from '../store/key-results.ts';

// The write side of the chat grammar: find what a user points at, check they may change it,
// record the change, and describe what happened in one line. `set`, `metric`, `note`, the
// guided `update` and free-text replies all go through here.

export type UpdateDeps = Pick<Services, 'goals' | 'keyResults' | 'people' | 'changes' | 'teams'>;

/** One line of what a change did, or why it did not happen. */
export interface Outcome {
  ok: boolean;
  line: Line;
}

/** Longest note accepted from chat; longer text is refused with this number, not cut. */
export const MAX_NOTE = 2000;

export async function authorityOf(ctx: CommandContext, deps: UpdateDeps): Promise<Authority> {
  if (ctx.actor.person) return deps.people.authority(ctx.actor.person.id, ctx.actor.isAdmin);
  return ctx.actor.isAdmin ? { ...NO_AUTHORITY, isAdmin: true } : NO_AUTHORITY;
}

export function changeOf(ctx: CommandContext): Change {
  return { personId: ctx.actor.person?.id ?? null, at: ctx.now, source: ctx.actor.transport };
}

/** Why an actor without a person may not change anything, and what to do about it. */
export function unlinkedReason(actor: Actor): Line {
  if (actor.deactivated)
    return [
      'Your chat account is deactivated, so you can read but not change anything. An admin can link another account with ',
      commandCode('person link'),
      '.',
    ];
  if (actor.anonymous)
    return [
      'You are not identified with NickServ, so you can read but not change anything. Identify first (',
      code('/msg NickServ IDENTIFY <account> <password>'),
      ', or SASL in your client), then try again.',
    ];
  return [
    'Your chat account is not linked to a person, so you can read but not change anything. An admin can link it with ',
    commandCode('person link'),
    '.',
  ];
}

function unlinked(ctx: CommandContext): Outcome | undefined {
  if (ctx.actor.person || ctx.actor.isAdmin) return undefined;
  return { ok: false, line: unlinkedReason(ctx.actor) };
}

function noteTooLong(note: string | undefined): Outcome | undefined {
  if (!note || note.length <= MAX_NOTE) return undefined;
  return {
    ok: false,
    line: [
      `The note is ${note.length} characters long; notes are limited to ${MAX_NOTE}. Nothing was recorded.`,
    ],
  };
}

function refused(what: string, deciders: string[], role: string): Outcome {
  const who = deciders.length
    ? `${deciders.join(', ')} (${role}) or an admin`
    : `an admin (there is no ${role} yet)`;
  return { ok: false, line: [`Only ${who} may change ${what}.`] };
}

/** Why the actor may not change a key result (or write this note), if they may not. */
async function keyResultRefusal(
  kr: KeyResultRow,
  note: string | undefined,
  ctx: CommandContext,
  deps: UpdateDeps,
  authority: Authority,
): Promise<Outcome | undefined> {
  const problem = unlinked(ctx) ?? noteTooLong(note);
  if (problem) return problem;
  if (mayChangeKeyResult(authority, kr.id)) return undefined;
  return refused(
    `${kr.objectiveCode}-${kr.code}`,
    await deps.people.keyResultDeciders(kr.id),
    'its KR and objective managers',
  );
}

/** Why the actor may not change a team's goals or notes (or write this text), if they may not. */
export async function teamRefusal(
  team: { id: number; parentId: number | null; name: string },
  what: string,
  text: string | undefined,
  ctx: CommandContext,
  deps: UpdateDeps,
  authority: Authority,
): Promise<Outcome | undefined> {
  const problem = unlinked(ctx) ?? noteTooLong(text);
  if (problem) return problem;
  if (mayChangeTeam(authority, team)) return undefined;
  return refused(
    what,
    await deps.people.teamDeciders(team),
    `managers and delegates of ${team.name}`,
  );
}

/** `T211248 Continue moving events…` */
export function describeGoal(goal: GoalRow): string {
  const title = goal.title.length > 60 ? `${goal.title.slice(0, 59)}…` : goal.title;
  return `${goalRef(goal)} ${title}`;
}

export async function setGoalStatus(
  goal: GoalRow,
  status: Status,
  note: string | undefined,
  ctx: CommandContext,
  deps: UpdateDeps,
  authority: Authority,
): Promise<Outcome> {
  const team = { id: goal.teamId, parentId: goal.teamParentId, name: goal.teamName };
  const refusal = await teamRefusal(
    team,
    `${goalRef(goal)} (${goal.teamName})`,
    note,
    ctx,
    deps,
    authority,
  );
  if (refusal) return refusal;
  await deps.changes.recordStatus({ goalId: goal.id }, status, note, changeOf(ctx));
  // The same status again is still a check-in: it dates the status and carries the note.
  const change =
    goal.status === status
      ? `still ${formatStatus(status)}`
      : `${goal.status ? `${formatStatus(goal.status)} → ` : ''}${formatStatus(status)}`;
  return { ok: true, line: [`${describeGoal(goal)}: ${change}${note ? ` (note: ${note})` : ''}`] };
}

/** "correction: 3 in progress": the goal's status as the actor meant it, replacing their slip. */
export async function correctGoalStatus(
  goal: GoalRow,
  status: Status,
  note: string | undefined,
  ctx: CommandContext,
  deps: UpdateDeps,
  authority: Authority,
): Promise<Outcome> {
  const team = { id: goal.teamId, parentId: goal.teamParentId, name: goal.teamName };
  const refusal = await teamRefusal(
    team,
    `${goalRef(goal)} (${goal.teamName})`,
    note,
    ctx,
    deps,
    authority,
  );
  if (refusal) return refusal;
  const replaced = await deps.changes.correctStatus(
    { goalId: goal.id },
    status,
    note,
    changeOf(ctx),
  );
  return {
    ok: true,
    line: [
      `${describeGoal(goal)}: ${formatStatus(status)}${note ? ` (note: ${note})` : ''}, ${replaced ? 'replacing your last status' : 'recorded (there was no earlier status of yours to replace)'}`,
    ],
  };
}

export async function setKeyResultStatus(
  kr: KeyResultRow,
  status: Status,
  note: string | undefined,
  ctx: CommandContext,
  deps: UpdateDeps,
  authority: Authority,
): Promise<Outcome> {
  const refusal = await keyResultRefusal(kr, note, ctx, deps, authority);
  if (refusal) return refusal;
  const name = `${kr.objectiveCode}-${kr.code}`;
  await deps.changes.recordStatus({ keyResultId: kr.id }, status, note, changeOf(ctx));
  return { ok: true, line: [`${name}: ${formatStatus(status)}${note ? ` (note: ${note})` : ''}`] };
}

export async function recordMetric(
  kr: KeyResultRow,
  value: number,
  percent: boolean,
  note: string | undefined,
  ctx: CommandContext,
  deps: UpdateDeps,
  authority: Authority,
): Promise<Outcome> {
  const refusal = await keyResultRefusal(kr, note, ctx, deps, authority);
  if (refusal) return refusal;
  const name = `${kr.objectiveCode}-${kr.code}`;
  if (percent && kr.unit && !/%|percent/i.test(kr.unit)) {
    return {
      ok: false,
      line: [
        `${name} is measured in ${kr.unit}, not %: give the value in ${kr.unit}. Nothing was recorded.`,
      ],
    };
  }
  // "2067 maintainers" names the unit, it is not a note.
  if (note && kr.unit?.toLowerCase().includes(note.toLowerCase())) note = undefined;
  await deps.changes.recordMetric(kr.id, value, note, changeOf(ctx));
  const unit = percent ? '%' : kr.unit ? ` ${kr.unit}` : '';
  const target =
    kr.target === null ? '' : ` (target ${formatNumber(kr.target)}${kr.unit ? ` ${kr.unit}` : ''})`;
  return {
    ok: true,
    line: [
      `${name}: ${value}${unit} on ${dayIn(ctx.now, ctx.timeZone)}${target}${note ? ` (note: ${note})` : ''}`,
    ],
  };
}

export async function addTeamNote(
  team: { id: number; parentId: number | null; name: string; timeZone: string },
  text: string,
  ctx: CommandContext,
  deps: UpdateDeps,
  authority: Authority,
): Promise<Outcome> {
  const refusal = await teamRefusal(team, `notes of ${team.name}`, text, ctx, deps, authority);
  if (refusal) return refusal;
  const month = dayIn(ctx.now, team.timeZone).slice(0, 7);
  await deps.changes.addNote(team.id, month, text, changeOf(ctx));
  return { ok: true, line: [`Note added to the ${team.name} report for ${month}: ${text}`] };
}

export type Resolved = { goal: GoalRow } | { keyResult: KeyResultRow } | { error: string };

/** A ref typed in a command (`set T211248 done`): a goal or key result, or why not. */
export async function resolveRef(
  ref: Ref,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<Resolved> {
  const today = dayIn(ctx.now, ctx.timeZone);
  if (ref.kind === 'key-result') {
    const kr = await deps.keyResults.find(ref.objectiveCode, ref.code, today);
    return kr ? { keyResult: kr } : { error: `No key result ${ref.objectiveCode}-${ref.code}.` };
  }
  if (ref.kind === 'goal') {
    const goal = await deps.goals.byId(ref.goalId, ctx.now);
    return goal ? { goal } : { error: `No goal G${ref.goalId}.` };
  }
  const matches = await deps.goals.byTaskId(ref.taskId, ctx.now);
  const goal = matches.find((g) => g.cycleStartsOn <= today) ?? matches.at(-1);
  return goal ? { goal } : { error: `No goal has task ${ref.taskId}.` };
}

/**
 * A target from a free-text reply, within the list of goals the prompt showed (numbered from 1),
 * falling back to the whole database for task ids, goal ids and full KR codes.
 */
export async function resolveTarget(
  target: ReplyTarget,
  list: readonly GoalRow[],
  ctx: CommandContext,
  deps: UpdateDeps,
  authority: Authority,
): Promise<Resolved> {
  switch (target.kind) {
    case 'number': {
      const goal = list[target.number - 1];
      return goal
        ? { goal }
        : {
            error:
              list.length === 0
                ? `there is no goal ${target.number}: the list is empty`
                : `there ${list.length === 1 ? 'is only 1 goal' : `are only ${list.length} goals`} in the list, so no goal ${target.number}`,
          };
    }
    case 'task': {
      const inList = list.find((goal) => goal.taskIds.includes(target.taskId));
      return inList
        ? { goal: inList }
        : resolveRef({ kind: 'task', taskId: target.taskId }, ctx, deps);
    }
    case 'goal':
      return resolveRef({ kind: 'goal', goalId: target.goalId }, ctx, deps);
    case 'key-result': {
      if (target.objectiveCode)
        return resolveRef(
          { kind: 'key-result', objectiveCode: target.objectiveCode, code: target.code },
          ctx,
          deps,
        );
      return resolveShortKeyResult(target.code, list, ctx, deps, authority);
    }
    case 'title':
      return goalByTitle(target, list);
  }
}

/** `KR2` alone: the one linked to the listed goals, else the one the person manages. */
async function resolveShortKeyResult(
  code: string,
  list: readonly GoalRow[],
  ctx: CommandContext,
  deps: UpdateDeps,
  authority: Authority,
): Promise<Resolved> {
  const candidates = await deps.keyResults.withCode(code, dayIn(ctx.now, ctx.timeZone));
  const linked = new Set(list.map((goal) => goal.keyResultCode).filter(Boolean));
  const narrowed = [
    candidates.filter((kr) => linked.has(`${kr.objectiveCode}-${kr.code}`)),
    candidates.filter((kr) => authority.keyResultIds.has(kr.id)),
  ].find((group) => group.length > 0);
  const pool = narrowed ?? candidates;
  // Of the same objective in several cycles, the newest (first) is meant.
  const byObjective = [...new Map(pool.map((kr) => [kr.objectiveCode, kr])).values()];
  if (byObjective.length === 1) return { keyResult: byObjective[0] as KeyResultRow };
  if (byObjective.length === 0) return { error: `no key result ${code}` };
  return {
    error: `${code} could be ${byObjective.map((kr) => `${kr.objectiveCode}-${kr.code}`).join(', ')}: write it in full`,
  };
}

/** The listed goal a title names (the reader may already have matched it), or why not. */
function goalByTitle(
  target: Extract<ReplyTarget, { kind: 'title' }>,
  list: readonly GoalRow[],
): Resolved {
  const index =
    target.number !== undefined
      ? target.number - 1
      : matchTitle(
          target.words,
          list.map((goal) => goal.title),
        )?.index;
  const goal = index === undefined ? undefined : list[index];
  return goal
    ? { goal }
    : { error: `no goal in the list matches "${excerpt(target.words, 40)}"; use its number` };
}
