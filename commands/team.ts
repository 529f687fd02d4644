import { defineCommand, type Services } from '../src/core/command.ts';
import { cleanText, normalizeIdentifier, slugify } from '../src/domain/text.ts';
import {
  CHAT_TRANSPORT_CHOICES,
  channelProblem,
  parseChatTransport,
} from '../src/domain/transports.ts';
import { findTeamOrExplain } from '../src/features/lookups.ts';
import { changeOf } from '../src/features/updates.ts';
import { code, errorReply, paragraph, type Reply, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'teams' | 'people' | 'admin'>;

const USAGE = [
  'team add <slug> <name> [in <department>] [under <parent>]',
  'team rename <team> <new name>',
  'team manager add|remove <team> <handle>',
  'team delegate add|remove <team> <handle>',
  `team channel <team> ${CHAT_TRANSPORT_CHOICES} <channel>`,
];

const MAX_NAME = 120;

/** A team name as typed, cleaned, or why it cannot be one. */
function cleanName(text: string): { value: string } | { problem: string } {
  const value = normalizeIdentifier(cleanText(text)).replace(/\s+/g, ' ');
  if (!value) return { problem: 'Give the team a name.' };
  if (value.length > MAX_NAME)
    return { problem: `Team names are limited to ${MAX_NAME} characters.` };
  return { value };
}

const usage = (): Reply => errorReply('Usage: ', USAGE.map((u) => `\n  ${u}`).join(''));

export const teamCommand = defineCommand<Deps>({
  name: 'team',
  summary: 'Admin: adds and renames teams, manages their managers, delegates and channels',
  usage: 'team add|rename|manager|delegate|channel ...',
  examples: [
    'team add platform-ops Platform Operations in technology under sre',
    'team delegate add analytics leila-zia',
    'team channel analytics irc #wikimedia-analytics',
  ],
  async run({ args }, ctx, deps) {
    const [verb = '', ...rest] = args;
    const isAdmin = ctx.actor.isAdmin;
    const admins = () =>
      errorReply('Only an admin may do that. Admins are set with OKRBOT_ADMINS.');
    switch (verb) {
      case 'add': {
        if (!isAdmin) return admins();
        const [slugText = '', ...words] = rest;
        const match = /^(.+?)(?:\s+in\s+(.+?))?(?:\s+under\s+(.+))?$/i.exec(words.join(' '));
        const slug = slugify(slugText);
        if (!slug || !match) return usage();
        if (slug !== slugText.toLowerCase())
          return errorReply(`A slug is lower-case letters, digits and dashes, e.g. ${slug}.`);
        const name = cleanName(match[1] as string);
        if ('problem' in name) return errorReply(name.problem);
        const taken = (await deps.teams.find(slug)) ?? (await deps.teams.find(name.value));
        if (taken)
          return errorReply(
            `${taken.name} (${taken.slug}) already has that slug or name; team names must tell teams apart.`,
          );
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
      }
      case 'rename': {
        if (!isAdmin) return admins();
        const [teamText = '', ...words] = rest;
        const found = await findTeamOrExplain(teamText, deps.teams);
        if ('reply' in found) return found.reply;
        const name = cleanName(words.join(' '));
        if ('problem' in name) return errorReply(name.problem);
        const taken = await deps.teams.find(name.value);
        if (taken && taken.id !== found.team.id)
          return errorReply(
            `${taken.name} (${taken.slug}) already has that name; team names must tell teams apart.`,
          );
        await deps.admin.renameTeam(found.team.id, name.value, changeOf(ctx));
        return reply(
          paragraph(`${found.team.name} is now called ${name.value}; the old name still finds it.`),
        );
      }
      case 'manager':
      case 'delegate': {
        const [action = '', teamText = '', handle = ''] = rest;
        if (!['add', 'remove'].includes(action) || !teamText || !handle) return usage();
        const found = await findTeamOrExplain(teamText, deps.teams);
        if ('reply' in found) return found.reply;
        // A team's managers may choose their own delegates; everything else is for admins.
        const managers =
          (await deps.people.members([found.team.id], 'manager')).get(found.team.id) ?? [];
        const ownTeam =
          ctx.actor.person !== undefined && managers.some((m) => m.id === ctx.actor.person?.id);
        if (!isAdmin && !(verb === 'delegate' && ownTeam))
          return errorReply(
            `Only an admin${verb === 'delegate' ? ` or a manager of ${found.team.name}` : ''} may do that.`,
          );
        const person = await deps.people.findByHandle(handle);
        if (!person)
          return errorReply(
            `Nobody has the handle ${handle}. `,
            code('person add'),
            ' adds a person.',
          );
        const changed = await deps.admin.setRole(
          found.team.id,
          person.id,
          verb,
          action === 'add',
          changeOf(ctx),
        );
        if (!changed)
          return reply(
            paragraph(
              `Nothing to do: ${person.name} ${action === 'add' ? 'already is' : 'is not'} a ${verb} of ${found.team.name}.`,
            ),
          );
        const left =
          (await deps.people.members([found.team.id], 'manager')).get(found.team.id) ?? [];
        const warning =
          verb === 'manager' && action === 'remove' && left.length === 0
            ? ` ${found.team.name} has no manager now: its prompts wait until one is added.`
            : '';
        return reply(
          paragraph(
            `${person.name} ${action === 'add' ? 'is now' : 'is no longer'} a ${verb} of ${found.team.name}.${warning}`,
          ),
        );
      }
      case 'channel': {
        if (!isAdmin) return admins();
        const [teamText = '', transport = '', channel = ''] = rest;
        const chat = parseChatTransport(transport);
        if (!chat || !channel) return usage();
        const problem = channelProblem(chat, channel);
        if (problem) return errorReply(problem);
        const found = await findTeamOrExplain(teamText, deps.teams);
        if ('reply' in found) return found.reply;
        const added = await deps.admin.setChannel(found.team.id, chat, channel, changeOf(ctx));
        return reply(
          paragraph(
            added
              ? `${channel} (${transport}) is now a channel of ${found.team.name}.`
              : `${channel} already is a channel of ${found.team.name}.`,
          ),
        );
      }
      default:
        return usage();
    }
  },
});
