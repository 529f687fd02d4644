import { type Command, defineCommand, type Example, type Services } from '../src/core/command.ts';
import { findSubcommand, literalWords } from '../src/core/command-path.ts';
import { excerpt, suggest } from '../src/domain/text.ts';
import { CHAT_TRANSPORT_CHOICES } from '../src/domain/transports.ts';
import {
  type Block,
  code,
  commandCode,
  context,
  errorReply,
  heading,
  list,
  paragraph,
  type Reply,
  reply,
  table,
} from '../src/reply/document.ts';

type Deps = Pick<Services, 'registry'>;

export const helpCommand = defineCommand<Deps>({
  name: 'help',
  aliases: ['?'],
  summary: 'The commands, or how to use one',
  usage: 'help [command [subcommand]]',
  examples: [
    { input: 'help', result: 'team add|rename|manager|delegate|channel ...' },
    { input: 'help status', result: 'Usage: status [team | T123456 | G12 | OBJ-KR1]' },
    { input: 'help team', result: 'team manager remove <team> <handle>' },
    {
      input: 'help team channel',
      result: `Usage: team channel <team> ${CHAT_TRANSPORT_CHOICES} <channel>`,
    },
  ],
  readOnly: true,
  async run({ args }, _ctx, { registry }) {
    const [name, ...path] = args;
    if (!name) {
      return reply(
        heading('okrbot commands'),
        table(
          ['Command', 'What it does'],
          registry.commands.map((command) => [commandCode(command.usage), command.summary]),
        ),
        context('Type ', commandCode('help <command>'), ' for examples.'),
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
        `No command "${excerpt(name, 40)}".`,
        ...(close.length ? [' Did you mean ', commandCode(close[0] as string), '?'] : []),
        ' Type ',
        commandCode('help'),
        ' for the list.',
      );
    }
    if (path.length === 0) return commandHelp(command);
    const subcommand = findSubcommand(command, path);
    if (!subcommand)
      return errorReply(
        `${command.name} has no subcommand "${path.join(' ')}". Type `,
        commandCode(`help ${command.name}`),
        ' for its list.',
      );
    return reply(
      heading(`${command.name} ${subcommand.path}`),
      paragraph(subcommand.summary),
      paragraph('Usage: ', code(subcommand.usage)),
      ...examplesOf(subcommand.examples),
    );
  },
});

function commandHelp(command: Command<Services>): Reply {
  const [first] = command.subcommands ?? [];
  return reply(
    heading(command.name),
    paragraph(command.summary),
    paragraph('Usage: ', commandCode(command.usage)),
    ...(command.aliases?.length ? [paragraph(`Also: ${command.aliases.join(', ')}`)] : []),
    ...(first
      ? [
          table(
            ['Subcommand', 'What it does'],
            (command.subcommands ?? []).map((s) => [code(s.usage), s.summary]),
          ),
          context(
            'Type ',
            commandCode(`help ${command.name} <subcommand>`),
            ' for one of them, e.g. ',
            commandCode(`help ${command.name} ${literalWords(first.path)}`),
            '.',
          ),
        ]
      : []),
    ...examplesOf([...command.examples, ...(command.subcommands ?? []).flatMap((s) => s.examples)]),
  );
}

function examplesOf(examples: readonly Example[]): Block[] {
  return [
    paragraph('Examples:'),
    list(examples.map((example) => ({ content: [code(example.input)] }))),
  ];
}
