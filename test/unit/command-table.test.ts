import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import type { Command, CommandRequest, Subcommand } from '../../src/core/command.ts';
import { findSubcommand, resolveCommand } from '../../src/core/command-path.ts';
import { createRegistry } from '../../src/core/registry.ts';
import { paragraph, reply } from '../../src/reply/document.ts';
import { renderText } from '../../src/reply/render-text.ts';

/** A path whose run answers with its name and the request it got. */
function path(words: string, usage = `tool ${words} <thing>`): Subcommand {
  return {
    path: words,
    summary: words,
    usage,
    examples: [],
    run: async (request) => reply(paragraph(`${words}: ${JSON.stringify(request)}`)),
  };
}

const tool = (subcommands: Subcommand[], own = true): Command => ({
  name: 'tool',
  summary: 'a tool',
  usage: 'tool ...',
  examples: [],
  subcommands,
  ...(own ? { run: async (request) => reply(paragraph(`own: ${JSON.stringify(request)}`)) } : {}),
});

const TOOL = tool([
  path('add'),
  path('manager add'),
  path('manager remove'),
  path('<department> digest'),
  path('<department> digest channel add'),
]);

async function answer(command: Command, line: string): Promise<string> {
  const args = line.split(' ').filter(Boolean);
  const request: CommandRequest = { args, text: line };
  const { run, request: resolved } = resolveCommand(command, request);
  return renderText(await run(resolved, {} as never, {} as never));
}

describe('command paths', () => {
  it.each([
    [
      'add platform-ops  Platform Ops',
      'add: {"args":["platform-ops","Platform","Ops"],"text":"platform-ops  Platform Ops"}',
    ],
    [
      'MANAGER Add analytics leila',
      'manager add: {"args":["analytics","leila"],"text":"analytics leila"}',
    ],
    [
      'tech digest monday 09:00',
      '<department> digest: {"args":["tech","monday","09:00"],"text":"monday 09:00"}',
    ],
    [
      'tech digest channel add slack C1',
      '<department> digest channel add: {"args":["tech","slack","C1"],"text":"slack C1"}',
    ],
    ['', 'own: {"args":[],"text":""}'],
    ['tech', 'own: {"args":["tech"],"text":"tech"}'],
    ['tech frobnicate', 'own: {"args":["tech","frobnicate"],"text":"tech frobnicate"}'],
  ])('runs the longest path %j starts with, else the command itself', async (line, expected) => {
    expect(await answer(TOOL, line)).toBe(expected);
  });

  it('answers words heading for a path with the usage of the paths they could mean', async () => {
    expect(await answer(TOOL, 'manager')).toBe(
      'Usage:\n\n- tool manager add <thing>\n- tool manager remove <thing>',
    );
    expect(await answer(TOOL, 'tech digest channel remove')).toBe(
      'Usage: tool <department> digest channel add <thing>',
    );
    expect(await answer(tool([path('add'), path('rename')], false), 'frobnicate')).toBe(
      'Usage:\n\n- tool add <thing>\n- tool rename <thing>',
    );
  });

  it('finds a path for help by its literal words', () => {
    expect(findSubcommand(TOOL, ['digest', 'Channel', 'add'])?.path).toBe(
      '<department> digest channel add',
    );
    expect(findSubcommand(TOOL, ['manager'])).toBeUndefined();
  });
});

describe('the registry', () => {
  it('accepts the command table', () => {
    expect(createRegistry(COMMANDS).find('TEAM')?.name).toBe('team');
  });

  it.each<[string, Command[], RegExp]>([
    ['a name twice', [tool([]), tool([])], /"tool" is defined twice/],
    [
      'an alias that is a name',
      [tool([]), { ...tool([]), name: 'other', aliases: ['tool'] }],
      /"tool" is defined twice/,
    ],
    ['a path twice', [tool([path('add'), path('add')])], /"tool add" and "tool add" overlap/],
    [
      'paths the same words select',
      [tool([path('<a> digest'), path('tech <b>')])],
      /"tool tech <b>" and "tool <a> digest" overlap/,
    ],
    ['a path of slots only', [tool([path('<a>')])], /needs a literal word/],
    [
      'a usage that is not its path',
      [tool([path('add', 'tool create <x>')])],
      /usage of "tool add"/,
    ],
    ['a command that cannot run', [tool([], false)], /neither a run nor subcommands/],
  ])('refuses %s at start-up', (_what, commands, message) => {
    expect(() => createRegistry(commands)).toThrow(message);
  });
});

describe('the examples', () => {
  it('cover every command that runs by itself and every subcommand', () => {
    for (const command of COMMANDS) {
      if (command.run) expect(command.examples.length, command.name).toBeGreaterThan(0);
      for (const subcommand of command.subcommands ?? [])
        expect(subcommand.examples.length, `${command.name} ${subcommand.path}`).toBeGreaterThan(0);
    }
  });
});
