import type { Status } from '../../domain/status.ts';
import { singleLine } from '../../domain/text.ts';
import type { Block, Inline, Line, ListItem, Reply } from '../../reply/document.ts';
import { renderInline } from '../../reply/render-text.ts';

// Reply documents as IRC lines. Two steps: a document becomes logical lines of styled runs
// (user text made safe on the way), then each logical line is cut into messages that fit the
// byte budget of one PRIVMSG, on grapheme boundaries and preferably at spaces.

export interface IrcStyle {
  bold?: boolean;
  /** mIRC colour number, two digits so a following digit is never read as part of it. */
  colour?: string;
}

export interface Run {
  text: string;
  style?: IrcStyle;
}

/** One line as the reader should see it, before it is cut to the line limit. */
export type IrcLine = Run[];

const BOLD = '\x02';
const COLOUR = '\x03';
const RESET = '\x0f';

const STATUS_COLOURS: Readonly<Record<Status, string>> = {
  to_do: '14',
  in_progress: '12',
  done: '03',
  partially_done: '07',
  not_done: '04',
  stalled: '05',
  postponed: '14',
  blocked: '04',
  cancelled: '14',
};

// mIRC formatting that user text may carry, with the arguments of colour codes (\x03 04,05 and
// the hex \x04 RRGGBB form); the remaining control characters go in singleLine.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control codes is the point.
const FORMATTING = /\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9a-f]{6}(?:,[0-9a-f]{6})?)?/gi;

/** Text without mIRC colour codes and their digits (the other codes are controls). */
export function stripColours(text: string): string {
  return text.replace(FORMATTING, '');
}

/** Text from anywhere as one IRC-safe run: no formatting or control codes, no line breaks. */
export function ircSafe(text: string): string {
  return singleLine(stripColours(text));
}

/** A reply document as logical IRC lines; `formatting` adds bold headings and coloured badges. */
export function renderIrcLines(reply: Reply, formatting: boolean): IrcLine[] {
  const lines = reply.blocks.flatMap((block) => renderBlock(block));
  return formatting ? lines : lines.map((line) => line.map(({ text }) => ({ text })));
}

function renderBlock(block: Block): IrcLine[] {
  switch (block.kind) {
    case 'heading':
      return [styled(runsOf(block.content), { bold: true })];
    case 'paragraph':
      return [runsOf(block.content)];
    case 'context':
      return [styled([{ text: '(' }, ...runsOf(block.content), { text: ')' }], { colour: '14' })];
    case 'list':
      return renderItems(block.items, 0);
    case 'table':
      return renderTable(block.columns, block.rows);
    case 'divider':
      return [];
  }
}

function renderItems(items: ListItem[], depth: number): IrcLine[] {
  return items.flatMap((item) => [
    [{ text: `${'  '.repeat(depth)}- ` }, ...runsOf(item.content)],
    ...renderItems(item.children ?? [], depth + 1),
  ]);
}

/** Columns padded to their widest cell (IRC clients mostly use fixed-width fonts), header in bold. */
function renderTable(columns: string[], rows: Line[]): IrcLine[] {
  const cells = [
    columns.map((column) => [{ text: ircSafe(column), style: { bold: true } }]),
    ...rows.map((row) => row.map(runOf).map((run) => [run])),
  ];
  const widths = columns.map((_, i) =>
    Math.max(...cells.map((row) => graphemeCount(textOf(row[i] ?? [])))),
  );
  return cells.map((row) =>
    row.flatMap((cell, i) => {
      const last = i === row.length - 1;
      const pad = last ? '' : ' '.repeat((widths[i] ?? 0) - graphemeCount(textOf(cell)) + 2);
      return pad ? [...cell, { text: pad }] : cell;
    }),
  );
}

function runsOf(line: Line): Run[] {
  return line.map(runOf);
}

function runOf(inline: Inline): Run {
  if (typeof inline !== 'string') {
    if (inline.kind === 'strong') return { text: ircSafe(inline.text), style: { bold: true } };
    if (inline.kind === 'status')
      return {
        text: ircSafe(renderInline(inline)),
        style: { bold: true, ...(inline.status ? { colour: STATUS_COLOURS[inline.status] } : {}) },
      };
  }
  return { text: ircSafe(renderInline(inline)) };
}

function styled(runs: Run[], style: IrcStyle): Run[] {
  return runs.map((run) => ({ ...run, style: { ...style, ...run.style } }));
}

function textOf(runs: Run[]): string {
  return runs.map((run) => run.text).join('');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const encoder = new TextEncoder();

function graphemeCount(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

// A grapheme this long is abuse (a combining-mark flood), not writing: it may be cut.
const LONGEST_GRAPHEME = 64;

interface Atom {
  text: string;
  bytes: number;
  /** `bold|colour`, '' when plain: equal keys need no codes between them. */
  style: string;
  space: boolean;
}

function opening(style: string): string {
  if (!style) return '';
  const [bold, colour] = style.split('|');
  return `${bold ? BOLD : ''}${colour ? `${COLOUR}${colour}` : ''}`;
}

function atomsOf(line: IrcLine): Atom[] {
  const atoms: Atom[] = [];
  for (const run of line) {
    const style =
      run.style?.bold || run.style?.colour
        ? `${run.style.bold ? 'b' : ''}|${run.style.colour ?? ''}`
        : '';
    for (const { segment } of graphemes.segment(run.text)) {
      const bytes = encoder.encode(segment).length;
      const pieces = bytes > LONGEST_GRAPHEME ? [...segment] : [segment];
      for (const piece of pieces)
        atoms.push({
          text: piece,
          bytes: encoder.encode(piece).length,
          style,
          space: piece === ' ',
        });
    }
  }
  return atoms;
}

/**
 * One logical line as IRC messages of at most `maxBytes` UTF-8 bytes each, formatting codes
 * included: cut at the last space that fits, else between graphemes; styles are closed at the
 * end of each message and reopened on the next, as clients reset them per line.
 */
export function fitLine(line: IrcLine, maxBytes: number): string[] {
  const messages: string[] = [];
  let current: Atom[] = [];
  let used = 0;
  const overflows = (atom: Atom) =>
    current.length > 0 &&
    used + costOf(atom, current.at(-1)) + (atom.style ? RESET.length : 0) > maxBytes;
  const push = (atom: Atom) => {
    // Indentation stays; the space a cut fell on does not start the next message.
    if (current.length === 0 && atom.space && messages.length > 0) return;
    used += costOf(atom, current.at(-1));
    current.push(atom);
  };
  const cut = (at: number) => {
    const carry = current.slice(at + 1);
    messages.push(encode(current.slice(0, at)));
    current = [];
    used = 0;
    for (const atom of carry) push(atom);
  };

  for (const atom of atomsOf(line)) {
    if (overflows(atom)) {
      const space = lastSpace(current);
      cut(space > 0 ? space : current.length);
      // The words after the last space may still leave no room: cut between graphemes.
      if (overflows(atom)) cut(current.length);
    }
    push(atom);
  }
  if (current.length) messages.push(encode(current));
  return messages.filter((message) => message !== '');
}

function costOf(atom: Atom, previous: Atom | undefined): number {
  const before = previous?.style ?? '';
  if (atom.style === before) return atom.bytes;
  return atom.bytes + (before ? RESET.length : 0) + opening(atom.style).length;
}

function lastSpace(atoms: Atom[]): number {
  for (let i = atoms.length - 1; i >= 0; i--) if (atoms[i]?.space) return i;
  return -1;
}

function encode(atoms: Atom[]): string {
  let out = '';
  let style = '';
  let end = atoms.length;
  while (end > 0 && atoms[end - 1]?.space) end--;
  for (const atom of atoms.slice(0, end)) {
    if (atom.style !== style) {
      if (style) out += RESET;
      out += opening(atom.style);
      style = atom.style;
    }
    out += atom.text;
  }
  return style ? out + RESET : out;
}
