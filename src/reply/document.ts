import type { Status } from '../domain/status.ts';

// What a command answers with: a small, transport-neutral document. Adapters render it
// (plain text for the terminal, a chat's own markup or lines), so commands never write markup.

export type Inline =
  | string
  | { kind: 'strong'; text: string }
  /** `command`: a command line to type; each chat shows it as typed there (`/okr help`). */
  | { kind: 'code'; text: string; command?: boolean }
  | { kind: 'status'; status: Status | null }
  | { kind: 'link'; url: string; text: string }
  | { kind: 'mention'; handle: string; name: string }
  | { kind: 'date'; at: Date; zone: string };

export type Line = Inline[];

export interface ListItem {
  content: Line;
  children?: ListItem[];
}

export type Block =
  | { kind: 'heading'; content: Line }
  | { kind: 'paragraph'; content: Line }
  | { kind: 'context'; content: Line }
  | { kind: 'list'; items: ListItem[] }
  | { kind: 'table'; columns: string[]; rows: Line[] }
  | { kind: 'divider' };

export interface Reply {
  /** `error` replies are expected user errors: a clear sentence, never a stack trace. */
  tone: 'info' | 'error';
  blocks: Block[];
}

export const strong = (text: string): Inline => ({ kind: 'strong', text });
export const code = (text: string): Inline => ({ kind: 'code', text });
/** A command line to type (`help status`), shown as each chat takes commands. */
export const commandCode = (text: string): Inline => ({ kind: 'code', text, command: true });
export const badge = (status: Status | null): Inline => ({ kind: 'status', status });
export const link = (url: string, text: string): Inline => ({ kind: 'link', url, text });
export const date = (at: Date, zone: string): Inline => ({ kind: 'date', at, zone });

export const heading = (...content: Line): Block => ({ kind: 'heading', content });
export const paragraph = (...content: Line): Block => ({ kind: 'paragraph', content });
export const context = (...content: Line): Block => ({ kind: 'context', content });
export const list = (items: ListItem[]): Block => ({ kind: 'list', items });
export const table = (columns: string[], rows: Line[]): Block => ({ kind: 'table', columns, rows });

export function reply(...blocks: Block[]): Reply {
  return { tone: 'info', blocks };
}

export function errorReply(...content: Line): Reply {
  return { tone: 'error', blocks: [paragraph(...content)] };
}
