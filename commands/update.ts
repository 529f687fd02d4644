import { defineCommand, type Services } from '../src/core/command.ts';
import { numberGoals } from '../src/features/goal-tree.ts';
import { fallbackNote } from '../src/features/lookups.ts';
import { applyReply, createReplyExchange, updateHelp } from '../src/features/reply-exchange.ts';
import { prepareTeamUpdate, teamToUpdate } from '../src/features/team-update.ts';
import { errorReply, heading, list, paragraph, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'goals' | 'keyResults' | 'people' | 'changes' | 'teams' | 'cycles'>;

export const updateCommand = defineCommand<Deps>({
  name: 'update',
  summary: "Walks through a team's goals: answer in short lines, one change per line",
  usage: 'update [team]',
  examples: [
    {
      input: 'update analytics',
      result: '5. [Done] Continue moving events from job queue to event gate main · T211248',
    },
  ],
  async run({ text }, ctx, deps) {
    const found = await teamToUpdate(text, ctx, deps, 'update [team]');
    if ('reply' in found) return found.reply;
    const update = await prepareTeamUpdate(found.team, ctx, deps);
    if ('reply' in update) return update.reply;
    const { team, quarter, numbered, authority } = update;
    if (!quarter) return errorReply(`${team.name} has no goals to update.`);
    const { items } = numberGoals(quarter.goals);
    const session = { team, goals: numbered, authority, pending: [] };
    ctx.startExchange(
      createReplyExchange(
        session,
        (line, lineCtx) => applyReply(line, session, lineCtx, deps),
        deps,
      ),
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
