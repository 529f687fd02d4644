import { defineCommand, type Services } from '../src/core/command.ts';
import { parseUntil, untilProblem, untilTooFar } from '../src/domain/durations.ts';
import { dayIn, endOfDayIn } from '../src/domain/fiscal-calendar.ts';
import { changeOf } from '../src/features/updates.ts';
import { code, errorReply, paragraph, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'admin'>;

export const awayCommand = defineCommand<Deps>({
  name: 'away',
  summary:
    "Marks you away until a day: your teams' prompts and nudges go to their delegates meanwhile",
  usage: 'away <until YYYY-MM-DD | duration | off>',
  examples: [
    {
      input: 'away until 2019-09-15',
      result: 'You are away until the end of 2019-09-15 (UTC).',
    },
    { input: 'away 2w', result: 'You are away until the end of 2019-09-11 (UTC).' },
    { input: 'away off', result: 'Welcome back: prompts and nudges come to you again.' },
  ],
  async run({ text }, ctx, deps) {
    const person = ctx.actor.person;
    if (!person)
      return errorReply('Only a person can be away; ', code('whoami'), ' shows who you are.');
    const until = parseUntil(text);
    if (!until) return errorReply(untilProblem(text));
    if (until.kind === 'off') {
      await deps.admin.setAway(person.id, null, changeOf(ctx));
      return reply(paragraph('Welcome back: prompts and nudges come to you again.'));
    }
    const zone = person.timeZone ?? ctx.timeZone;
    const day =
      until.kind === 'day'
        ? until.day
        : dayIn(new Date(ctx.now.getTime() + until.days * 86_400_000), zone);
    const end = endOfDayIn(day, zone);
    const far = untilTooFar(day, end, ctx.now);
    if (far) return errorReply(far);
    if (end <= ctx.now) return errorReply(`${day} has already passed; give a later day.`);
    await deps.admin.setAway(person.id, end, changeOf(ctx));
    return reply(
      paragraph(
        `You are away until the end of ${day} (${zone}). Prompts and nudges for your teams go to their delegates meanwhile, or wait until you are back when there are none. `,
        code('whoami'),
        ' shows who answers for you.',
      ),
    );
  },
});
