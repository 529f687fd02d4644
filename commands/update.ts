import { defineCommand, type Services } from '../src/chat/command.ts';
import { numberGoals } from '../src/chat/goal-tree.ts';
import { fallbackNote, findTeamOrExplain, ownTeam, teamQuarter } from '../src/chat/lookups.ts';
import { applyReply, createReplyExchange, updateHelp } from '../src/chat/reply-exchange.ts';
import { authorityOf, teamRefusal } from '../src/chat/updates.ts';
import { code, errorReply, heading, list, paragraph, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'goals' | 'keyResults' | 'people' | 'changes' | 'teams' | 'cycles'>;

export const updateCommand = defineCommand<Deps>({
  name: 'update',
  summary: "Walks through a team's goals: answer in short lines, one change per line",
  usage: 'update [team]',
  examples: ['update analytics'],
  async run({ text }, ctx, deps) {
    let team = text ? undefined : await ownTeam(ctx, deps);
    if (text) {
      const found = await findTeamOrExplain(text, deps.teams);
      if ('reply' in found) return found.reply;
      team = found.team;
    }
    if (!team) return errorReply('Which team? Usage: ', code('update [team]'), '.');
    const authority = await authorityOf(ctx, deps);
    const refusal = await teamRefusal(
      team,
      `${team.name}'s goals`,
      undefined,
      ctx,
      deps,
      authority,
    );
    if (refusal) return errorReply(...refusal.line);
    const quarter = await teamQuarter(team, ctx, deps);
    if (!quarter) return errorReply(`${team.name} has no goals to update.`);
    const { numbered, items } = numberGoals(quarter.goals);
    const session = { team, goals: numbered, authority, changed: new Set<number>() };
    ctx.startExchange(
      createReplyExchange(team, (line, lineCtx) => applyReply(line, session, lineCtx, deps), deps),
    );
    const note = fallbackNote(quarter);
    return reply(
      heading(`Update ${team.name} — ${quarter.cycleLabel}`),
      ...(note ? [paragraph(note)] : []),
      list(items),
      ...updateHelp().blocks,
    );
  },
});
