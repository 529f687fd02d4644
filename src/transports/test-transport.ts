import { appendFileSync, readFileSync } from 'node:fs';
import { renderLine } from '../reply/render-text.ts';
import type { ChatTransport } from '../store/people.ts';
import type { ChatAdapter, OutboundMessage } from './chat-adapter.ts';

// A TEST SEAM, not a transport for people: with OKRBOT_TEST_TRANSPORT=slack:/tmp/sent.jsonl every
// message okrbot would send on Slack is appended to that file as one JSON line instead, so tests
// that run okrbot as child processes can count what left (several processes may share the file:
// each line is one append). It also answers `wasDelivered` from the file, as the Slack adapter
// does from the channel's history. Tests switch to the real adapters against fake servers once
// those exist.

export interface SentLine {
  key: string;
  transport: ChatTransport;
  to: OutboundMessage['to'];
  /** `prompt` (with its id and reminder number) or `document` (with its first heading). */
  content:
    | { type: 'prompt'; promptId: number; reminder: number }
    | { type: 'document'; heading: string };
  messageId: string;
  pid: number;
  /** Milliseconds since the epoch, on this machine's clock. */
  at: number;
}

/** What a test transport's file holds so far, oldest first. */
export function readSentLines(file: string): SentLine[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SentLine);
}

export function createTestTransport(transport: ChatTransport, file: string): ChatAdapter {
  let sent = 0;
  return {
    transport,
    async start() {},
    async stop() {},
    health: () => ({
      connected: true,
      detail: `writing messages to ${file} (test transport)`,
      reconnects: 0,
    }),
    async deliver(message) {
      const heading =
        message.content.type === 'document'
          ? message.content.reply.blocks.find((b) => b.kind === 'heading')
          : undefined;
      const line: SentLine = {
        key: message.key,
        transport,
        to: message.to,
        content:
          message.content.type === 'prompt'
            ? message.content
            : {
                type: 'document',
                heading: heading && 'content' in heading ? renderLine(heading.content) : '',
              },
        messageId: `${process.pid}.${++sent}`,
        pid: process.pid,
        at: Date.now(),
      };
      appendFileSync(file, `${JSON.stringify(line)}\n`);
      return { ok: true, messageId: line.messageId };
    },
    async wasDelivered(message) {
      const line = readSentLines(file).find((l) => l.key === message.key);
      return line ? { messageId: line.messageId } : undefined;
    },
  };
}
