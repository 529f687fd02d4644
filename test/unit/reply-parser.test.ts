import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_REPLY_LINE,
  MAX_REPLY_LINES,
  parseReply,
  parseReplyLine,
  type ReplyItem,
} from '../../src/domain/reply-parser.ts';
import { STATUSES, type Status, statusWords } from '../../src/domain/status.ts';

// How lines are read is scored on a corpus (reply-corpus.test.ts); these tests pin the shapes
// and the promises: never throw, never record a negated status, hostile text stays out.

const GOALS = [
  'Continue moving events to EventGate',
  'Kerberos for the Hadoop cluster',
  'mediarequests API',
].map((title) => ({ title }));

const ITEM_KINDS = [
  'status',
  'metric',
  'note',
  'all',
  'nothing-changed',
  'greeting',
  'answer',
  'correction',
  'proposal',
  'unknown',
];

/** The shape every item must have, whatever the input. */
function expectWellFormed(item: ReplyItem): void {
  expect(ITEM_KINDS).toContain(item.kind);
  switch (item.kind) {
    case 'status':
      expect(item.targets.length).toBeGreaterThan(0);
      expect(STATUSES).toContain(item.status);
      if (item.note !== undefined) expect(item.note.trim()).not.toBe('');
      break;
    case 'metric':
      expect(Number.isFinite(item.value)).toBe(true);
      break;
    case 'note':
      expect(item.text.trim()).not.toBe('');
      // Nothing invisible is stored: tag characters, soft hyphens, word joiners.
      expect(item.text).not.toMatch(/[\u{E0000}-\u{E007F}\u00AD\u2060\u200B]/u);
      break;
    case 'proposal':
      expectWellFormed(item.reading);
      expect(item.doubt.trim()).not.toBe('');
      break;
    case 'unknown':
      expect(item.reason.trim()).not.toBe('');
      // The catch-all in parseReplyLine is for parser bugs: it must never be reached.
      expect(item.reason).not.toMatch(/^could not read this line/);
      // Echoes are bounded, whatever was typed.
      expect(item.text.length).toBeLessThanOrEqual(60);
      break;
    default:
      break;
  }
}

const read = (line: string) => parseReplyLine(line, { goals: GOALS });

describe('the reply reader', () => {
  it('reads one line as several goals when it names several', () => {
    expect(read('1 and 3 done')).toMatchObject({
      kind: 'status',
      status: 'done',
      targets: [
        { kind: 'number', number: 1 },
        { kind: 'number', number: 3 },
      ],
    });
    expect(read('1, 2 blocked on hardware')).toMatchObject({
      targets: [{ number: 1 }, { number: 2 }],
      status: 'blocked',
      note: 'on hardware',
    });
  });

  it('reads a line that gives several goals each their own status part by part', () => {
    const parts = (text: string) =>
      parseReply(text, { goals: GOALS }).map(({ line, item }) => ({ line, item }));
    expect(parts('1 done, 3 blocked on legal')).toMatchObject([
      { line: '1 done', item: { kind: 'status', status: 'done', targets: [{ number: 1 }] } },
      {
        line: '3 blocked on legal',
        item: { kind: 'status', status: 'blocked', targets: [{ number: 3 }], note: 'on legal' },
      },
    ]);
    expect(parts('goal 1 is done and goal 2 is in progress').map((p) => p.item)).toMatchObject([
      { status: 'done', targets: [{ number: 1 }] },
      { status: 'in_progress', targets: [{ number: 2 }] },
    ]);
    // Unsure in one part: that part alone is asked about.
    expect(parts('1 done; 2 stalled I think').map((p) => p.item.kind)).toEqual([
      'status',
      'proposal',
    ]);
    // One goal twice, or a number that is not a goal: the line is read whole.
    expect(parts('1 postponed, 1 in progress')).toMatchObject([{ item: { kind: 'proposal' } }]);
    expect(parts('1 done, 2 weeks early')).toMatchObject([
      { item: { kind: 'status', status: 'done', targets: [{ number: 1 }], note: '2 weeks early' } },
    ]);
  });

  it('never reads the status of "all the others" as the exception\'s', () => {
    for (const line of ['all goals except 3 on track', 'every goal but 2 done'])
      expect(read(line).kind, line).toBe('unknown');
    expect(read('all on track except 3, blocked on legal')).toMatchObject({
      kind: 'status',
      status: 'blocked',
      targets: [{ number: 3 }],
    });
  });

  it('takes the status that holds now, and the rest of the line as its note', () => {
    expect(read('2 was done but reopened after a bug')).toMatchObject({ status: 'in_progress' });
    expect(read('2 got reopened')).toMatchObject({ kind: 'status', status: 'in_progress' });
    expect(read('3 was stalled in July, done now')).toMatchObject({
      status: 'done',
      note: 'was stalled in July',
    });
    expect(read('2 finished — sorry, no, still in progress')).toMatchObject({
      status: 'in_progress',
    });
    expect(read('1 design is done but the goal is still in progress')).toMatchObject({
      status: 'in_progress',
      note: 'design is done',
    });
  });

  it('proposes, and never records, what it is not sure of', () => {
    for (const line of [
      '3 stalled? or blocked, I will ask Ana',
      '2 done or nearly done',
      '1 postponed, 1 in progress',
      '2 done?',
      '3 nearly done',
      '3 blocked I think',
      'KR1 30-40%',
      'KR1 40-ish %',
    ])
      expect(read(line).kind, line).toBe('proposal');
  });

  it('says "there are only 3 goals" for a number beyond the list', () => {
    const item = read('14 days late');
    expect(item).toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining('only 3 goals'),
    });
    expect(read('(8) stalled')).toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining('only 3 goals'),
    });
  });

  it('reads commands typed inside an update as what they say', () => {
    expect(read('metric KR2 150%')).toMatchObject({ kind: 'metric', value: 150, percent: true });
    expect(read('set 2 done')).toMatchObject({
      kind: 'status',
      status: 'done',
      targets: [{ number: 2 }],
    });
  });

  it('reads corrections, greetings, answers and reports', () => {
    expect(read('correction: 3 in progress')).toMatchObject({
      kind: 'correction',
      reading: { status: 'in_progress', targets: [{ number: 3 }] },
    });
    expect(read('Thanks, that is all for this month!')).toEqual({ kind: 'greeting' });
    expect(read('yes')).toEqual({ kind: 'answer', yes: true });
    expect(read('nein')).toEqual({ kind: 'answer', yes: false });
    expect(read('all on track')).toMatchObject({ kind: 'all', status: 'in_progress' });
    expect(read('nothing changed this month')).toMatchObject({ kind: 'nothing-changed' });
    expect(read('note for 2: waiting on legal')).toEqual({
      kind: 'note',
      text: 'waiting on legal',
      target: { kind: 'number', number: 2 },
    });
  });

  it('refuses values it cannot store exactly, and reads approximate ones as given', () => {
    expect(read('KR2 123456789012345678901234567890')).toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining('more digits than okrbot stores exactly'),
    });
    expect(read('KR1 ½')).toMatchObject({ kind: 'metric', value: 0.5 });
    expect(read('KR1 ⅓').kind).toBe('unknown');
    expect(read('KR2 about 2.1k')).toMatchObject({
      kind: 'metric',
      value: 2100,
      approximate: true,
    });
    expect(read('KR2 went from 1900 to 2010')).toMatchObject({ kind: 'metric', value: 2010 });
  });

  it('keeps invisible characters and mark floods out of what it reads and echoes', () => {
    const tagged = `We hired\u{E0041}\u{E0042} a con\u00ADtrac\u2060tor this month`;
    expect(read(tagged)).toEqual({ kind: 'note', text: 'We hired a contractor this month' });
    const flood = read(`7${'\u0301'.repeat(1000)}`);
    expect(flood.kind).toBe('unknown');
    if (flood.kind === 'unknown') expect(flood.text.length).toBeLessThan(10);
  });

  it('never records a negated status as the status it negates', () => {
    const negations = [
      (s: string) => `not ${s}`,
      (s: string) => `isn't ${s}`,
      (s: string) => `no longer ${s}`,
      (s: string) => `it is not ${s} anymore`,
      (s: string) => `nicht ${s}`,
      (s: string) => `ya no ${s}`,
      (s: string) => `n'est pas ${s}`,
      (s: string) => `non ${s}`,
      (s: string) => `não ${s}`,
    ];
    // Phrases that contain their own negation ("not done", "not started") are statuses themselves.
    const words = statusWords().filter((w) => !/^(not|no|n)\b/.test(w));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(...words),
        fc.constantFrom(...negations),
        (n, word, negate) => {
          const item = read(`${n} ${negate(word)}`);
          const negated = statusOfWord(word);
          const recorded = item.kind === 'status' ? item.status : undefined;
          expect(recorded === undefined || recorded !== negated).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

function statusOfWord(word: string): Status | undefined {
  const item = read(`1 ${word}`);
  return item.kind === 'status' ? item.status : undefined;
}

const utf16 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 })
  .map((units) => String.fromCharCode(...units));

describe('the reply reader on any input', () => {
  it('refuses a line over the limit without reading it', () => {
    const item = parseReplyLine(`2 done ${'x'.repeat(MAX_REPLY_LINE)}`);
    expect(item).toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining('limit is 2000'),
    });
  });

  it('never throws and returns a well-formed item (any code point)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (line) => {
        expectWellFormed(read(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws and returns a well-formed item (raw UTF-16)', () => {
    fc.assert(
      fc.property(utf16, (line) => {
        expectWellFormed(read(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on lines built from the grammar with random glue', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '- ',
        '* ',
        '• ',
        '(a) ',
        '> ',
        '#',
        'goal ',
        'No. ',
        'phab:',
        'note: ',
        '¿',
        '?',
      ),
      fc.constantFrom(
        '2',
        '3.',
        'T223626',
        'G12',
        'KR2',
        'TCB-KR2',
        'KR 3',
        'all',
        'everything',
        '目标3',
      ),
      fc.constantFrom(
        'is',
        'now',
        '->',
        '=',
        ':',
        ',',
        '-',
        'marked as',
        'has been',
        'still',
        'or',
        'sorry, no',
        'was',
        'not',
      ),
      fc.constantFrom(...statusWords()),
      fc.constantFrom(
        '68%',
        '-5%',
        '2,067',
        '1e309',
        '12,5',
        '0.5',
        'NaN',
        '−3',
        '½',
        '2.1k',
        '30-40%',
        '~40',
      ),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }),
        fc.constantFrom(' ', '', '  ', '\t'),
        (pieces, glue) => {
          expectWellFormed(read(pieces.join(glue)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('returns one well-formed item per non-blank line, at most 100', () => {
    const line = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom('2 done', 'KR2 68%', '', '   ', 'note: x', 'hello'),
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 130 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (lines, eol) => {
          const text = lines.join(eol);
          const parsed = parseReply(text);
          const nonBlank = text.split(/\r?\n|\r/).filter((l) => l.trim() !== '').length;
          expect(parsed).toHaveLength(nonBlank > MAX_REPLY_LINES ? MAX_REPLY_LINES + 1 : nonBlank);
          for (const p of parsed) expectWellFormed(p.item);
        },
      ),
      { numRuns: 500 },
    );
  });
});

// Speed and linear scaling are measured in bench/reply-parser.ts, not in timed tests.
