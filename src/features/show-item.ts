import type { CommandContext, Services } from '../core/command.ts';
import { dayIn } from '../domain/fiscal-calendar.ts';
import { goalRef, type Ref } from '../domain/refs.ts';
import {
  type Block,
  badge,
  code,
  commandCode,
  context,
  errorReply,
  heading,
  type Line,
  link,
  list,
  paragraph,
  type Reply,
  reply,
  strong,
  table,
} from '../reply/document.ts';
import { formatNumber } from '../reply/format.ts';
import type { GoalRow } from '../store/goals.ts';
import type { KeyResultRow } from '../store/key-results.ts';
import type { StatusEntryRow } from '../store/status-history.ts';
import { paths, publicLink } from './dashboard-paths.ts';

type Deps = Pick<Services, 'goals' | 'keyResults'>;

/** One goal or key result with everything known about it, including its status history. */
export async function showItem(ref: Ref, ctx: CommandContext, deps: Deps): Promise<Reply> {
  if (ref.kind === 'key-result') {
    const kr = await deps.keyResults.find(
      ref.objectiveCode,
      ref.code,
      dayIn(ctx.now, ctx.timeZone),
    );
    if (!kr)
      return errorReply(
        `No key result ${ref.objectiveCode}-${ref.code}. Key results are named like `,
        code('TCB-KR2'),
        '.',
      );
    return showKeyResult(kr, ctx, deps);
  }
  if (ref.kind === 'goal') {
    const goal = await deps.goals.byId(ref.goalId, ctx.now);
    if (!goal)
      return errorReply(
        `No goal G${ref.goalId}. `,
        commandCode('goals <team>'),
        ' lists goals with their refs.',
      );
    return showGoal(goal, [], ctx, deps);
  }
  const matches = await deps.goals.byTaskId(ref.taskId, ctx.now);
  if (matches.length === 0) return errorReply(`No goal has task ${ref.taskId}.`);
  // A multi-quarter task has a goal per quarter: show the newest that has started.
  const today = dayIn(ctx.now, ctx.timeZone);
  const shown = matches.find((goal) => goal.cycleStartsOn <= today) ?? (matches.at(-1) as GoalRow);
  return showGoal(
    shown,
    matches.filter((goal) => goal !== shown),
    ctx,
    deps,
  );
}

async function showGoal(
  goal: GoalRow,
  others: GoalRow[],
  ctx: CommandContext,
  deps: Deps,
): Promise<Reply> {
  const [history, children] = await Promise.all([
    deps.goals.history(goal.id, ctx.now),
    deps.goals.children(goal.id, ctx.now),
  ]);
  const zone = ctx.timeZone;
  const blocks: Block[] = [
    heading(`${goalRef(goal)} — ${goal.title}`),
    context(
      `${goal.teamName} (${goal.teamSlug}) · ${goal.cycleLabel} · ref G${goal.id} · as of `,
      dayIn(ctx.now, zone),
    ),
    paragraph(
      strong('Status: '),
      badge(goal.status),
      goal.statusAt ? ` (updated ${dayIn(goal.statusAt, zone)})` : '',
    ),
  ];
  const facts: Line[] = [];
  if (goal.groupLabel) facts.push([`Under: ${goal.groupLabel}`]);
  if (goal.taskIds.length) facts.push([`Tasks: ${goal.taskIds.join(', ')}`]);
  if (goal.keyResultCode) facts.push(['Key result: ', code(goal.keyResultCode)]);
  if (goal.stretch) facts.push(['Stretch goal']);
  if (goal.multiQuarter) facts.push(['Multi-quarter']);
  if (goal.dependsOn.length) facts.push([`Depends on: ${goal.dependsOn.join(', ')}`]);
  if (facts.length) blocks.push(list(facts.map((content) => ({ content }))));
  if (children.length) {
    blocks.push(
      paragraph(strong('Sub-items')),
      list(
        children.map((child) => ({
          content: [
            badge(child.status),
            ' ',
            child.title,
            child.taskIds.length ? ` · ${child.taskIds.join(', ')}` : '',
          ],
        })),
      ),
    );
  }
  blocks.push(...historyBlocks(history, zone));
  if (others.length) {
    blocks.push(context(`Also in ${others.map((o) => `${o.cycleLabel} (G${o.id})`).join(', ')}`));
  }
  if (ctx.publicUrl)
    blocks.push(
      context(
        link(
          publicLink(ctx.publicUrl, paths.goal(goal.teamSlug, goal.cycleLabel, goal.id)),
          `${goal.teamName} on the dashboard`,
        ),
      ),
    );
  return reply(...blocks);
}

async function showKeyResult(kr: KeyResultRow, ctx: CommandContext, deps: Deps): Promise<Reply> {
  const [milestones, values, history] = await Promise.all([
    deps.keyResults.milestones(kr.id),
    deps.keyResults.values(kr.id, ctx.now),
    deps.keyResults.history(kr.id, ctx.now),
  ]);
  const zone = ctx.timeZone;
  const unit = kr.unit ? ` ${kr.unit}` : '';
  const blocks: Block[] = [
    heading(`${kr.objectiveCode}-${kr.code} — ${kr.objectiveTitle}`),
    context(
      `${kr.program ? `${kr.program} · ` : ''}${kr.cycleLabel}${kr.managerName ? ` · KR manager: ${kr.managerName}` : ''} · as of `,
      dayIn(ctx.now, zone),
    ),
    paragraph(kr.text),
  ];
  const metric: Line[] = [];
  if (kr.baseline !== null) metric.push([`Baseline: ${formatNumber(kr.baseline)}${unit}`]);
  if (kr.target !== null)
    metric.push([
      `Target: ${formatNumber(kr.target)}${unit} (${kr.direction === 'up' ? 'higher is better' : 'lower is better'})`,
    ]);
  if (kr.dueOn) metric.push([`Due: ${kr.dueOn}`]);
  const latest = values.at(-1);
  if (latest)
    metric.push([
      `Latest value: ${formatNumber(latest.value)}${unit} on ${dayIn(latest.at, zone)}`,
    ]);
  if (metric.length) blocks.push(list(metric.map((content) => ({ content }))));
  if (milestones.length) {
    blocks.push(
      paragraph(strong('Milestones')),
      table(
        ['Due', 'Target', 'What'],
        milestones.map((m) => [
          m.dueOn,
          m.target === null ? '' : `${formatNumber(m.target)}${unit}`,
          m.text ?? '',
        ]),
      ),
    );
  }
  if (values.length) {
    blocks.push(
      paragraph(strong('Values')),
      table(
        ['Date', 'Value', 'By', 'Note'],
        values.map((v) => [
          dayIn(v.at, zone),
          `${formatNumber(v.value)}${unit}`,
          v.personName ?? v.source,
          v.note ?? '',
        ]),
      ),
    );
  }
  blocks.push(...historyBlocks(history, zone));
  if (ctx.publicUrl) {
    const ref = `${kr.objectiveCode}-${kr.code}`;
    blocks.push(
      context(
        link(
          publicLink(ctx.publicUrl, paths.keyResult(kr.cycleLabel, ref)),
          `${ref} on the dashboard`,
        ),
        ' · ',
        link(publicLink(ctx.publicUrl, paths.chart(kr.cycleLabel, ref, 'png')), 'chart'),
      ),
    );
  }
  return reply(...blocks);
}

function historyBlocks(history: StatusEntryRow[], zone: string): Block[] {
  if (history.length === 0) return [paragraph('No status recorded yet.')];
  return [
    paragraph(strong('History')),
    table(
      ['Date', 'Status', 'By', 'Note'],
      history.map((entry) => [
        dayIn(entry.at, zone),
        badge(entry.status),
        entry.personName ?? `(${entry.source})`,
        entry.note ?? '',
      ]),
    ),
  ];
}
