import { defineCommand, type Services } from '../src/core/command.ts';
import { slugify } from '../src/domain/text.ts';
import {
  accountProblem,
  CHAT_TRANSPORT_CHOICES,
  CHAT_TRANSPORT_NAMES,
  CHAT_TRANSPORTS,
  chatTransportInfo,
  parseChatTransport,
} from '../src/domain/transports.ts';
import { changeOf } from '../src/features/updates.ts';
import { code, errorReply, paragraph, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'people' | 'admin'>;

export const personCommand = defineCommand<Deps>({
  name: 'person',
  summary: `Admin: adds people and links their ${CHAT_TRANSPORT_NAMES} accounts`,
  usage: `person add <handle> <name> | person link <handle> ${CHAT_TRANSPORT_CHOICES} <id>`,
  examples: ['person add joseph-allemandou Joseph Allemandou', 'person link nuria-ruiz irc nuria'],
  async run({ args }, ctx, deps) {
    if (!ctx.actor.isAdmin)
      return errorReply('Only an admin may do that. Admins are set with OKRBOT_ADMINS.');
    const [verb = '', handleText = '', ...rest] = args;
    const handle = slugify(handleText);
    if (verb === 'add' && handle && rest.length) {
      const name = rest.join(' ');
      const added = await deps.admin.addPerson(handle, name, null, changeOf(ctx));
      return added
        ? reply(paragraph(`${name} added with the handle ${handle}.`))
        : errorReply(`The handle ${handle} is taken.`);
    }
    if (verb === 'link' && handle && rest.length === 2) {
      const [transportText = '', id = ''] = rest;
      const transport = parseChatTransport(transportText);
      if (!transport) return errorReply(`Link an account on ${CHAT_TRANSPORTS.join(' or ')}.`);
      const problem = accountProblem(transport, id);
      if (problem) return errorReply(problem);
      const person = await deps.people.findByHandle(handle);
      if (!person)
        return errorReply(
          `Nobody has the handle ${handle}. `,
          code('person add'),
          ' adds a person.',
        );
      const { ownerId } = await deps.admin.linkIdentity(person.id, transport, id, changeOf(ctx));
      if (ownerId !== person.id)
        return errorReply(`That ${transport} account is already linked to someone else.`);
      return reply(
        paragraph(
          `${person.name} is now linked to the ${chatTransportInfo(transport).account.noun} ${id}.`,
        ),
      );
    }
    return errorReply(
      'Usage: ',
      code('person add <handle> <name>'),
      ' or ',
      code(`person link <handle> ${CHAT_TRANSPORT_CHOICES} <id>`),
      '.',
    );
  },
});
