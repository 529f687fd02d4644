import type { CommandContext, Services } from '../core/command.ts';
import type { Authority } from '../domain/permissions.ts';
import { code, errorReply, type Reply } from '../reply/document.ts';
import type { GoalRow } from '../store/goals.ts';
import type { TeamRow } from '../store/teams.ts';
import { numberGoals } from './goal-tree.ts';
import { findTeamOrExplain, ownTeam, type TeamQuarter, teamQuarter } from './lookups.ts';
import { authorityOf, teamRefusal, type UpdateDeps } from './updates.ts';

// What every way of updating a team starts with (the guided `update`, a transport's form): which
// team, whether the actor may change it, and its goals numbered as they will be shown.

export type TeamUpdateDeps = UpdateDeps & Pick<Services, 'cycles'>;

export interface TeamUpdate {
  team: TeamRow;
  authority: Authority;
  /** Undefined when the team has no goals in any quarter. */
  quarter: TeamQuarter | undefined;
  /** The quarter's goals in the order and numbering shown. */
  numbered: GoalRow[];
}

/** The team named in `text`, or the actor's own when the text is empty; else a reply saying why not. */
export async function teamToUpdate(
  text: string,
  ctx: CommandContext,
  deps: Pick<Services, 'teams' | 'people'>,
  usage: string,
): Promise<{ team: TeamRow } | { reply: Reply }> {
  if (text) return findTeamOrExplain(text, deps.teams);
  const team = await ownTeam(ctx, deps);
  return team ? { team } : { reply: errorReply('Which team? Usage: ', code(usage), '.') };
}

/** The team's update, or a refusal that names who may make it. */
export async function prepareTeamUpdate(
  team: TeamRow,
  ctx: CommandContext,
  deps: TeamUpdateDeps,
): Promise<TeamUpdate | { reply: Reply }> {
  const authority = await authorityOf(ctx, deps);
  const refusal = await teamRefusal(team, `${team.name}'s goals`, undefined, ctx, deps, authority);
  if (refusal) return { reply: errorReply(...refusal.line) };
  const quarter = await teamQuarter(team, ctx, deps);
  return { team, authority, quarter, numbered: numberGoals(quarter?.goals ?? []).numbered };
}
