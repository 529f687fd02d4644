import { describe, expect, it } from 'vitest';
import { currentEntry, formatStatus, parseStatus, STATUSES } from '../../src/domain/status.ts';

describe('status vocabulary', () => {
  it('has the nine markers of the goals pages', () => {
    expect(STATUSES.map(formatStatus)).toEqual([
      'To do',
      'In progress',
      'Done',
      'Partially done',
      'Not done',
      'Stalled',
      'Postponed',
      'Blocked',
      'Cancelled',
    ]);
  });

  it.each(STATUSES.map((status) => [formatStatus(status), status]))(
    'reads its own label %s',
    (label, status) => {
      expect(parseStatus(label)).toBe(status);
      expect(parseStatus(label.toUpperCase())).toBe(status);
    },
  );

  it.each([
    ['Yes Done', 'done'],
    ['N Postponed', 'postponed'],
    ['Incomplete Partially done', 'partially_done'],
    ['N Stalled', 'stalled'],
    ['N Not done', 'not_done'],
    ['wip', 'in_progress'],
    ['in-progress', 'in_progress'],
    ['ongoing', 'in_progress'],
    ['complete', 'done'],
    ['finished', 'done'],
    ['deferred', 'postponed'],
    ['partial', 'partially_done'],
    ['canceled', 'cancelled'],
    ['todo', 'to_do'],
    ['  Done. ', 'done'],
    ['in_progress', 'in_progress'],
    ['Ｄｏｎｅ', 'done'],
    ['Do\u200Bne', 'done'],
  ])('reads the synonym %j', (word, status) => {
    expect(parseStatus(word)).toBe(status);
  });

  it.each(['', 'banana', 'done done', 'yes', 'maybe'])('refuses %j', (word) => {
    expect(parseStatus(word)).toBeUndefined();
  });
});

describe('current status', () => {
  const at = (iso: string) => new Date(iso);
  const entries = [
    { status: 'to_do' as const, at: at('2019-07-01T00:00:00Z'), id: 1 },
    { status: 'in_progress' as const, at: at('2019-08-01T00:00:00Z'), id: 2 },
    { status: 'done' as const, at: at('2019-09-30T00:00:00Z'), id: 3 },
  ];

  it('is the latest entry at or before now', () => {
    expect(currentEntry(entries, at('2019-08-28T12:00:00Z'))?.status).toBe('in_progress');
    expect(currentEntry(entries, at('2019-09-30T00:00:00Z'))?.status).toBe('done');
    expect(currentEntry(entries, at('2026-01-01T00:00:00Z'))?.status).toBe('done');
  });

  it('ignores entries in the future and has none before the first', () => {
    expect(currentEntry(entries, at('2019-06-30T23:59:59Z'))).toBeUndefined();
  });

  it('lets the later of two entries at the same instant win', () => {
    const tie = [
      ...entries,
      { status: 'postponed' as const, at: at('2019-08-01T00:00:00Z'), id: 4 },
    ];
    expect(currentEntry(tie, at('2019-08-02T00:00:00Z'))?.id).toBe(4);
  });
});
