import { defineCommand, type Services } from '../src/core/command.ts';
import { suggest } from '../src/domain/text.ts';
import {
  code,
  context,
  errorReply,
  heading,
  list,
  paragraph,
  reply,
  table,
} from '../src/reply/document.ts';

type Deps = Pick<Services, 'registry'>;

export const helpCommand = defineCommand<Deps>({
  name: 'help',
  aliases: ['?'],
  summary: 'The commands, or how to use one',
  usage: 'help [command]',
  examples: ['help', 'help status'],
  readOnly: true,
  async run({ args }, _ctx, { registry }) {
    const [name] = args;
    if (!name) {
      return reply(
        heading('okrbot commands'),
        table(
          ['Command', 'What it does'],
          registry.commands.map((command) => [code(command.usage), command.summary]),
        ),
        context('Type ', code('help <command>'), ' for examples.'),
      );
    }
    const command = registry.find(name);
    if (!command) {
      const close = suggest(
        name,
        registry.commands.map((c) => c.name),
        1,
      );
      return errorReply(
        `No command "${name}".`,
        ...(close.length ? [' Did you mean ', code(close[0] as string), '?'] : []),
        ' Type ',
        code('help'),
        ' for the list.',
      );
    }
    return reply(
      heading(command.name),
      paragraph(command.summary),
      paragraph('Usage: ', code(command.usage)),
      ...(command.aliases?.length ? [paragraph(`Also: ${command.aliases.join(', ')}`)] : []),
      paragraph('Examples:'),
      list(command.examples.map((example) => ({ content: [code(example)] }))),
    );
  },
});
