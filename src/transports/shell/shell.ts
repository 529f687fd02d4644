import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Actor } from '../../core/command.ts';
import type { Dispatch } from '../../core/dispatch.ts';
import type { Reply } from '../../reply/document.ts';
import { renderText } from '../../reply/render-text.ts';

/** What the shell needs of the dispatcher. */
export type ShellDispatch = ((line: string, actor: Actor) => Promise<Reply | undefined>) &
  Pick<Dispatch, 'exchangeOf'>;

export interface ShellOptions {
  dispatch: ShellDispatch;
  actor: Actor;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where a terminal session keeps its history between runs; none for pipes. */
  historyFile?: string;
  /** Ends the shell (the bot is stopping for another reason, such as SIGTERM). */
  signal?: AbortSignal;
}

const QUIT = new Set(['quit', 'exit', ':q']);
const HISTORY_SIZE = 500;

/**
 * The shell chat. On a terminal: a prompt with history and `help`. On a pipe: one command per
 * line, each reply printed in order, done at end of input (so scripts can use it).
 */
export async function runShell(options: ShellOptions): Promise<void> {
  return options.input.isTTY ? runTerminal(options) : runPipe(options);
}

async function runPipe({ dispatch, actor, input, output, signal }: ShellOptions): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  signal?.addEventListener('abort', () => lines.close(), { once: true });
  let first = true;
  for await (const line of lines) {
    if (QUIT.has(line.trim())) break;
    const reply = await dispatch(line, actor);
    if (!reply) continue;
    output.write(`${first ? '' : '\n'}${renderText(reply)}\n`);
    first = false;
  }
}

async function runTerminal({
  dispatch,
  actor,
  input,
  output,
  historyFile,
  signal,
}: ShellOptions): Promise<void> {
  const history = historyFile ? await loadHistory(historyFile) : [];
  const rl = createInterface({
    input,
    output,
    terminal: true,
    history,
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  output.write(
    `okrbot shell — you are ${actor.label}. Type help for commands, quit (or Ctrl-D) to leave.\n`,
  );
  // The prompt says when lines go to an open `update` rather than being read as commands.
  const prompt = () => {
    rl.setPrompt(dispatch.exchangeOf(actor) ? 'update> ' : 'okr> ');
    rl.prompt();
  };
  prompt();
  const done = new Promise<void>((resolve) => rl.once('close', resolve));
  signal?.addEventListener('abort', () => rl.close(), { once: true });
  // Ctrl-C leaves, as `quit` does (raw mode keeps it from reaching the process as a signal).
  rl.on('SIGINT', () => rl.close());
  // One command at a time, in order, even when lines are pasted faster than replies come.
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    queue = queue.then(async () => {
      if (QUIT.has(line.trim())) {
        rl.close();
        return;
      }
      const reply = await dispatch(line, actor);
      if (reply) output.write(`${renderText(reply)}\n\n`);
      prompt();
    });
  });
  await done;
  await queue;
  output.write('\n');
  if (historyFile) {
    const lines = (rl as unknown as { history: string[] }).history;
    await writeFile(historyFile, `${lines.join('\n')}\n`).catch(() => {});
  }
}

async function loadHistory(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).slice(0, HISTORY_SIZE);
}
