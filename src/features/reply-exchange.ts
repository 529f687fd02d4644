import type { CommandContext, Exchange } from '../core/command.ts';
import type { Authority } from '../domain/permissions.ts';
import { goalRef } from '../domain/refs.ts';
import {
  type ParsedLine,
  type ProposedReading,
  parseReply,
  type ReplyItem,
  type ReplyTarget,
  type StatusReading,
} from '../domain/reply-parser.ts';
import { formatStatus, type Status } from '../domain/status.ts';
import { excerpt } from '../domain/text.ts';
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
import type { KeyResultRow } from '../store/key-results.ts';
import type { TeamRow } from '../store/teams.ts';
import { describeUndo } from './undo.ts';
import {
  addTeamNote,
  correctGoalStatus,
  describeGoal,
  type Outcome,
  recordMetric,
  resolveTarget,
  setGoalStatus,
  setKeyResultStatus,
  type UpdateDeps,
} from './updates.ts';

// Applies the lines of a free-text reply to a prompt (or an `update`): what each line was read
// as is recorded, or proposed when the reading is uncertain, and the answer says so line by
// line: ✓ recorded, ? proposed (recorded only after a yes), ✗ not recorded, · nothing to record.

/** What a reply to a prompt is about: a team and the goals the prompt listed, numbered from 1. */
export interface ReplySession {
  team: TeamRow;
  goals: GoalRow[];
  authority: Authority;
  /** Proposals of the last reply, waiting for a yes. */
  pending: Pending[];
}

/** A proposal with what it names found, so a yes records exactly what was shown. */
export type Pending =
  | { kind: 'status'; goalIds: number[]; status: Status; note: string | undefined }
  | { kind: 'kr-status'; keyResultId: number; status: Status; note: string | undefined }
  | {
      kind: 'metric';
      keyResultId: number;
      value: number;
      percent: boolean;
      note: string | undefined;
    }
  | { kind: 'note'; text: string; goalId?: number }
  | { kind: 'all'; status: Status; note: string | undefined; line: string };

export interface ReplyResult {
  reply: Reply;
  /** Changes recorded (the closing summary counts these). */
  recorded: number;
  /** What was proposed, waiting for a yes (Slack shows buttons for them). */
  proposals: { line: string; pending: Pending; question: Line }[];
}

type LineResult = { mark: '✓' | '✗' | '·' | '?'; line: Line; recorded: number; pending?: Pending };

/** Applies every line of a reply and answers with one line per input line. */
export async function applyReply(
  text: string,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
  options: { correcting?: boolean } = {},
): Promise<ReplyResult> {
  const results: (LineResult & { text: string })[] = [];
  const context = {
    goals: session.goals.map((goal) => ({
      title: goal.title,
      status: goal.status,
      taskIds: goal.taskIds,
    })),
  };
  for (const parsed of parseReply(text, context)) {
    // An edited reply: a status it gives a goal replaces the one its first reading recorded.
    const item =
      options.correcting && parsed.item.kind === 'status' && parsed.item.targets.length === 1
        ? { kind: 'correction' as const, reading: parsed.item }
        : parsed.item;
    results.push({
      ...(await applyLine({ line: parsed.line, item }, session, ctx, deps)),
      text: parsed.line,
    });
  }
  return summarise(results);
}

function summarise(results: readonly (LineResult & { text: string })[]): ReplyResult {
  const items = results.map((r) => ({ content: [`${r.mark} `, ...r.line] as Line }));
  const proposals = results.flatMap((r) =>
    r.pending ? [{ line: r.text, pending: r.pending, question: r.line }] : [],
  );
  const recorded = results.reduce((sum, r) => sum + r.recorded, 0);
  const blocks = [list(items)];
  if (proposals.length)
    blocks.push(
      paragraph(
        'Answer ',
        code('yes'),
        ` to record ${proposals.length === 1 ? 'what okrbot proposes' : `the ${proposals.length} proposals`}, `,
        code('no'),
        ' to drop it, or write the line again as you mean it.',
      ),
    );
  const tone = results.some((r) => r.mark === '✓' || r.mark === '?' || r.mark === '·')
    ? 'info'
    : 'error';
  return { reply: { tone, blocks }, recorded, proposals };
}

const quote = (line: string) => `"${excerpt(line, 60)}"`;

async function applyLine(
  { line, item }: ParsedLine,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<LineResult> {
  switch (item.kind) {
    case 'unknown':
      return { mark: '✗', line: [`${quote(line)}: ${item.reason}`], recorded: 0 };
    case 'greeting':
      return { mark: '·', line: [`${quote(line)}: nothing to record.`], recorded: 0 };
    case 'answer':
      return {
        mark: '·',
        line: [`${quote(line)}: there is no proposal waiting for an answer here.`],
        recorded: 0,
      };
    case 'proposal': {
      const pending = await resolve(item.reading, line, session, ctx, deps);
      if ('error' in pending)
        return { mark: '✗', line: [`${quote(line)}: ${pending.error}`], recorded: 0 };
      return {
        mark: '?',
        line: [
          `${quote(line)}: reads as ${describePending(pending.pending, session)}, but ${item.doubt}`,
        ],
        recorded: 0,
        pending: pending.pending,
      };
    }
    case 'correction': {
      const resolved = await resolve(item.reading, line, session, ctx, deps);
      if ('error' in resolved)
        return { mark: '✗', line: [`${quote(line)}: ${resolved.error}`], recorded: 0 };
      const pending = resolved.pending;
      if (pending.kind !== 'status' || pending.goalIds.length !== 1)
        return record(pending, session, ctx, deps);
      const goal =
        session.goals.find((g) => g.id === pending.goalIds[0]) ??
        (await deps.goals.byId(pending.goalIds[0] as number, ctx.now));
      if (!goal)
        return { mark: '✗', line: [`${quote(line)}: that goal no longer exists`], recorded: 0 };
      const outcome = await correctGoalStatus(
        goal,
        pending.status,
        pending.note,
        ctx,
        deps,
        session.authority,
      );
      if (outcome.ok) noteStatus(session, goal.id, pending.status);
      return fromOutcome(outcome);
    }
    case 'nothing-changed':
    case 'all':
    case 'note':
    case 'status':
    case 'metric': {
      const reading: ProposedReading | { kind: 'nothing-changed'; note: string | undefined } = item;
      if (reading.kind === 'nothing-changed')
        return fromOutcome(
          await addTeamNote(session.team, line.trim(), ctx, deps, session.authority),
          'report',
        );
      const resolved = await resolve(reading, line, session, ctx, deps);
      if ('error' in resolved)
        return { mark: '✗', line: [`${quote(line)}: ${resolved.error}`], recorded: 0 };
      // A unit that contradicts the key result's makes it a question, not a record.
      if (resolved.doubt)
        return {
          mark: '?',
          line: [
            `${quote(line)}: reads as ${describePending(resolved.pending, session)}, but ${resolved.doubt}`,
          ],
          recorded: 0,
          pending: resolved.pending,
        };
      const result = await record(resolved.pending, session, ctx, deps);
      return reading.kind === 'status' && result.mark === '✓'
        ? withReadAs(result, reading)
        : result;
    }
  }
}

/** The echo says which words were read as the status, when they are not its name. */
function withReadAs(result: LineResult, reading: StatusReading): LineResult {
  const how = [
    reading.said ? `you wrote "${excerpt(reading.said, 30)}"` : undefined,
    reading.because ? `read as ${reading.because}` : undefined,
  ].filter(Boolean);
  return how.length ? { ...result, line: [...result.line, ` (${how.join('; ')})`] } : result;
}

function fromOutcome(outcome: Outcome, what?: 'report'): LineResult {
  return {
    mark: outcome.ok ? '✓' : '✗',
    line:
      outcome.ok && what === 'report'
        ? [...outcome.line, ' (the month\u2019s report counts)']
        : outcome.line,
    recorded: outcome.ok ? 1 : 0,
  };
}

type Resolution = { pending: Pending; doubt?: string } | { error: string };

/** Finds what a reading names: the listed goal by number or title, a task, a key result. */
async function resolve(
  reading: ProposedReading,
  line: string,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<Resolution> {
  switch (reading.kind) {
    case 'all':
      return {
        pending: { kind: 'all', status: reading.status, note: reading.note, line: line.trim() },
      };
    case 'note': {
      if (!reading.target) return { pending: { kind: 'note', text: reading.text } };
      const found = await resolveOne(reading.target, session, ctx, deps);
      if ('error' in found) return found;
      if (!('goal' in found))
        return { pending: { kind: 'note', text: `${found.name}: ${reading.text}` } };
      return { pending: { kind: 'note', text: reading.text, goalId: found.goal.id } };
    }
    case 'metric': {
      const found = await resolveOne(reading.target, session, ctx, deps);
      if ('error' in found) return found;
      if (!('keyResult' in found)) return { error: 'values are recorded for key results only' };
      const pending: Pending = {
        kind: 'metric',
        keyResultId: found.keyResult.id,
        value: reading.value,
        percent: reading.percent,
        note: reading.unit ? noteWithoutUnit(reading.note, reading.unit.word) : reading.note,
      };
      const doubt = unitDoubt(found.keyResult, reading.percent, reading.unit);
      return doubt ? { pending, doubt } : { pending };
    }
    case 'status': {
      const goals: GoalRow[] = [];
      for (const target of reading.targets) {
        const found = await resolveOne(target, session, ctx, deps);
        if ('error' in found) return found;
        if ('keyResult' in found) {
          if (reading.targets.length > 1) return { error: 'give key results their own lines' };
          return {
            pending: {
              kind: 'kr-status',
              keyResultId: found.keyResult.id,
              status: reading.status,
              note: reading.note,
            },
          };
        }
        goals.push(found.goal);
      }
      return {
        pending: {
          kind: 'status',
          goalIds: goals.map((g) => g.id),
          status: reading.status,
          note: reading.note,
        },
      };
    }
  }
}

async function resolveOne(
  target: ReplyTarget,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<{ goal: GoalRow } | { keyResult: KeyResultRow; name: string } | { error: string }> {
  const resolved = await resolveTarget(target, session.goals, ctx, deps, session.authority);
  if ('keyResult' in resolved)
    return {
      keyResult: resolved.keyResult,
      name: `${resolved.keyResult.objectiveCode}-${resolved.keyResult.code}`,
    };
  return resolved;
}

/** "2067 maintainers": the unit names what is counted, it is not a note. */
function noteWithoutUnit(note: string | undefined, unit: string): string | undefined {
  if (!note) return undefined;
  const rest = note
    .replace(new RegExp(`^${unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b[\\s,;:.-]*`, 'i'), '')
    .trim();
  return rest || undefined;
}

const PERCENT_UNIT = /%|percent/i;

/** Why a value's unit does not fit its key result ("12 days" for a percentage), if so. */
function unitDoubt(
  kr: KeyResultRow,
  percent: boolean,
  unit: { word: string; measure: string } | undefined,
): string | undefined {
  if (!kr.unit) return undefined;
  const krPercent = PERCENT_UNIT.test(kr.unit);
  if (unit && krPercent)
    return `${kr.objectiveCode}-${kr.code} is measured in %, and the line says ${unit.word}`;
  if (unit && !kr.unit.toLowerCase().includes(unit.word.replace(/s$/, '')))
    return `${kr.objectiveCode}-${kr.code} is measured in ${kr.unit}, and the line says ${unit.word}`;
  if (percent && !krPercent)
    return `${kr.objectiveCode}-${kr.code} is measured in ${kr.unit}, not %`;
  return undefined;
}

/** Records a reading whose targets are found; one line of what happened. */
async function record(
  pending: Pending,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<LineResult> {
  switch (pending.kind) {
    case 'note': {
      if (pending.goalId === undefined)
        return fromOutcome(
          await addTeamNote(session.team, pending.text, ctx, deps, session.authority),
        );
      const goal = await goalOf(pending.goalId, session, ctx, deps);
      if (!goal) return { mark: '✗', line: ['That goal no longer exists.'], recorded: 0 };
      // A note on a goal is a check-in with its status; a goal without one gets it in the report.
      if (!goal.status)
        return fromOutcome(
          await addTeamNote(
            session.team,
            `${goalRef(goal)}: ${pending.text}`,
            ctx,
            deps,
            session.authority,
          ),
        );
      return fromOutcome(
        await setGoalStatus(goal, goal.status, pending.text, ctx, deps, session.authority),
      );
    }
    case 'metric': {
      const kr = await deps.keyResults.byId(pending.keyResultId);
      if (!kr) return { mark: '✗', line: ['That key result no longer exists.'], recorded: 0 };
      return fromOutcome(
        await recordMetric(
          kr,
          pending.value,
          pending.percent,
          pending.note,
          ctx,
          deps,
          session.authority,
        ),
      );
    }
    case 'kr-status': {
      const kr = await deps.keyResults.byId(pending.keyResultId);
      if (!kr) return { mark: '✗', line: ['That key result no longer exists.'], recorded: 0 };
      return fromOutcome(
        await setKeyResultStatus(kr, pending.status, pending.note, ctx, deps, session.authority),
      );
    }
    case 'status': {
      const lines: Line[] = [];
      let recorded = 0;
      for (const goalId of pending.goalIds) {
        const goal = await goalOf(goalId, session, ctx, deps);
        if (!goal) return { mark: '✗', line: ['That goal no longer exists.'], recorded };
        const outcome = await setGoalStatus(
          goal,
          pending.status,
          pending.note,
          ctx,
          deps,
          session.authority,
        );
        if (!outcome.ok) return { mark: '✗', line: outcome.line, recorded };
        noteStatus(session, goal.id, pending.status);
        recorded++;
        lines.push(outcome.line);
      }
      return { mark: '✓', line: lines.flatMap((l, i) => (i ? ['; ', ...l] : l)), recorded };
    }
    case 'all':
      return recordAll(pending, session, ctx, deps);
  }
}

/**
 * "All on track": the month's report says so (it counts as the team's answer), and the goals
 * under way are named; a goal Blocked, Stalled or To do keeps its status until a line of its own
 * changes it. "Everything done" and the like give every goal still open that status.
 */
async function recordAll(
  pending: Extract<Pending, { kind: 'all' }>,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<LineResult> {
  if (pending.status === 'in_progress') {
    const note = await addTeamNote(session.team, pending.line, ctx, deps, session.authority);
    if (!note.ok) return fromOutcome(note);
    const under = session.goals.filter((g) => g.status === 'in_progress').map(goalRef);
    const kept = session.goals.filter(
      (g) => g.status && OPEN.has(g.status) && g.status !== 'in_progress',
    );
    return {
      mark: '✓',
      line: [
        `Report for ${session.team.name}: ${excerpt(pending.line, 60)}`,
        under.length ? ` — In progress: ${under.join(', ')}` : '',
        kept.length
          ? `. Unchanged: ${kept.map((g) => `${goalRef(g)} ${formatStatus(g.status as Status)}`).join(', ')} (a line of their own changes them)`
          : '',
      ],
      recorded: 1,
    };
  }
  const open = session.goals.filter((g) => !g.status || OPEN.has(g.status));
  if (open.length === 0) {
    const note = await addTeamNote(session.team, pending.line, ctx, deps, session.authority);
    return fromOutcome(note, 'report');
  }
  let recorded = 0;
  for (const goal of open) {
    const outcome = await setGoalStatus(
      goal,
      pending.status,
      pending.note,
      ctx,
      deps,
      session.authority,
    );
    if (!outcome.ok) return { mark: '✗', line: outcome.line, recorded };
    noteStatus(session, goal.id, pending.status);
    recorded++;
  }
  return {
    mark: '✓',
    line: [
      `${formatStatus(pending.status)}${pending.note ? ` (note: ${pending.note})` : ''}: ${open.map(goalRef).join(', ')}`,
    ],
    recorded,
  };
}

/** Goals still open: a settled status (Done, Cancelled, ...) is not changed by "everything". */
const OPEN: ReadonlySet<Status> = new Set(['to_do', 'in_progress', 'blocked', 'stalled']);

async function goalOf(
  goalId: number,
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<GoalRow | undefined> {
  return session.goals.find((g) => g.id === goalId) ?? (await deps.goals.byId(goalId, ctx.now));
}

/** Later lines of the same exchange see the new status ("from → to" stays right). */
function noteStatus(session: ReplySession, goalId: number, status: Status): void {
  for (const listed of session.goals) if (listed.id === goalId) listed.status = status;
}

/** A proposal in words: `4 T211248 Migrate EventLogging… → Done`. */
function describePending(pending: Pending, session: ReplySession): string {
  const goal = (id: number) => {
    const found = session.goals.find((g) => g.id === id);
    const number = found ? session.goals.indexOf(found) + 1 : undefined;
    return found ? `${number} ${describeGoal(found)}` : `G${id}`;
  };
  switch (pending.kind) {
    case 'status':
      return `${pending.goalIds.map(goal).join(' and ')} → ${formatStatus(pending.status)}`;
    case 'kr-status':
      return `the key result → ${formatStatus(pending.status)}`;
    case 'metric':
      return `the key result's value ${pending.value}${pending.percent ? '%' : ''}`;
    case 'note':
      return pending.goalId === undefined
        ? 'a note for the report'
        : `a note on ${goal(pending.goalId)}`;
    case 'all':
      return `every goal → ${formatStatus(pending.status)}`;
  }
}

/** Records proposals the manager said yes to. */
export async function confirmProposals(
  pending: readonly Pending[],
  session: ReplySession,
  ctx: CommandContext,
  deps: UpdateDeps,
): Promise<ReplyResult> {
  const results: (LineResult & { text: string })[] = [];
  for (const p of pending) results.push({ ...(await record(p, session, ctx, deps)), text: '' });
  return summarise(results);
}

// Alone on a line, these end the exchange ("Done." too); with a goal they are a status ("3 done").
const DONE = /^(?:(?:done|end|finish(?:ed)?|that'?s (?:all|it)|bye)[.!]*|\.)$/i;
const CANCEL = /^(?:cancel|abort|stop)[.!]*$/i;

/** The words of a line as the reader reads them, to tell a yes or a no. */
function answerOf(text: string): boolean | undefined {
  const item: ReplyItem | undefined = parseReply(text)[0]?.item;
  return item?.kind === 'answer' ? item.yes : undefined;
}

/**
 * A guided update (the `update` command, a prompt answered in chat): every line is a reply,
 * recorded by `answer`, until `done`; `undo`, `help`, and `yes`/`no` to a proposal work inside.
 */
export function createReplyExchange(
  session: ReplySession,
  answer: (text: string, ctx: CommandContext) => Promise<ReplyResult>,
  deps: UpdateDeps,
  /** Called when a yes recorded something, as `answer` does for what it records itself. */
  confirmed: (ctx: CommandContext) => Promise<void> = async () => {},
): Exchange {
  let recorded = 0;
  return {
    async handle(text, ctx) {
      if (DONE.test(text) || CANCEL.test(text)) {
        const dropped = session.pending.length;
        session.pending = [];
        return {
          done: true,
          reply: reply(
            paragraph(
              `Update of ${session.team.name} finished: ${recorded} ${recorded === 1 ? 'change' : 'changes'} recorded${dropped ? ` (${dropped} unconfirmed ${dropped === 1 ? 'proposal' : 'proposals'} not recorded)` : ''}. `,
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
      const yes = session.pending.length ? answerOf(text) : undefined;
      if (yes !== undefined) {
        const pending = session.pending;
        session.pending = [];
        if (!yes)
          return {
            done: false,
            reply: reply(paragraph('Not recorded. Write the line again as you mean it.')),
          };
        const result = await confirmProposals(pending, session, ctx, deps);
        recorded += result.recorded;
        if (result.recorded > 0) await confirmed(ctx);
        return { done: false, reply: result.reply };
      }
      const answered = await answer(text, ctx);
      session.pending = answered.proposals.map((p) => p.pending);
      recorded += answered.recorded;
      return {
        done: false,
        reply: answered.reply.blocks.length
          ? answered.reply
          : errorReply('Nothing to read in that line.'),
      };
    },
  };
}

export function updateHelp(): Reply {
  return reply(
    paragraph('One line per change, in your own words, for example:'),
    list(
      [
        '2 done',
        'T223626 postponed: licensing',
        'KR2 68%',
        'mediarequests API in progress, waiting on hardware',
        'all on track',
        'note: waiting on hardware',
        'correction: 3 in progress',
      ].map((example) => ({
        content: [code(example)],
      })),
    ),
    paragraph(
      'When okrbot is not sure what a line means it asks first: answer ',
      code('yes'),
      ' to record it. ',
      code('undo'),
      ' reverts your last change; ',
      code('done'),
      ' ends the update.',
    ),
  );
}
