import { type CommandContext, defineCommand, type Services } from '../src/core/command.ts';
import {
  type AnySchedule,
  describeSchedule,
  nextDueInstant,
  parseLocalTime,
  parseWeekday,
  SCHEDULE_KINDS,
  type ScheduleKind,
} from '../src/domain/schedules.ts';
import {
  CHAT_TRANSPORT_CHOICES,
  channelProblem,
  parseChatTransport,
} from '../src/domain/transports.ts';
import type { Department } from '../src/features/lookups.ts';
import { changeOf } from '../src/features/updates.ts';
import {
  type Block,
  code,
  context,
  errorReply,
  heading,
  list,
  paragraph,
  type Reply,
  reply,
} from '../src/reply/document.ts';
import { formatMoment } from '../src/reply/format.ts';
import type { DepartmentSchedules } from '../src/store/schedules.ts';

type Deps = Pick<Services, 'teams' | 'schedules'>;

const USAGE = [
  'schedule [department]',
  'schedule <department> prompt <day> <HH:MM> [reminders 3,6 | reminders none]',
  'schedule <department> digest <weekday> <HH:MM>',
  'schedule <department> overdue <HH:MM>',
  'schedule <department> prompt|digest|overdue on|off',
  `schedule <department> digest channel add|remove ${CHAT_TRANSPORT_CHOICES} <channel>`,
];

const NAMES: Record<ScheduleKind, string> = {
  prompt: 'Monthly prompt',
  digest: 'Weekly digest',
  overdue: 'Overdue check',
};

const usage = (): Reply => errorReply('Usage: ', USAGE.map((u) => `\n  ${u}`).join(''));

export const scheduleCommand = defineCommand<Deps>({
  name: 'schedule',
  summary:
    "A department's schedules: the monthly prompt, the weekly digest (and its channels), the daily overdue check",
  usage: 'schedule [department] [prompt|digest|overdue ...]',
  examples: [
    'schedule technology',
    'schedule technology digest monday 09:00',
    'schedule technology prompt 20 10:00 reminders 3,6',
    'schedule technology digest channel add slack C0123ABCD',
  ],
  async run({ args }, ctx, deps) {
    const [departmentText = '', kindText = '', ...rest] = args;
    if (!departmentText) {
      const all = await deps.teams.departments();
      if (all.length === 0) return reply(paragraph('There are no departments yet.'));
      const blocks: Block[] = [];
      for (const department of all) blocks.push(...(await show(department, ctx, deps)));
      return reply(...blocks);
    }
    const department = await deps.teams.findDepartment(departmentText);
    if (!department) {
      const known = (await deps.teams.departments()).map((d) => d.slug).join(', ');
      return errorReply(`No department "${departmentText}" (${known || 'none yet'}).`);
    }
    if (!kindText) return reply(...(await show(department, ctx, deps)));
    const kind = kindText.toLowerCase() as ScheduleKind;
    if (!SCHEDULE_KINDS.includes(kind)) return usage();
    if (!ctx.actor.isAdmin)
      return errorReply('Only an admin may change schedules. Admins are set with OKRBOT_ADMINS.');
    const current = (await deps.schedules.effective([department.id])).get(
      department.id,
    ) as DepartmentSchedules;
    if (kind === 'digest' && rest[0]?.toLowerCase() === 'channel')
      return digestChannel(department, rest.slice(1), ctx, deps);
    const changed = reschedule(current[kind], rest);
    if ('problem' in changed) return errorReply(changed.problem);
    const stored = await deps.schedules.set(department.id, changed, changeOf(ctx));
    return reply(
      paragraph(
        `${NAMES[kind]} of ${department.name}: ${summary(changed, department, ctx)}.`,
        stored === 'unchanged' ? ' (It already was.)' : '',
      ),
    );
  },
});

/** The schedule with the change the words ask for, or why not. */
function reschedule(schedule: AnySchedule, words: string[]): AnySchedule | { problem: string } {
  const [first = '', second = '', ...more] = words.map((w) => w.toLowerCase());
  if ((first === 'on' || first === 'off') && !second)
    return { ...schedule, enabled: first === 'on' } as AnySchedule;
  const time = (text: string) => parseLocalTime(text);
  switch (schedule.kind) {
    case 'prompt': {
      const day = Number(first.replace(/(st|nd|rd|th)$/, ''));
      const at = time(second);
      if (!Number.isInteger(day) || day < 1 || day > 31 || !at)
        return {
          problem:
            'Give a day of the month and a time, e.g. `schedule technology prompt 20 10:00`.',
        };
      let reminders = schedule.settings.reminders;
      if (more.length) {
        const [word, ...values] = more;
        const days = values
          .join(',')
          .split(/[,\s]+/)
          .filter(Boolean);
        if (word !== 'reminders' || days.length === 0)
          return {
            problem: 'After the time: `reminders 3,6` (days after the prompt) or `reminders none`.',
          };
        reminders = days[0] === 'none' ? [] : days.map(Number);
        if (
          reminders.some((d) => !Number.isInteger(d) || d < 1 || d > 27) ||
          new Set(reminders).size !== reminders.length
        )
          return {
            problem:
              'Reminders are different whole numbers of days from 1 to 27, e.g. `reminders 3,6`.',
          };
        reminders = [...reminders].sort((a, b) => a - b);
      }
      return { ...schedule, settings: { day, time: at, reminders }, enabled: true };
    }
    case 'digest': {
      const weekday = parseWeekday(first);
      const at = time(second);
      if (!weekday || !at || more.length)
        return {
          problem: 'Give a weekday and a time, e.g. `schedule technology digest monday 09:00`.',
        };
      return { ...schedule, settings: { weekday, time: at }, enabled: true };
    }
    case 'overdue': {
      const at = time(first);
      if (!at || second)
        return { problem: 'Give a time, e.g. `schedule technology overdue 10:00`.' };
      return { ...schedule, settings: { time: at }, enabled: true };
    }
  }
}

async function digestChannel(
  department: Department,
  words: string[],
  ctx: CommandContext,
  deps: Deps,
): Promise<Reply> {
  const [action = '', transportText = '', channel = ''] = words;
  const transport = parseChatTransport(transportText);
  if (!['add', 'remove'].includes(action) || !transport || !channel) return usage();
  const problem = channelProblem(transport, channel);
  if (problem) return errorReply(problem);
  const done = await deps.schedules.setDigestChannel(
    department.id,
    { transport, channel },
    action === 'add',
    changeOf(ctx),
  );
  if (!done)
    return reply(
      paragraph(
        `Nothing to do: ${channel} (${transport}) ${action === 'add' ? 'already is' : 'is not'} a digest channel of ${department.name}.`,
      ),
    );
  return reply(
    paragraph(
      action === 'add'
        ? `${department.name}'s weekly digest now goes to ${channel} (${transport}) too.`
        : `${department.name}'s weekly digest no longer goes to ${channel} (${transport}).`,
    ),
  );
}

function summary(schedule: AnySchedule, department: Department, ctx: CommandContext): string {
  if (!schedule.enabled) return 'off';
  const next = nextDueInstant(schedule, department.timeZone, ctx.now);
  return `${describeSchedule(schedule)}${next ? `; next ${formatMoment(next, department.timeZone)}` : ''}`;
}

async function show(department: Department, ctx: CommandContext, deps: Deps): Promise<Block[]> {
  const schedules = (await deps.schedules.effective([department.id])).get(
    department.id,
  ) as DepartmentSchedules;
  const channels = await deps.schedules.digestChannels(department.id);
  const days = (s: AnySchedule) => `catch-up ${s.catchUpSeconds / 86_400} days`;
  return [
    heading(`Schedules — ${department.name}`),
    context(
      `times in ${department.timeZone}; each manager gets the monthly prompt at that local time in their own zone`,
    ),
    list([
      ...SCHEDULE_KINDS.map((kind) => ({
        content: [
          `${NAMES[kind]}: ${summary(schedules[kind], department, ctx)} (${days(schedules[kind])})`,
        ],
      })),
      {
        content: channels.length
          ? [`Digest channels: ${channels.map((c) => `${c.channel} (${c.transport})`).join(', ')}`]
          : [
              'No digest channel yet: add one with ',
              code(
                `schedule ${department.slug} digest channel add ${CHAT_TRANSPORT_CHOICES} <channel>`,
              ),
            ],
      },
    ]),
  ];
}
