import { defineCommand, type Services } from '../src/core/command.ts';
import { parseRef } from '../src/domain/refs.ts';
import { parseReplyLine } from '../src/domain/reply-parser.ts';
import { leadingStatus } from '../src/domain/status-phrase.ts';
import { asSentence } from '../src/domain/text.ts';
import {
  authorityOf,
  resolveTarget,
  setGoalStatus,
  setKeyResultStatus,
} from '../src/features/updates.ts';
import { code, errorReply, paragraph, type Reply, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'goals' | 'keyResults' | 'people' | 'changes' | 'teams'>;

export const setCommand = defineCommand<Deps>({
  name: 'set',
  summary: 'Records a status for a goal or key result, with an optional note',
  usage: 'set <ref> <status> [note]',
  examples: [
    {
      input: 'set T211248 done migrated ahead of schedule',
      result:
        'T211248 Continue moving events from job queue to event gate main: In progress → Done (note: migrated ahead of schedule)',
    },
    {
      input: 'set T223626 postponed: licensing',
      result: 'T223626 Development work for kafka connect: still Postponed (note: licensing)',
    },
    { input: 'set TCB-KR1 in progress', result: 'Recorded: TCB-KR1: In progress' },
  ],
  async run({ text }, ctx, deps) {
    const read = parseReplyLine(text);
    // The grammar is `set <ref> <status> [note]`: a status typed right after the ref is the one
    // recorded, and the rest is its note as typed ("blocked waiting on hardware").
    const [, first = '', rest = ''] = /^\s*(\S+)\s*(.*)$/su.exec(text) ?? [];
    const typed = parseRef(first) ? leadingStatus(rest) : undefined;
    const reading = read.kind === 'proposal' ? read.reading : read;
    if (typed?.asked)
      return errorReply(
        `Not recorded: "${typed.said}?" is a question. Write the status plainly, e.g. `,
        code(`set ${first} ${typed.said}`),
        '.',
      );
    // Otherwise a doubt is answered by writing the status plainly.
    if (read.kind === 'proposal' && !(typed && reading.kind === 'status'))
      return errorReply(
        `Not recorded: ${asSentence(read.doubt)} Write the status plainly, e.g. `,
        code('set T211248 done'),
        '.',
      );
    const item =
      typed && reading.kind === 'status'
        ? { ...reading, status: typed.status, note: typed.note }
        : reading;
    if (item.kind === 'metric')
      return errorReply('That is a value: use ', code(`metric ${text}`), '.');
    // A ref followed by something that is not a status: say what was wrong with it.
    if (item.kind === 'unknown' && parseRef(text.split(/\s+/)[0] ?? '')) {
      return errorReply(`${item.reason.replace(/^./, (c) => c.toUpperCase())}.`);
    }
    const target =
      item.kind === 'status' && item.targets.length === 1 ? item.targets[0] : undefined;
    if (item.kind !== 'status' || !target || target.kind === 'number' || target.kind === 'title') {
      return errorReply(
        'Usage: ',
        code('set <ref> <status> [note]'),
        ', e.g. ',
        code('set T211248 done migrated ahead of schedule'),
        '. A ref is a task id, a goal id from ',
        code('goals'),
        ' or a key result such as ',
        code('TCB-KR2'),
        '.',
      );
    }
    const authority = await authorityOf(ctx, deps);
    const resolved = await resolveTarget(target, [], ctx, deps, authority);
    if ('error' in resolved)
      return errorReply(resolved.error.replace(/^./, (c) => c.toUpperCase()));
    const outcome =
      'goal' in resolved
        ? await setGoalStatus(resolved.goal, item.status, item.note, ctx, deps, authority)
        : await setKeyResultStatus(
            resolved.keyResult,
            item.status,
            item.note,
            ctx,
            deps,
            authority,
          );
    return outcomeReply(outcome);
  },
});

export function outcomeReply(outcome: {
  ok: boolean;
  line: import('../src/reply/document.ts').Line;
}): Reply {
  if (!outcome.ok) return errorReply(...outcome.line);
  return reply(
    paragraph('Recorded: ', ...outcome.line),
    paragraph(code('undo'), ' reverts it within 10 minutes.'),
  );
}
