import { defineCommand, type Services } from '../src/core/command.ts';
import { parseReplyLine } from '../src/domain/reply-parser.ts';
import { asSentence } from '../src/domain/text.ts';
import { authorityOf, recordMetric, resolveTarget } from '../src/features/updates.ts';
import { code, errorReply } from '../src/reply/document.ts';
import { outcomeReply } from './set.ts';

type Deps = Pick<Services, 'goals' | 'keyResults' | 'people' | 'changes' | 'teams'>;

export const metricCommand = defineCommand<Deps>({
  name: 'metric',
  summary: "Records a key result's measured value, with an optional note",
  usage: 'metric <kr> <value> [note]',
  examples: [
    {
      input: 'metric TCB-KR2 2067',
      result:
        'Recorded: TCB-KR2: 2067 tool maintainers on 2019-08-28 (target 2171 tool maintainers)',
    },
    {
      input: 'metric MTP-KR5 22 days, review backlog grew',
      result: 'Recorded: MTP-KR5: 22 days on 2019-08-28 (target 18 days)',
    },
    { input: 'metric PQ-KR2 40%', result: 'Recorded: PQ-KR2: 40% on 2019-08-28' },
  ],
  async run({ text }, ctx, deps) {
    const item = parseReplyLine(text);
    if (item.kind === 'proposal' && item.reading.kind === 'metric')
      return errorReply(
        `Not recorded: ${asSentence(item.doubt)} Give one exact value, e.g. `,
        code('metric TCB-KR2 2067'),
        '.',
      );
    if (item.kind === 'unknown' && /digits|store/.test(item.reason))
      return errorReply(`Not recorded: ${asSentence(item.reason)}`);
    if (item.kind !== 'metric') {
      return errorReply(
        'Usage: ',
        code('metric <kr> <value> [note]'),
        ', e.g. ',
        code('metric TCB-KR2 2067'),
        '. The value is a number, optionally with %.',
      );
    }
    const authority = await authorityOf(ctx, deps);
    const resolved = await resolveTarget(item.target, [], ctx, deps, authority);
    if ('error' in resolved)
      return errorReply(resolved.error.replace(/^./, (c) => c.toUpperCase()));
    if (!('keyResult' in resolved)) return errorReply('Values are recorded for key results only.');
    return outcomeReply(
      await recordMetric(
        resolved.keyResult,
        item.value,
        item.percent,
        item.note,
        ctx,
        deps,
        authority,
      ),
    );
  },
});
