import { defineCommand, type Services, type Subcommand } from '../src/core/command.ts';
import { usageError } from '../src/core/command-path.ts';
import { confusableWith } from '../src/domain/confusables.ts';
import { cleanText, excerpt, normalizeIdentifier, slugify } from '../src/domain/text.ts';
import {
  accountProblem,
  CHAT_TRANSPORT_CHOICES,
  CHAT_TRANSPORTS,
  chatTransportInfo,
  parseChatTransport,
} from '../src/domain/transports.ts';
import { changeOf } from '../src/features/updates.ts';
import { commandCode, errorReply, paragraph, reply } from '../src/reply/document.ts';

type Deps = Pick<Services, 'people' | 'admin'>;

const MAX_NAME = 120;

const admins = () => errorReply('Only an admin may do that. Admins are set with OKRBOT_ADMINS.');

const add: Subcommand<Deps> = {
  path: 'add',
  summary: 'Adds a person, who can then be given teams and chat accounts',
  usage: 'person add <handle> <name>',
  examples: [
    {
      input: 'person add joseph-allemandou Joseph Allemandou',
      result: 'Joseph Allemandou added with the handle joseph-allemandou.',
    },
  ],
  async run({ args }, ctx, deps) {
    if (!ctx.actor.isAdmin) return admins();
    const [handleText = '', ...words] = args;
    const handle = slugify(handleText);
    if (!handle || words.length === 0) return usageError([add]);
    const name = normalizeIdentifier(cleanText(words.join(' '))).replace(/\s+/g, ' ');
    if (name.length > MAX_NAME) return errorReply(`Names are limited to ${MAX_NAME} characters.`);
    const alike = confusableWith(name, await deps.people.names());
    if (alike)
      return errorReply(
        `"${excerpt(name, 60)}" looks like ${alike}, who is here already (letters from another script, or digits for letters): if it is someone else, write their name in their own script's letters only.`,
      );
    const added = await deps.admin.addPerson(handle, name, null, changeOf(ctx));
    return added
      ? reply(paragraph(`${name} added with the handle ${handle}.`))
      : errorReply(`The handle ${handle} is taken.`);
  },
};

const link: Subcommand<Deps> = {
  path: 'link',
  summary: "Links a person's chat account, so okrbot knows them there and can write to them",
  usage: `person link <handle> ${CHAT_TRANSPORT_CHOICES} <id>`,
  examples: CHAT_TRANSPORTS.map((id) => {
    const { example, noun } = chatTransportInfo(id).account;
    return {
      input: `person link nuria-ruiz ${id} ${example}`,
      result: `Nuria Ruiz is now linked to the ${noun} ${example}.`,
    };
  }),
  async run({ args }, ctx, deps) {
    if (!ctx.actor.isAdmin) return admins();
    const [handleText = '', transportText = '', id = '', ...more] = args;
    const handle = slugify(handleText);
    if (!handle || !id || more.length) return usageError([link]);
    const transport = parseChatTransport(transportText);
    if (!transport) return errorReply(`Link an account on ${CHAT_TRANSPORTS.join(' or ')}.`);
    const problem = accountProblem(transport, id);
    if (problem) return errorReply(problem);
    const person = await deps.people.findByHandle(handle);
    if (!person)
      return errorReply(
        `Nobody has the handle ${handle}. `,
        commandCode('person add'),
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
  },
};

export const personCommand = defineCommand<Deps>({
  name: 'person',
  takesChatIds: true,
  summary: `Admin: adds people and links their chat accounts (${CHAT_TRANSPORTS.map((id) => chatTransportInfo(id).name).join(' or ')})`,
  usage: `${add.usage} | ${link.usage}`,
  examples: [],
  subcommands: [add, link],
});
