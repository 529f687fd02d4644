import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  badge,
  code,
  context,
  heading,
  list,
  paragraph,
  reply,
  strong,
  table,
} from '../../src/reply/document.ts';
import {
  fitLine,
  type IrcLine,
  ircSafe,
  renderIrcLines,
} from '../../src/transports/irc/render-lines.ts';

const bytes = (text: string) => Buffer.byteLength(text);
const graphemes = (text: string) =>
  [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map(
    (s) => s.segment,
  );
// biome-ignore lint/suspicious/noControlCharactersInRegex: the renderer's own formatting codes.
const CODES = /\x02|\x0f|\x03\d\d/g;
const plain = (text: string) => text.replace(CODES, '');
const render = (line: IrcLine, max = 400) => fitLine(line, max);

describe('IRC line rendering', () => {
  it('renders a reply document as lines, with bold headings and coloured badges', () => {
    const lines = renderIrcLines(
      reply(
        heading('Analytics — FY2019-20 Q1'),
        context('as of 2019-08-28'),
        paragraph('Try ', code('status T208612'), ' or ', strong('help'), '.'),
        list([
          {
            content: [badge('done'), ' Kerberos'],
            children: [{ content: [badge(null), ' Sub-item'] }],
          },
        ]),
        table(
          ['Ref', 'Status'],
          [
            ['G1', badge('blocked')],
            ['G22', badge('in_progress')],
          ],
        ),
      ),
      true,
    ).flatMap((line) => render(line));
    expect(lines).toEqual([
      '\x02Analytics — FY2019-20 Q1\x0f',
      '\x0314(as of 2019-08-28)\x0f',
      'Try status T208612 or \x02help\x0f.',
      '- \x02\x0303[Done]\x0f Kerberos',
      '  - \x02[No status]\x0f Sub-item',
      '\x02Ref\x0f  \x02Status\x0f',
      'G1   \x02\x0304[Blocked]\x0f',
      'G22  \x02\x0312[In progress]\x0f',
    ]);
  });

  it('renders plain text when formatting is off', () => {
    const lines = renderIrcLines(reply(heading('Title'), paragraph(badge('done'), ' x')), false);
    expect(lines.flatMap((line) => render(line))).toEqual(['Title', '[Done] x']);
  });

  it('strips formatting and control codes from text, and turns line breaks into spaces', () => {
    expect(ircSafe('\x02bold\x02 \x0304,12red\x03 \x1Fu\x1D\x16\x11\x1E\x0F')).toBe('bold red u');
    expect(ircSafe('\x04ff0000,00ff00hex\x04 end')).toBe('hex end');
    expect(ircSafe('one\r\nPRIVMSG #x :two\rthree\nfour\u2028five')).toBe(
      'one PRIVMSG #x :two three four five',
    );
    expect(ircSafe('\x01ACTION hi\x01 \0nul \u202Eevil')).toBe('ACTION hi nul evil');
  });

  it('keeps every message within the byte budget, cutting at spaces', () => {
    const messages = render([{ text: 'word '.repeat(200).trim() }], 50);
    expect(messages.every((m) => bytes(m) <= 50)).toBe(true);
    expect(messages.every((m) => !m.startsWith(' ') && !m.endsWith(' '))).toBe(true);
    expect(messages.join(' ')).toBe('word '.repeat(200).trim());
  });

  it('never cuts inside a grapheme: emoji sequences, flags, combining marks', () => {
    const family = '👨‍👩‍👧‍👦';
    const text = `${family}🇩🇪é${'ñ'.normalize('NFD')}`.repeat(20);
    const messages = render([{ text }], 40);
    expect(messages.every((m) => bytes(m) <= 40)).toBe(true);
    expect(messages.join('')).toBe(text);
    for (const message of messages)
      for (const g of graphemes(message)) expect(graphemes(text)).toContain(g);
  });

  it('cuts a combining-mark flood (one absurd grapheme) rather than exceed the budget', () => {
    const messages = render([{ text: `a${'\u0301'.repeat(300)}` }], 50);
    expect(messages.every((m) => bytes(m) <= 50)).toBe(true);
    expect(messages.join('')).toBe(`a${'\u0301'.repeat(300)}`);
  });

  it('closes formatting at the end of each message and reopens it on the next', () => {
    const messages = render(
      [
        { text: 'aaaa bbbb ', style: { bold: true } },
        { text: 'cccc dddd', style: { colour: '03' } },
      ],
      12,
    );
    expect(messages).toEqual(['\x02aaaa bbbb\x0f', '\x0303cccc\x0f', '\x0303dddd\x0f']);
    expect(messages.every((m) => bytes(m) <= 12)).toBe(true);
  });

  it('sends no empty messages', () => {
    expect(render([{ text: '   ' }])).toEqual([]);
    expect(renderIrcLines(reply(paragraph('')), true).flatMap((line) => render(line))).toEqual([]);
  });

  it('holds for any text: within budget, no control codes, nothing lost but spaces at cuts', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.integer({ min: 30, max: 200 }),
        (text, max) => {
          const safe = ircSafe(text);
          const messages = render([{ text: safe, style: { bold: true } }], max);
          for (const message of messages) {
            expect(bytes(message)).toBeLessThanOrEqual(max);
            // biome-ignore lint/suspicious/noControlCharactersInRegex: none may remain.
            expect(plain(message)).not.toMatch(/[\x00-\x1f\x7f]/);
          }
          expect(messages.map(plain).join('').replace(/ /g, '')).toBe(safe.replace(/ /g, ''));
        },
      ),
    );
  });
});
