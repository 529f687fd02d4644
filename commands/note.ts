import { defineCommand, type Services } from '../src/core/command.ts';
import { ownTeam, teamAtStart } from '../src/features/lookups.ts';
import { addTeamNote, authorityOf } from '../src/features/updates.ts';
import { code, errorReply } from '../src/reply/document.ts';
import { outcomeReply } from './set.ts';

type Deps = Pick<Services, 'goals' | 'keyResults' | 'people' | 'changes' | 'teams'>;

export const noteCommand = defineCommand<Deps>({
  name: 'note',
  summary: "Adds a note to a team's report for this month",
  usage: 'note [team] <text>',
  examples: [
    {
      input: 'note analytics kafka connect moves to next quarter for licensing reasons',
      result:
        'Note added to the Analytics report for 2019-08: kafka connect moves to next quarter for licensing reasons',
    },
    {
      input: 'note performance FOSDEM devroom proposal sent',
      result: 'Note added to the Performance report for 2019-08: FOSDEM devroom proposal sent',
    },
  ],
  async run({ text }, ctx, deps) {
    const named = text ? await teamAtStart(text, deps.teams) : undefined;
    const team = named?.team ?? (await ownTeam(ctx, deps));
    const body = named ? named.rest : text;
    if (!team)
      return errorReply(
        'Which team? Usage: ',
        code('note [team] <text>'),
        ', e.g. ',
        code('note analytics waiting on hardware'),
        '.',
      );
    if (!body) return errorReply('The note is empty. Usage: ', code('note [team] <text>'), '.');
    return outcomeReply(await addTeamNote(team, body, ctx, deps, await authorityOf(ctx, deps)));
  },
});
