import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { csvField } from '../../src/formats/export/csv.ts';
import { markdownText } from '../../src/formats/export/markdown.ts';
import {
  decodeWikiText,
  readWikiComments,
  wikiComment,
  wikiText,
} from '../../src/formats/export/wikitext-text.ts';
import { QuarterFileError } from '../../src/formats/import/quarter-file.ts';
import { parseQuarterSource, sourceFormat } from '../../src/formats/import/read-quarter-source.ts';
import { quarterDocumentSchema } from '../../src/formats/quarter/quarter-document.ts';
import { chartPng } from '../../src/web/charts/chart-png.ts';
import { niceTicks, renderKeyResultChart } from '../../src/web/charts/kr-chart.ts';

describe('wikitext text', () => {
  it('reads back exactly what it wrote, in every context', () => {
    const contexts = [
      {},
      { lineStart: true },
      { heading: true },
      { bold: true },
      { listItem: true },
      { title: true },
    ];
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        for (const options of contexts) expect(decodeWikiText(wikiText(text, options))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no markup in hostile text', () => {
    const out = wikiText(
      "<ref>x</ref> [[File:x]] {{subst:y}} '''b''' ~~~~ __TOC__ {| |} a || b\nc",
    );
    expect(out).not.toMatch(/<(?!br \/>)|\[|\]|\{|\}|\||''|~~~|__/);
    expect(wikiText('* list', { lineStart: true })).toBe('&#42; list');
    expect(wikiText('a = b', { heading: true })).toBe('a &#61; b');
    expect(wikiText('Dependencies on: x', { title: true })).toBe('&#68;ependencies on: x');
  });

  it('keeps okrbot data in comments that cannot be broken out of', () => {
    const data = { note: '--> <b>{{x}}</b> [[y]] ~~~~ |', entry: ['2019-08-01', 'done'] };
    const comment = wikiComment('goal', data);
    expect(comment.indexOf('-->')).toBe(comment.length - 3);
    expect(comment).not.toMatch(/\{\{|\[\[|~~~|<b>/);
    const read = readWikiComments(`* text ${comment}`);
    expect(read).toEqual({ text: '* text', comments: [{ kind: 'goal', data }] });
  });
});

describe('reading a wiki page back', () => {
  const header =
    '<!-- okrbot:quarter {"department":"demo","name":"Demo","timezone":"UTC","cycle":"FY2019-20 Q1"} -->\n';
  const read = (body: string) => () => parseQuarterSource(header + body, 'page.wiki');

  it('tells formats apart by extension, else by content', () => {
    expect(sourceFormat('q.wiki', '')).toBe('wikitext');
    expect(sourceFormat('q.txt', header)).toBe('wikitext');
    expect(sourceFormat('q', '{"format":"okrbot-quarter"}')).toBe('json');
    expect(sourceFormat('q', 'department: X')).toBe('yaml');
  });

  it('reads a team with goals, sub-items, dependencies and dated notes', () => {
    const file = read(`== Widgets ==
Team Manager: Ada Lovelace and Grace Hopper

'''Ship it'''
* {{Done}} [stretch] Build the thing [https://phabricator.example/T12 task T12] — done early
** {{to do}} Polish it
* {{In progress}} Test the thing
Dependencies on: SRE, Legal

'''Monthly status'''
* August 27, 2019 - {{In progress}}
** going well
* September 2019
`)();
    expect(file.teams?.[0]).toMatchObject({
      name: 'Widgets',
      managers: ['Ada Lovelace', 'Grace Hopper'],
      goals: [
        {
          title: 'Build the thing',
          status: 'done',
          stretch: true,
          tasks: ['T12'],
          note: 'done early',
          group: 'Ship it',
          depends_on: ['SRE', 'Legal'],
          items: [{ title: 'Polish it', status: 'to_do' }],
        },
        { title: 'Test the thing', status: 'in_progress', depends_on: ['SRE', 'Legal'] },
      ],
      reports: [
        {
          month: '2019-08',
          on: '2019-08-27',
          status: 'in_progress',
          notes: [{ text: 'going well', level: 0 }],
        },
        { month: '2019-09', notes: [] },
      ],
    });
  });

  it('reports every problem with its line', () => {
    expect(read('== Widgets ==\n* {{Donne}} Build\n*** orphan\nstray words\n')).toThrow(
      /line 3: unknown status template \{\{Donne\}\} \(did you mean \{\{Done\}\}\?\)[\s\S]*line 4: a sub-item with no goal above it[\s\S]*line 5: not understood/,
    );
    expect(read('== Widgets ==\n* {{Done}}  [https://x/T1 task T1]\n')).toThrow(
      /line 3 \(teams\[0\]\.goals\[0\]\.title\): must not be empty/,
    );
    expect(() => parseQuarterSource('== Widgets ==\n', 'page.wiki')).toThrow(QuarterFileError);
    expect(() => parseQuarterSource('== Widgets ==\n', 'page.wiki')).toThrow(
      /line 1: not an okrbot quarter page/,
    );
  });
});

describe('CSV fields (RFC 4180)', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    for (const formula of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx'])
      expect(csvField(formula).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField(-5)).toBe('-5');
    expect(csvField(true)).toBe('yes');
    expect(csvField(null)).toBe('');
  });
});

describe('Markdown text', () => {
  it('escapes inline markup anywhere and block markup at the start', () => {
    expect(markdownText('**bold** <b>x</b> [l](u) `c` | ~s~')).toBe(
      '\\*\\*bold\\*\\* \\<b\\>x\\</b\\> \\[l\\](u) \\`c\\` \\| \\~s\\~',
    );
    expect(markdownText('1. not a list')).toBe('1\\. not a list');
    expect(markdownText('- not a list')).toBe('\\- not a list');
    expect(markdownText('two\nlines')).toBe('two lines');
  });
});

describe('key-result charts', () => {
  const chart = {
    ref: 'TCB-KR2',
    unit: 'maintainers <&>',
    baseline: 1974,
    target: 2171,
    due: '2021-06-30',
    from: '2020-07-01',
    to: '2021-06-30',
    values: [
      { on: '2020-09-30', value: 2033 },
      { on: '2020-12-31', value: 2067 },
    ],
    milestones: [{ due: '2020-12-31', target: 2053, text: '4% "more"' }],
  };

  it('draws values, baseline, target and milestones, with every text escaped', () => {
    const svg = renderKeyResultChart(chart);
    expect(svg.match(/<circle class="value"/g)).toHaveLength(2);
    expect(svg).toContain('class="baseline"');
    expect(svg).toContain('target 2171 maintainers &lt;&amp;&gt;');
    expect(svg.match(/<path class="milestone"/g)).toHaveLength(1);
    expect(svg).toContain('4% &quot;more&quot;');
    expect(svg).not.toContain('<&>');
    // Higher values sit higher: 2067 is drawn above 2033.
    const ys = [...svg.matchAll(/<circle class="value" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(ys[1]).toBeLessThan(ys[0] as number);
    expect(renderKeyResultChart({ ...chart, values: [] })).toContain('No values recorded yet');
  });

  it('picks round ticks', () => {
    expect(niceTicks(1955, 2190)).toEqual([2000, 2050, 2100, 2150]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('renders a PNG for chat', async () => {
    const png = await chartPng(renderKeyResultChart(chart));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 640]);
  });
});

describe('the JSON export', () => {
  it('is documented by a JSON Schema generated from the code that writes it', async () => {
    const file = new URL('../../docs/quarter-export.schema.json', import.meta.url);
    // Regenerate after a change: see docs/exports.md.
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(z.toJSONSchema(quarterDocumentSchema));
  });
});
