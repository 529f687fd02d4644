import { defineCommand, type Services } from '../src/core/command.ts';
import { parseUntil, untilProblem, untilTooFar } from '../src/domain/durations.ts';
import { dayIn, endOfDayIn } from '../src/domain/fiscal-calendar.ts';
import { mayChangeKeyResult, mayChangeTeam } from '../src/domain/permissions.ts';
import { parseRef } from '../src/domain/refs.ts';
import { authorityOf, changeOf, resolveRef } from '../src/features/updates.ts';
import { code, errorReply, paragraph, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'goals' | 'keyResults' | 'people' | 'changes' | 'teams' | 'admin'>;

const USAGE = [
  'Usage: ',
  code('snooze <ref> <duration>'),
  ', e.g. ',
  code('snooze T211248 2w'),
  ', ',
  code('snooze TCB-KR1 until 2021-02-15'),
  ' or ',
  code('snooze TCB-KR1 off'),
  '.',
];

export const snoozeCommand = defineCommand<Deps>({
  name: 'snooze',
  summary: 'Pauses overdue and stale nudges about an item for a while (off lifts it)',
  usage: 'snooze <ref> <duration | until YYYY-MM-DD | off>',
  examples: [
    {
      input: 'snooze T211248 2w',
      result: 'Nudges about T211248 are paused until the end of 2019-09-11.',
    },
    {
      input: 'snooze TCB-KR1 until 2021-02-15',
      result: 'Nudges about TCB-KR1 are paused until the end of 2021-02-15.',
    },
    { input: 'snooze TCB-KR1 off', result: 'Nudges about TCB-KR1 are on again.' },
  ],
  async run({ args }, ctx, deps) {
    const [refText = '', ...rest] = args;
    const ref = parseRef(refText);
    const until = parseUntil(rest.join(' '));
    if (!ref) return errorReply(...USAGE);
    if (!until) return errorReply(untilProblem(rest.join(' ')), ' ', ...USAGE);
    const resolved = await resolveRef(ref, ctx, deps);
    if ('error' in resolved) return errorReply(resolved.error);
    const authority = await authorityOf(ctx, deps);
    const allowed =
      'goal' in resolved
        ? mayChangeTeam(authority, {
            id: resolved.goal.teamId,
            parentId: resolved.goal.teamParentId,
          })
        : mayChangeKeyResult(authority, resolved.keyResult.id);
    if (!allowed)
      return errorReply(`Only those who may change ${refText} (or an admin) may snooze it.`);
    const subject =
      'goal' in resolved ? { goalId: resolved.goal.id } : { keyResultId: resolved.keyResult.id };
    const zone = ctx.actor.person?.timeZone ?? ctx.timeZone;
    if (until.kind === 'off') {
      await deps.admin.snooze(subject, null, changeOf(ctx));
      return reply(paragraph(`Nudges about ${refText} are on again.`));
    }
    const day =
      until.kind === 'day'
        ? until.day
        : dayIn(new Date(ctx.now.getTime() + until.days * 86_400_000), zone);
    const end = endOfDayIn(day, zone);
    const far = untilTooFar(day, end, ctx.now);
    if (far) return errorReply(far);
    if (end <= ctx.now) return errorReply(`${day} has already passed; snooze until a later day.`);
    await deps.admin.snooze(subject, end, changeOf(ctx));
    return reply(
      paragraph(
        `Nudges about ${refText} are paused until the end of ${day}. `,
        code('overdue'),
        ' still lists it, marked as snoozed.',
      ),
    );
  },
});
