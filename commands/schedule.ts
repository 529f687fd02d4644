import {
  type CommandContext,
  defineCommand,
  type Example,
  type Services,
  type Subcommand,
} from '../src/core/command.ts';
import { usageError } from '../src/core/command-path.ts';
import {
  type AnySchedule,
  describeSchedule,
  nextDueInstant,
  parseLocalTime,
  parseWeekday,
  SCHEDULE_KINDS,
  type ScheduleKind,
} from '../src/domain/schedules.ts';
import { excerpt } from '../src/domain/text.ts';
import {
  CHAT_TRANSPORT_CHOICES,
  CHAT_TRANSPORTS,
  channelProblem,
  chatTransportInfo,
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

type Deps = Pick<Services, 'teams' | 'schedules' | 'channelChecks'>;

const NAMES: Record<ScheduleKind, string> = {
  prompt: 'Monthly prompt',
  digest: 'Weekly digest',
  overdue: 'Overdue check',
};

/** What follows `schedule <department> <kind>`, and what it does. */
const KIND_HELP: Record<ScheduleKind, Pick<Subcommand, 'summary' | 'usage'>> = {
  prompt: {
    summary:
      'When managers get the monthly prompt (a day of the month and a local time), and the reminders after it; or switches it on or off',
    usage: 'schedule <department> prompt on|off|<day> <HH:MM> [reminders 3,6|none]',
  },
  digest: {
    summary:
      "When the weekly digest goes to the department's digest channels; or switches it on or off",
    usage: 'schedule <department> digest on|off|<weekday> <HH:MM>',
  },
  overdue: {
    summary:
      'When the daily check for overdue and stale items nudges their owners; or switches it on or off',
    usage: 'schedule <department> overdue on|off|<HH:MM>',
  },
};

/** The examples change Technology's schedules, in this order, from the demo data's defaults. */
const KIND_EXAMPLES: Record<ScheduleKind, Example[]> = {
  prompt: [
    {
      input: 'schedule technology prompt 18 09:30 reminders 2,5',
      result:
        'Monthly prompt of Technology: monthly on the 18th at 09:30, reminders 2 and 5 days later if unanswered; next 2019-09-18 09:30 UTC.',
    },
  ],
  digest: [
    {
      input: 'schedule technology digest friday 16:00',
      result: 'Weekly digest of Technology: weekly on Friday at 16:00; next 2019-08-30 16:00 UTC.',
    },
  ],
  overdue: [
    { input: 'schedule technology overdue off', result: 'Overdue check of Technology: off.' },
    {
      input: 'schedule technology overdue 10:00',
      result: 'Overdue check of Technology: daily at 10:00; next 2019-08-29 10:00 UTC.',
    },
  ],
};

const kindSubcommand = (kind: ScheduleKind): Subcommand<Deps> => ({
  path: `<department> ${kind}`,
  ...KIND_HELP[kind],
  examples: KIND_EXAMPLES[kind],
  async run({ args }, ctx, deps) {
    const [departmentText = '', ...words] = args;
    const found = await findDepartment(departmentText, deps);
    if ('reply' in found) return found.reply;
    const { department } = found;
    if (!ctx.actor.isAdmin) return adminsOnly();
    const current = (await deps.schedules.effective([department.id])).get(
      department.id,
    ) as DepartmentSchedules;
    const changed = reschedule(current[kind], words);
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

const digestChannelUsage = (action: 'add' | 'remove') =>
  `schedule <department> digest channel ${action} ${CHAT_TRANSPORT_CHOICES} <channel>`;

/** `digest channel add` and `remove`: where the weekly digest goes. */
function digestChannel(action: 'add' | 'remove'): Subcommand<Deps> {
  const [transport] = CHAT_TRANSPORTS;
  const { example } = chatTransportInfo(transport).channel;
  const entry: Subcommand<Deps> = {
    path: `<department> digest channel ${action}`,
    summary:
      action === 'add'
        ? "Sends the department's weekly digest to a channel too"
        : "Stops sending the department's weekly digest to a channel",
    usage: digestChannelUsage(action),
    examples: [
      {
        input: `schedule technology digest channel ${action} ${transport} ${example}`,
        result:
          action === 'add'
            ? `Technology's weekly digest now goes to ${example} (${transport}) too.`
            : `Technology's weekly digest no longer goes to ${example} (${transport}).`,
      },
    ],
    async run({ args }, ctx, deps) {
      const [departmentText = '', transportText = '', channel = ''] = args;
      const found = await findDepartment(departmentText, deps);
      if ('reply' in found) return found.reply;
      const { department } = found;
      if (!ctx.actor.isAdmin) return adminsOnly();
      const chat = parseChatTransport(transportText);
      if (!chat || !channel) return usageError([entry]);
      const problem =
        channelProblem(chat, channel) ??
        (action === 'add' ? await deps.channelChecks.problem(chat, channel) : undefined);
      if (problem) return errorReply(problem);
      const done = await deps.schedules.setDigestChannel(
        department.id,
        { transport: chat, channel },
        action === 'add',
        changeOf(ctx),
      );
      if (!done)
        return reply(
          paragraph(
            `Nothing to do: ${channel} (${chat}) ${action === 'add' ? 'already is' : 'is not'} a digest channel of ${department.name}.`,
          ),
        );
      return reply(
        paragraph(
          action === 'add'
            ? `${department.name}'s weekly digest now goes to ${channel} (${chat}) too.`
            : `${department.name}'s weekly digest no longer goes to ${channel} (${chat}).`,
        ),
      );
    },
  };
  return entry;
}

const SUBCOMMANDS = [
  ...SCHEDULE_KINDS.map(kindSubcommand),
  digestChannel('add'),
  digestChannel('remove'),
];

export const scheduleCommand = defineCommand<Deps>({
  name: 'schedule',
  takesChatIds: true,
  summary:
    "A department's schedules: the monthly prompt, the weekly digest (and its channels), the daily overdue check",
  usage: 'schedule [department] [prompt|digest|overdue ...]',
  examples: [
    {
      input: 'schedule technology',
      result:
        'Monthly prompt: monthly on the 20th at 10:00, reminders 3 and 6 days later if unanswered; next 2019-09-20 10:00 UTC (catch-up 5 days)',
    },
  ],
  subcommands: SUBCOMMANDS,
  // The words no path matches: `schedule` and `schedule <department>` show the schedules.
  async run({ args }, ctx, deps) {
    const [departmentText, ...more] = args;
    if (!departmentText) {
      const all = await deps.teams.departments();
      if (all.length === 0) return reply(paragraph('There are no departments yet.'));
      const blocks: Block[] = [];
      for (const department of all) blocks.push(...(await show(department, ctx, deps)));
      return reply(...blocks);
    }
    const found = await findDepartment(departmentText, deps);
    if ('reply' in found) return found.reply;
    if (more.length) return usageError(SUBCOMMANDS);
    return reply(...(await show(found.department, ctx, deps)));
  },
});

const adminsOnly = () =>
  errorReply('Only an admin may change schedules. Admins are set with OKRBOT_ADMINS.');

async function findDepartment(
  text: string,
  deps: Deps,
): Promise<{ department: Department } | { reply: Reply }> {
  const department = await deps.teams.findDepartment(text);
  if (department) return { department };
  const known = (await deps.teams.departments()).map((d) => d.slug).join(', ');
  return { reply: errorReply(`No department "${excerpt(text, 60)}" (${known || 'none yet'}).`) };
}

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
              code(digestChannelUsage('add').replace('<department>', department.slug)),
            ],
      },
    ]),
  ];
}
