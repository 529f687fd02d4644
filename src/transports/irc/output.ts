import type { Client } from 'irc-framework';
import type { Logger } from 'pino';
import type { Reply } from '../../reply/document.ts';
import { serverFold } from './casemapping.ts';
import { capLines } from './conversation.ts';
import { channelTypes, isChannel, isSafeTarget } from './names.ts';
import { fitLine, ircSafe, renderIrcLines } from './render-lines.ts';
import type { Lane, SendQueue } from './send-queue.ts';

// What okrbot says on IRC, from a reply document to queued PRIVMSG or NOTICE lines that fit the
// line limit once the server has put okrbot's prefix in front of them.

const IRC_LINE_BYTES = 512;

export type MessageCommand = 'PRIVMSG' | 'NOTICE';

export class InvalidTargetError extends Error {
  constructor(target: string) {
    super(`not a valid IRC target: ${JSON.stringify(target)}`);
    this.name = 'InvalidTargetError';
  }
}

export interface Output {
  /** okrbot's user@host as others see it (from its own JOIN); undefined assumes the longest. */
  setOwnMask(mask: { user: string; host: string } | undefined): void;
  render(reply: Reply, target: string): string[];
  /** At most `max` lines, the last saying `more(hidden)`. */
  shorten(lines: string[], target: string, max: number, more: (hidden: number) => string): string[];
  /** Queues the lines (an answer unless said otherwise); resolves once written to the socket. */
  send(target: string, texts: string[], command: MessageCommand, lane?: Lane): Promise<void>;
  /** The same where nobody could act on a failure: it is logged, and the promise never rejects. */
  sendLogged(target: string, texts: string[], command: MessageCommand): Promise<void>;
}

export function createOutput(options: {
  client: Client;
  queue: SendQueue;
  formatting: boolean;
  log: Logger;
  /** Told of each nick lines are queued for: okrbot must hear when it goes (see WatchedNicks). */
  follow: (nick: string) => void;
}): Output {
  const { client, queue, log } = options;
  let ownMask: { user: string; host: string } | undefined;

  /** Bytes the text of one PRIVMSG to `target` may take, after the prefix the server adds. */
  const textBudget = (target: string): number => {
    const userLen = Number(client.network.options.USERLEN ?? 10) + 1;
    const hostLen = Number(client.network.options.HOSTLEN ?? 63);
    const mask = ownMask ?? { user: 'u'.repeat(userLen), host: 'h'.repeat(hostLen) };
    const prefix = `:${client.user.nick}!${mask.user}@${mask.host} `;
    return IRC_LINE_BYTES - 2 - bytes(prefix) - bytes(`PRIVMSG ${target} :`);
  };

  const send = (
    target: string,
    texts: string[],
    command: MessageCommand,
    lane: Lane = 'answer',
  ): Promise<void> => {
    const types = channelTypes(client.network);
    if (!isSafeTarget(target, types)) return Promise.reject(new InvalidTargetError(target));
    if (!isChannel(target, types)) options.follow(target);
    return queue.send(
      serverFold(client.network)(target),
      texts.map((text) => `${command} ${target} :${text}`),
      lane,
    );
  };

  return {
    setOwnMask(mask) {
      ownMask = mask;
    },
    render(reply, target) {
      const budget = textBudget(target);
      return renderIrcLines(reply, options.formatting).flatMap((line) => fitLine(line, budget));
    },
    shorten(lines, target, max, more) {
      return capLines(
        lines,
        max,
        (hidden) => fitLine([{ text: ircSafe(more(hidden)) }], textBudget(target))[0] ?? '',
      );
    },
    send,
    sendLogged(target, texts, command) {
      return send(target, texts, command).catch((error: Error) =>
        log.warn({ target, error: error.message }, 'IRC: an answer was not sent'),
      );
    },
  };
}

function bytes(text: string): number {
  return Buffer.byteLength(text);
}
