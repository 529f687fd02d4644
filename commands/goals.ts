import { defineCommand, type Services } from '../src/core/command.ts';
import { goalRef } from '../src/domain/refs.ts';
import { type GoalNode, goalTree } from '../src/features/goal-tree.ts';
import { fallbackNote, findTeamOrExplain, teamQuarter } from '../src/features/lookups.ts';
import {
  badge,
  code,
  context,
  heading,
  type Line,
  paragraph,
  reply,
  table,
} from '../src/reply/document.ts';
import { plural } from '../src/reply/format.ts';

type Deps = Pick<Services, 'teams' | 'cycles' | 'goals' | 'people'>;

export const goalsCommand = defineCommand<Deps>({
  name: 'goals',
  summary: "A team's goals for the current quarter with the refs other commands take",
  usage: 'goals [team]',
  examples: [
    { input: 'goals performance', result: 'Performance goals — FY2019-20 Q1' },
    { input: 'goals release engineering', result: 'Release Engineering goals — FY2019-20 Q1' },
  ],
  readOnly: true,
  async run({ text }, ctx, deps) {
    let name = text;
    if (!name) {
      const roles = ctx.actor.person ? await deps.people.roles(ctx.actor.person.id) : [];
      if (roles.length === 0)
        return reply(paragraph('Which team? For example ', code('goals performance'), '.'));
      name = (roles[0] as { teamSlug: string }).teamSlug;
    }
    const found = await findTeamOrExplain(name, deps.teams);
    if ('reply' in found) return found.reply;
    const { team } = found;
    const quarter = await teamQuarter(team, ctx, deps);
    if (!quarter) return reply(paragraph(`${team.name} has no goals yet.`));
    const note = fallbackNote(quarter);
    const rows: Line[] = [];
    const visit = (nodes: GoalNode[], depth: number) => {
      for (const { goal, children } of nodes) {
        rows.push([
          goalRef(goal),
          badge(goal.status),
          `${'  '.repeat(depth)}${goal.title}${goal.stretch ? ' (stretch)' : ''}`,
        ]);
        visit(children, depth + 1);
      }
    };
    visit(goalTree(quarter.goals), 0);
    return reply(
      heading(`${team.name} goals — ${quarter.cycleLabel}`),
      ...(note ? [paragraph(note)] : []),
      table(['Ref', 'Status', 'Goal'], rows),
      context(
        `${plural(rows.length, 'goal')} · `,
        code('status <ref>'),
        ' shows one with its history',
      ),
    );
  },
});
