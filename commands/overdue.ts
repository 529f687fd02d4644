import { defineCommand, type Services } from '../src/core/command.ts';
import { dayIn } from '../src/domain/fiscal-calendar.ts';
import { assess } from '../src/domain/overdue.ts';
import { findingItem } from '../src/features/findings.ts';
import { scopeOf } from '../src/features/lookups.ts';
import {
  type Block,
  context,
  heading,
  type ListItem,
  list,
  paragraph,
  reply,
  strong,
} from '../src/reply/document.ts';

type Deps = Pick<Services, 'teams' | 'people' | 'tracking'>;

export const overdueCommand = defineCommand<Deps>({
  name: 'overdue',
  summary:
    'Goals and key results that missed a due date or milestone, or had no update for a while (35 days by default)',
  usage: 'overdue [team | department]',
  examples: [
    {
      input: 'overdue technology',
      result: 'T226089 Make kerberos infra prod ready (Analytics) — no update for 58 days',
    },
    { input: 'overdue analytics', result: 'Stale: no update for more than 35 days (4)' },
    // Nuria Ruiz asks: her own team's.
    { input: 'overdue', result: 'Overdue and stale — Analytics' },
  ],
  readOnly: true,
  async run({ text }, ctx, deps) {
    const scope = await scopeOf(text, ctx, deps);
    if ('reply' in scope) return scope.reply;
    const blocks: Block[] = [];
    for (const department of scope.departments) {
      const zone = department.timeZone;
      const { goals, keyResults } = await deps.tracking.items(
        { departmentIds: [department.id], ...(scope.team ? { teamIds: [scope.team.id] } : {}) },
        ctx.now,
      );
      const overdue: ListItem[] = [];
      const stale: ListItem[] = [];
      for (const item of [...keyResults, ...goals]) {
        for (const finding of assess(item, ctx.now, ctx.rules))
          (finding.kind === 'overdue' ? overdue : stale).push(findingItem(item, finding, zone));
      }
      blocks.push(
        heading(`Overdue and stale — ${scope.team ? scope.team.name : department.name}`),
        context(
          `as of ${dayIn(ctx.now, zone)} · ${goals.length} goals and ${keyResults.length} key results checked`,
        ),
      );
      if (overdue.length === 0 && stale.length === 0) {
        blocks.push(paragraph('Nothing overdue or stale.'));
        continue;
      }
      if (overdue.length)
        blocks.push(paragraph(strong(`Overdue (${overdue.length})`)), list(overdue));
      if (stale.length)
        blocks.push(
          paragraph(
            strong(`Stale: no update for more than ${ctx.rules.staleDays} days (${stale.length})`),
          ),
          list(stale),
        );
    }
    if (blocks.length === 0) blocks.push(paragraph('There are no departments yet.'));
    return reply(...blocks);
  },
});
