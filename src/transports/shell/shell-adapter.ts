import type { AdapterContext } from '../../core/adapter-context.ts';
import type { Adapter } from '../../core/chat-adapter.ts';
import { runShell } from './shell.ts';
import type { ShellConfig } from './shell-config.ts';

/**
 * The shell as an adapter: the chat in this process's terminal (or the lines piped in), as the
 * local operator or the person OKRBOT_AS names. Its end (end of input, `quit`, Ctrl-C) stops
 * okrbot, as SIGTERM does; nothing is ever delivered to it.
 */
export function createShellAdapter(context: AdapterContext, config: ShellConfig): Adapter {
  const stopped = new AbortController();
  let session: Promise<void> | undefined;
  return {
    transport: context.transport,

    async start() {
      // Beside a chat network the shell runs only on a terminal: a service's standard input is
      // closed or /dev/null, and its end must not stop the bot.
      if (context.chatTransports.length > 0 && !process.stdin.isTTY) return;
      const actor = await context.actor(config.actAs, 'local operator');
      session = runShell({
        dispatch: context.dispatch,
        actor,
        input: process.stdin,
        output: process.stdout,
        historyFile: config.historyFile,
        signal: stopped.signal,
      })
        .catch((err: unknown) => context.logger.error({ err }, 'the shell failed'))
        .finally(() => context.requestStop());
    },

    async stop() {
      stopped.abort();
      await session;
    },
  };
}
