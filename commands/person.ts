import { defineCommand, type Services } from '../src/chat/command.ts';
import { changeOf } from '../src/chat/updates.ts';
import { slugify } from '../src/domain/text.ts';
import { code, errorReply, paragraph, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'people' | 'admin'>;

export const personCommand = defineCommand<Deps>({
  name: 'person',
  summary: 'Admin: adds people and links their Slack or IRC accounts',
  usage: 'person add <handle> <name> | person link <handle> slack|irc <id>',
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
      const [transport = '', id = ''] = rest;
      if (transport !== 'slack' && transport !== 'irc')
        return errorReply('Link a slack or an irc account.');
      // Slack user ids and IRC services account names; never IRC nicks, which anyone can take.
      if (transport === 'slack' && !/^[UW][A-Z0-9]{6,}$/.test(id))
        return errorReply(`"${id}" is not a Slack user id (like U0123ABCD).`);
      if (transport === 'irc' && !/^[A-Za-z0-9_\-[\]\\^{}|`]{1,50}$/.test(id))
        return errorReply(`"${id}" is not an IRC account name.`);
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
          `${person.name} is now linked to the ${transport === 'irc' ? 'IRC services account' : 'Slack user'} ${id}.`,
        ),
      );
    }
    return errorReply(
      'Usage: ',
      code('person add <handle> <name>'),
      ' or ',
      code('person link <handle> slack|irc <id>'),
      '.',
    );
  },
});
