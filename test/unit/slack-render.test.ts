import { describe, expect, it } from 'vitest';
import {
  code,
  context,
  date,
  heading,
  link,
  list,
  paragraph,
  type Reply,
  reply,
  strong,
  table,
} from '../../src/reply/document.ts';
import { LIMITS, renderSlack, type SlackBlock } from '../../src/transports/slack/render-blocks.ts';
import {
  escapeMrkdwn,
  fromSlackText,
  splitMrkdwn,
  truncate,
} from '../../src/transports/slack/slack-text.ts';
import { blocksProblems } from '../support/block-kit.ts';

const texts = (block: SlackBlock): string[] => {
  if (block.type === 'section')
    return [block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text)];
  if (block.type === 'header') return [block.text.text];
  if (block.type === 'context') return block.elements.map((e) => ('text' in e ? e.text : ''));
  return [];
};

describe('Slack text', () => {
  it('reads Slack tokens and escapes as the plain text a person meant', () => {
    expect(
      fromSlackText(
        'note &lt;b&gt; &amp; <@U123|nuria> in <#C42|okr> see <https://x.org/a|the page> <!here> <!subteam^S1>',
      ),
    ).toBe('note <b> & @nuria in #okr see the page (https://x.org/a) @here @group');
    expect(fromSlackText('<https://x.org>  ')).toBe('https://x.org');
    expect(fromSlackText('a\u202Eb\u0000c')).toBe('abc');
  });

  it('escapes user text so no token survives and broadcasts stop being keywords', () => {
    const escaped = escapeMrkdwn(
      '<!channel> <@U1> <https://evil|okr> & @here @Everyone email@here.org',
    );
    expect(escaped).not.toMatch(/[<>]/);
    expect(escaped).toContain('&lt;!channel&gt; &lt;@U1&gt; &lt;https://evil|okr&gt; &amp;');
    expect(escaped).toContain('@\u2060here @\u2060Everyone');
    expect(escaped).toContain('email@here.org');
  });

  it('splits long text at lines, then spaces, never inside an escape or a grapheme', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const pieces = splitMrkdwn(lines, 3000);
    expect(pieces.every((p) => p.length <= 3000)).toBe(true);
    expect(pieces.join('\n')).toBe(lines);
    const entities = `${'a'.repeat(2998)}&amp;&amp;`;
    const [first, second] = splitMrkdwn(entities, 3000);
    expect(first).toBe('a'.repeat(2998));
    expect(second).toBe('&amp;&amp;');
    const family = '👨‍👩‍👧'.repeat(400);
    for (const piece of splitMrkdwn(family, 100)) expect(piece.length % 8).toBe(0);
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
});

describe('Block Kit rendering', () => {
  it('renders each kind of block within Slack limits, with a text fallback', () => {
    const [message] = renderSlack(
      reply(
        heading('Analytics — FY2019-20 Q1 '.repeat(10)),
        context('as of 2019-08-28'),
        paragraph(
          strong('Last note'),
          ' ',
          code('a `b`'),
          ' ',
          link('https://okr.example/t', 'page | x'),
        ),
        list([
          {
            content: [{ kind: 'status', status: 'done' }, ' shipped'],
            children: [{ content: ['sub'] }],
          },
        ]),
        table(['Date', 'Status'], [['2019-08-01', { kind: 'status', status: 'blocked' }]]),
      ),
    );
    const blocks = message?.blocks ?? [];
    expect(blocks.map((b) => b.type)).toEqual([
      'header',
      'context',
      'section',
      'section',
      'section',
    ]);
    expect(texts(blocks[0] as SlackBlock)[0]?.length).toBeLessThanOrEqual(LIMITS.headerText);
    expect(texts(blocks[2] as SlackBlock)[0]).toBe(
      "*Last note* `a 'b'` <https://okr.example/t|page ¦ x>",
    );
    expect(texts(blocks[3] as SlackBlock)[0]).toBe(
      '• :white_check_mark: *Done* shipped\n      ◦ sub',
    );
    expect(texts(blocks[4] as SlackBlock)).toEqual([
      '',
      '*Date*\n2019-08-01',
      '*Status*\n:red_circle: *Blocked*',
    ]);
    expect(message?.text).toContain('Analytics');
  });

  it('bolds a label with its trailing space outside the asterisks, and shows dates as Slack dates', () => {
    const at = new Date('2019-08-01T10:00:00Z');
    const [message] = renderSlack(
      reply(paragraph(strong('Status: '), 'In progress (updated ', date(at, 'Europe/Berlin'), ')')),
    );
    expect(texts(message?.blocks[0] as SlackBlock)[0]).toBe(
      `*Status:* In progress (updated <!date^${at.getTime() / 1000}^{date_short_pretty}|2019-08-01>)`,
    );
    // The notification text is one short line, with the date as its fallback shows it.
    expect(message?.text).toBe('*Status:* In progress (updated 2019-08-01)');
  });

  it('keeps the notification text to the first line, however long the message', () => {
    const [message] = renderSlack(
      reply(
        heading('Analytics — FY2019-20 Q1'),
        paragraph('x '.repeat(1000)),
        list([{ content: ['y'] }]),
      ),
    );
    expect(message?.text).toBe('Analytics — FY2019-20 Q1');
    const [long] = renderSlack(reply(paragraph('z'.repeat(400))));
    expect(long?.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
  });

  it('never turns a non-web URL into a link', () => {
    const [message] = renderSlack(reply(paragraph(link('javascript:alert(1)', 'click'))));
    expect(texts(message?.blocks[0] as SlackBlock)[0]).toBe('click');
  });

  it('splits a large reply into messages of at most 50 blocks and sections of 3,000 characters, losing nothing', () => {
    const items = Array.from({ length: 400 }, (_, i) => ({
      content: [`item ${i} ${'y'.repeat(60)}`],
    }));
    const big: Reply = reply(
      ...Array.from({ length: 30 }, () => paragraph('p')),
      list(items),
      ...Array.from({ length: 30 }, () => paragraph('q')),
    );
    const messages = renderSlack(big);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
      expect(message.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
      for (const block of message.blocks)
        for (const text of texts(block))
          expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
    const all = messages.flatMap((m) => m.blocks.flatMap(texts)).join('\n');
    for (let i = 0; i < 400; i++) expect(all).toContain(`item ${i} `);
    expect(messages.flatMap((m) => m.blocks)).toHaveLength(30 + Math.ceil((400 * 72) / 3000) + 30);
  });

  it('passes the Block Kit check the end-to-end tests apply, which catches what Slack refuses', () => {
    const rendered = renderSlack(
      reply(heading('h'.repeat(400)), table(['A', 'B'], [['1', '2']]), list([{ content: ['x'] }])),
    );
    for (const message of rendered)
      expect(blocksProblems(message.blocks as never, 50, 'message')).toEqual([]);
    expect(
      blocksProblems(
        [
          { type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } },
          { type: 'rich_text', block_id: 'a' },
          { type: 'actions', elements: [] },
        ],
        50,
        'bad',
      ),
    ).toEqual([
      'bad block 0 (section): text over 3000',
      'bad block 1 (rich_text): type not used by okrbot',
      'bad block 1 (rich_text): block_id a repeated',
      'bad block 2 (actions): 0 elements (1 to 25)',
    ]);
  });

  it('marks an error reply as one', () => {
    const [message] = renderSlack({ tone: 'error', blocks: [paragraph('No team "x".')] });
    expect(texts(message?.blocks[0] as SlackBlock)[0]).toBe(':warning: No team "x".');
  });
});
