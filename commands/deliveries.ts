import { defineCommand, type Services } from '../src/core/command.ts';
import { suggest } from '../src/domain/text.ts';
import { deliveriesOverview, explainPerson } from '../src/features/deliveries-report.ts';
import { code, errorReply } from '../src/reply/document.ts';

type Deps = Pick<
  Services,
  'people' | 'teams' | 'outbox' | 'schedules' | 'promptRuns' | 'deliveryStats' | 'teamAnswers'
>;

export const deliveriesCommand = defineCommand<Deps>({
  name: 'deliveries',
  summary:
    'What okrbot sent, skipped or failed to send, and why: `deliveries why` for yourself, admins for anyone',
  usage: 'deliveries [why [handle]]',
  examples: [
    // After the schedule examples moved Technology's prompt to the 18th at 09:30.
    {
      input: 'deliveries why nuria-ruiz',
      result:
        'Analytics, August 2019: due 2019-08-18 09:30 UTC, but no prompt run was recorded then',
    },
    { input: 'deliveries', result: 'Nothing was ever queued.' },
  ],
  async run({ args }, ctx, deps) {
    const [verb = '', handle = ''] = args;
    const self = ctx.actor.person;
    if (verb && verb.toLowerCase() !== 'why')
      return errorReply('Usage: ', code('deliveries [why [handle]]'), '.');
    if (!verb && !ctx.actor.isAdmin && !self)
      return errorReply(
        'Only an admin sees every delivery; ',
        code('whoami'),
        ' shows who you are.',
      );
    if (!verb && ctx.actor.isAdmin) return deliveriesOverview(ctx.timeZone, deps);
    const person = handle ? await deps.people.findByHandle(handle) : self;
    if (!person) {
      if (!handle) return errorReply('Name someone: ', code('deliveries why <handle>'), '.');
      const close = suggest(handle, await deps.people.handles(), 3);
      return errorReply(
        `Nobody has the handle ${handle}.${close.length ? ` Did you mean ${close.join(', ')}?` : ''}`,
      );
    }
    if (person.id !== self?.id && !ctx.actor.isAdmin)
      return errorReply("You may ask about your own deliveries; admins about anyone's.");
    return explainPerson(person, ctx.now, ctx.timeZone, deps);
  },
});
