import { defineCommand, type Services, type Subcommand } from '../src/core/command.ts';
import { usageError } from '../src/core/command-path.ts';
import { confusableWith } from '../src/domain/confusables.ts';
import { cleanText, excerpt, normalizeIdentifier, slugify } from '../src/domain/text.ts';
import {
  CHAT_TRANSPORT_CHOICES,
  CHAT_TRANSPORTS,
  channelProblem,
  chatTransportInfo,
  parseChatTransport,
} from '../src/domain/transports.ts';
import { findTeamOrExplain } from '../src/features/lookups.ts';
import { changeOf } from '../src/features/updates.ts';
import {
  code,
  commandCode,
  errorReply,
  paragraph,
  type Reply,
  reply,
} from '../src/reply/document.ts';

type Deps = Pick<Services, 'teams' | 'people' | 'admin' | 'channelChecks'>;

const MAX_NAME = 120;

/** A team name as typed, cleaned, or why it cannot be one. */
function cleanName(text: string): { value: string } | { problem: string } {
  const value = normalizeIdentifier(cleanText(text)).replace(/\s+/g, ' ');
  if (!value) return { problem: 'Give the team a name.' };
  if (value.length > MAX_NAME)
    return { problem: `Team names are limited to ${MAX_NAME} characters.` };
  return { value };
}

/** Why a team name would be mistaken for another team's ("Аnalytics" with a Cyrillic А), if so. */
async function lookAlike(name: string, deps: Deps, own?: string): Promise<string | undefined> {
  const others = (await deps.teams.list())
    .map((team) => team.name)
    .filter((other) => other !== own);
  const alike = confusableWith(name, others);
  return alike
    ? `"${excerpt(name, 60)}" looks like the team ${alike} (letters from another script, or digits for letters): choose a name people can tell apart.`
    : undefined;
}

const admins = (): Reply =>
  errorReply('Only an admin may do that. Admins are set with OKRBOT_ADMINS.');

const add: Subcommand<Deps> = {
  path: 'add',
  summary:
    'Adds a team to a department (the only one when there is one), under a parent team if given',
  usage: 'team add <slug> <name> [in <department>] [under <parent>]',
  examples: [
    {
      input: 'team add platform-ops Platform Operations in technology under sre',
      result: 'Team Platform Operations (platform-ops) added to Technology.',
    },
  ],
  async run({ args }, ctx, deps) {
    if (!ctx.actor.isAdmin) return admins();
    const [slugText = '', ...words] = args;
    const match = /^(.+?)(?:\s+in\s+(.+?))?(?:\s+under\s+(.+))?$/i.exec(words.join(' '));
    const slug = slugify(slugText);
    if (!slug || !match) return usageError([add]);
    if (slug !== slugText.toLowerCase())
      return errorReply(`A slug is lower-case letters, digits and dashes, e.g. ${slug}.`);
    const name = cleanName(match[1] as string);
    if ('problem' in name) return errorReply(name.problem);
    const taken = (await deps.teams.find(slug)) ?? (await deps.teams.find(name.value));
    if (taken)
      return errorReply(
        `${taken.name} (${taken.slug}) already has that slug or name; team names must tell teams apart.`,
      );
    const alike = await lookAlike(name.value, deps);
    if (alike) return errorReply(alike);
    const departments = await deps.teams.departments();
    const department = match[2]
      ? await deps.teams.findDepartment(match[2])
      : departments.length === 1
        ? departments[0]
        : undefined;
    if (!department) {
      const known =
        departments.map((d) => d.slug).join(', ') || 'none yet: import a quarter file first';
      return errorReply(
        match[2] ? `No department "${match[2]}" (${known}).` : 'Which department? Add ',
        ...(match[2] ? [] : [code('in <department>'), ` (${known}).`]),
      );
    }
    let parentId: number | null = null;
    if (match[3]) {
      const parent = await findTeamOrExplain(match[3], deps.teams);
      if ('reply' in parent) return parent.reply;
      parentId = parent.team.id;
    }
    const created = await deps.admin.addTeam(
      department.id,
      slug,
      name.value,
      parentId,
      changeOf(ctx),
    );
    if (!created) return errorReply(`A team with the slug ${slug} exists already.`);
    return reply(paragraph(`Team ${name.value} (${slug}) added to ${department.name}.`));
  },
};

const rename: Subcommand<Deps> = {
  path: 'rename',
  summary: 'Renames a team; the old name still finds it',
  usage: 'team rename <team> <new name>',
  examples: [
    {
      input: 'team rename platform-ops Platform Engineering',
      result:
        'Platform Operations is now called Platform Engineering; the old name still finds it.',
    },
  ],
  async run({ args }, ctx, deps) {
    if (!ctx.actor.isAdmin) return admins();
    const [teamText = '', ...words] = args;
    if (!teamText) return usageError([rename]);
    const found = await findTeamOrExplain(teamText, deps.teams);
    if ('reply' in found) return found.reply;
    const name = cleanName(words.join(' '));
    if ('problem' in name) return errorReply(name.problem);
    const taken = await deps.teams.find(name.value);
    if (taken && taken.id !== found.team.id)
      return errorReply(
        `${taken.name} (${taken.slug}) already has that name; team names must tell teams apart.`,
      );
    const alike = await lookAlike(name.value, deps, found.team.name);
    if (alike) return errorReply(alike);
    await deps.admin.renameTeam(found.team.id, name.value, changeOf(ctx));
    return reply(
      paragraph(`${found.team.name} is now called ${name.value}; the old name still finds it.`),
    );
  },
};

type Role = 'manager' | 'delegate';

/** `team manager add` and its three siblings: one role, given or taken. */
function roleChange(
  role: Role,
  action: 'add' | 'remove',
  summary: string,
  examples: Subcommand['examples'],
): Subcommand<Deps> {
  const entry: Subcommand<Deps> = {
    path: `${role} ${action}`,
    summary,
    usage: `team ${role} ${action} <team> <handle>`,
    examples,
    async run({ args }, ctx, deps) {
      const [teamText = '', handle = ''] = args;
      if (!teamText || !handle) return usageError([entry]);
      const found = await findTeamOrExplain(teamText, deps.teams);
      if ('reply' in found) return found.reply;
      // A team's managers may choose their own delegates; everything else is for admins.
      const managers =
        (await deps.people.members([found.team.id], 'manager')).get(found.team.id) ?? [];
      const ownTeam =
        ctx.actor.person !== undefined && managers.some((m) => m.id === ctx.actor.person?.id);
      if (!ctx.actor.isAdmin && !(role === 'delegate' && ownTeam))
        return errorReply(
          `Only an admin${role === 'delegate' ? ` or a manager of ${found.team.name}` : ''} may do that.`,
        );
      const person = await deps.people.findByHandle(handle);
      if (!person)
        return errorReply(
          `Nobody has the handle ${handle}. `,
          commandCode('person add'),
          ' adds a person.',
        );
      const changed = await deps.admin.setRole(
        found.team.id,
        person.id,
        role,
        action === 'add',
        changeOf(ctx),
      );
      if (!changed)
        return reply(
          paragraph(
            `Nothing to do: ${person.name} ${action === 'add' ? 'already is' : 'is not'} a ${role} of ${found.team.name}.`,
          ),
        );
      const left = (await deps.people.members([found.team.id], 'manager')).get(found.team.id) ?? [];
      const warning =
        role === 'manager' && action === 'remove' && left.length === 0
          ? ` ${found.team.name} has no manager now: its prompts wait until one is added.`
          : '';
      return reply(
        paragraph(
          `${person.name} ${action === 'add' ? 'is now' : 'is no longer'} a ${role} of ${found.team.name}.${warning}`,
        ),
      );
    },
  };
  return entry;
}

const channel: Subcommand<Deps> = {
  path: 'channel',
  summary:
    'Adds a chat channel to a team: prompts go there when a direct message cannot reach a manager',
  usage: `team channel <team> ${CHAT_TRANSPORT_CHOICES} <channel>`,
  examples: CHAT_TRANSPORTS.map((id) => {
    const { example } = chatTransportInfo(id).channel;
    return {
      input: `team channel analytics ${id} ${example}`,
      result: `${example} (${id}) is now a channel of Analytics.`,
    };
  }),
  async run({ args }, ctx, deps) {
    if (!ctx.actor.isAdmin) return admins();
    const [teamText = '', transport = '', name = ''] = args;
    const chat = parseChatTransport(transport);
    if (!chat || !name) return usageError([channel]);
    const problem = channelProblem(chat, name) ?? (await deps.channelChecks.problem(chat, name));
    if (problem) return errorReply(problem);
    const found = await findTeamOrExplain(teamText, deps.teams);
    if ('reply' in found) return found.reply;
    const added = await deps.admin.setChannel(found.team.id, chat, name, changeOf(ctx));
    return reply(
      paragraph(
        added
          ? `${name} (${transport}) is now a channel of ${found.team.name}.`
          : `${name} already is a channel of ${found.team.name}.`,
      ),
    );
  },
};

export const teamCommand = defineCommand<Deps>({
  name: 'team',
  takesChatIds: true,
  summary: 'Admin: adds and renames teams, manages their managers, delegates and channels',
  usage: 'team add|rename|manager|delegate|channel ...',
  examples: [],
  subcommands: [
    add,
    rename,
    roleChange('manager', 'add', 'Makes a person a manager of a team: its prompts go to them', [
      {
        input: 'team manager add platform-ops leila-zia',
        result: 'Leila Zia is now a manager of Platform Engineering.',
      },
    ]),
    roleChange('manager', 'remove', 'Takes a team manager off the team', [
      {
        input: 'team manager remove platform-ops leila-zia',
        result:
          'Leila Zia is no longer a manager of Platform Engineering. Platform Engineering has no manager now',
      },
    ]),
    roleChange(
      'delegate',
      'add',
      "Makes a person a delegate of a team: prompts go to them while its managers are away (a team's managers may do this too)",
      [
        {
          input: 'team delegate add analytics leila-zia',
          result: 'Leila Zia is now a delegate of Analytics.',
        },
      ],
    ),
    roleChange('delegate', 'remove', 'Takes a delegate off a team (its managers may do this too)', [
      {
        input: 'team delegate remove analytics leila-zia',
        result: 'Leila Zia is no longer a delegate of Analytics.',
      },
    ]),
    channel,
  ],
});
