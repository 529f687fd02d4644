import { describe, expect, it } from 'vitest';
import { formatStatus, parseStatus, STATUSES } from '../../src/domain/status.ts';

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
