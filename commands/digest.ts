import { defineCommand, type Services } from '../src/core/command.ts';
import { departmentDigest } from '../src/features/digest.ts';
import { scopeOf } from '../src/features/lookups.ts';
import { type Block, paragraph, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'teams' | 'people' | 'cycles' | 'digest' | 'tracking' | 'nudges'>;

export const digestCommand = defineCommand<Deps>({
  name: 'digest',
  summary:
    "A department's digest for this week: changes, notes, blocked items, overdue key results, missing reports",
  usage: 'digest [department]',
  examples: [
    {
      input: 'digest technology',
      result: 'Technology — weekly digest, week of 2019-08-26',
    },
    // Nuria Ruiz asks: her department's, with the change the `set` example made.
    {
      input: 'digest',
      result:
        'T211248 Continue moving events from job queue to event gate main: [In progress] → [Done] by Nuria Ruiz',
    },
  ],
  readOnly: true,
  async run({ text }, ctx, deps) {
    const scope = await scopeOf(text, ctx, deps);
    if ('reply' in scope) return scope.reply;
    const blocks: Block[] = [];
    for (const department of scope.departments)
      blocks.push(...(await departmentDigest(department, ctx, deps)));
    return reply(...(blocks.length ? blocks : [paragraph('There are no departments yet.')]));
  },
});
