import { cycleAt, dayIn, formatCycle } from '../domain/fiscal-calendar.ts';
import { suggest } from '../domain/text.ts';
import { code, errorReply, type Reply } from '../reply/document.ts';
import type { CycleStore } from '../store/cycles.ts';
import type { GoalRow, GoalStore } from '../store/goals.ts';
import type { TeamRow, TeamStore } from '../store/teams.ts';
import type { CommandContext } from './command.ts';

/** A team by what the user typed, or an error reply that suggests close names. */
export async function findTeamOrExplain(
  name: string,
  teams: TeamStore,
  what = 'team',
): Promise<{ team: TeamRow } | { reply: Reply }> {
  const team = await teams.find(name);
  if (team) return { team };
  const close = suggest(name, await teams.names(), 3);
  if (close.length === 0) {
    return {
      reply: errorReply(
        `No ${what} "${name}". Type `,
        code('help status'),
        ' to see what you can ask for.',
      ),
    };
  }
  const options = close.flatMap((c, i) => [
    i === 0 ? '' : i === close.length - 1 ? ' or ' : ', ',
    code(c),
  ]);
  return { reply: errorReply(`No ${what} "${name}". Did you mean `, ...options, '?') };
}

export interface TeamQuarter {
  cycleLabel: string;
  goals: GoalRow[];
  /** The label of the current quarter when it had no goals and an older (or the next) one is shown. */
  currentLabel?: string;
}

/**
 * The quarter to show for a team: the current one in the department's zone, or, when it has
 * no goals there, the most recent quarter that has (else the nearest one to come).
 */
export async function teamQuarter(
  team: TeamRow,
  context: CommandContext,
  deps: { cycles: CycleStore; goals: GoalStore },
): Promise<TeamQuarter | undefined> {
  const current = cycleAt(context.now, context.fiscal, team.timeZone);
  const currentLabel = formatCycle(current, context.fiscal);
  const row = await deps.cycles.find(current);
  if (row) {
    const goals = await deps.goals.ofTeam(team.id, row.id, context.now);
    if (goals.length > 0) return { cycleLabel: row.label, goals };
  }
  const today = dayIn(context.now, team.timeZone);
  const withGoals = await deps.cycles.withGoals(team.id);
  const chosen = withGoals.find((c) => c.startsOn <= today) ?? withGoals.at(-1);
  if (!chosen) return undefined;
  return {
    cycleLabel: chosen.label,
    goals: await deps.goals.ofTeam(team.id, chosen.id, context.now),
    currentLabel,
  };
}
