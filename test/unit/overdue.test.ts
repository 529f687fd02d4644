import { describe, expect, it } from 'vitest';
import { assess, type TrackedItem } from '../../src/domain/overdue.ts';

const at = (iso: string) => new Date(iso);
const now = at('2021-01-15T12:00:00Z');
const kr = (over: Partial<TrackedItem> = {}): TrackedItem => ({
  status: 'in_progress',
  dueAt: at('2021-07-01T00:00:00Z'),
  milestones: [{ dueAt: at('2021-01-01T00:00:00Z'), target: 2053, text: '4% by end of Q2' }],
  target: 2171,
  direction: 'up',
  values: [{ at: at('2020-12-31T00:00:00Z'), value: 2067 }],
  lastUpdateAt: at('2020-12-31T00:00:00Z'),
  snoozedUntil: null,
  ...over,
});

describe('overdue and stale rules', () => {
  it('is fine when the passed milestone was met', () => {
    expect(assess(kr(), now)).toEqual([]);
  });

  it('is overdue when the passed milestone was missed, and says by how much', () => {
    const findings = assess(kr({ values: [{ at: at('2020-09-30T00:00:00Z'), value: 2033 }] }), now);
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'overdue',
        milestone: '4% by end of Q2',
        target: 2053,
        latest: 2033,
        snoozed: false,
      }),
    ]);
  });

  it('counts lower as better for a metric that should go down', () => {
    const reviewDays = kr({
      direction: 'down',
      milestones: [{ dueAt: at('2021-01-01T00:00:00Z'), target: 18, text: null }],
      values: [{ at: at('2020-12-31T00:00:00Z'), value: 22 }],
    });
    expect(assess(reviewDays, now)[0]).toMatchObject({ kind: 'overdue', target: 18, latest: 22 });
    expect(
      assess({ ...reviewDays, values: [{ at: at('2020-12-31T00:00:00Z'), value: 17 }] }, now),
    ).toEqual([]);
  });

  it('needs Done for a milestone without a number', () => {
    const textual = kr({
      target: null,
      values: [],
      milestones: [{ dueAt: at('2021-01-01T00:00:00Z'), target: null, text: 'prototype' }],
    });
    expect(assess(textual, now)[0]).toMatchObject({ kind: 'overdue', milestone: 'prototype' });
    expect(assess({ ...textual, status: 'done' }, now)).toEqual([]);
  });

  it('ignores values recorded after now and milestones still to come', () => {
    expect(
      assess(kr({ values: [{ at: at('2021-02-01T00:00:00Z'), value: 9999 }] }), now)[0],
    ).toMatchObject({ kind: 'overdue', latest: null });
    expect(
      assess(
        kr({ milestones: [{ dueAt: at('2021-04-01T00:00:00Z'), target: 9999, text: null }] }),
        now,
      ),
    ).toEqual([]);
  });

  it('is overdue when the final due date passed without Done', () => {
    const goal = kr({
      target: null,
      milestones: [],
      values: [],
      dueAt: at('2021-01-01T00:00:00Z'),
      lastUpdateAt: at('2020-11-01T00:00:00Z'),
    });
    expect(assess(goal, now)).toEqual([
      expect.objectContaining({ kind: 'overdue', milestone: null }),
    ]);
    // A quarter that ended Postponed or Not done has its verdict.
    expect(assess({ ...goal, status: 'postponed' }, now)).toEqual([]);
  });

  it('is stale after 35 days without an update, or with none at all', () => {
    expect(assess(kr({ lastUpdateAt: at('2020-12-01T00:00:00Z') }), now)).toEqual([
      expect.objectContaining({ kind: 'stale', days: 45 }),
    ]);
    expect(assess(kr({ lastUpdateAt: null }), now)).toEqual([
      expect.objectContaining({ kind: 'stale', days: null }),
    ]);
    expect(
      assess(kr({ lastUpdateAt: at('2020-12-01T00:00:00Z') }), now, { staleDays: 60 }),
    ).toEqual([]);
  });

  it('excludes Done and Cancelled, and marks snoozed findings', () => {
    const missed = kr({ values: [], lastUpdateAt: null });
    expect(assess({ ...missed, status: 'done' }, now)).toEqual([]);
    expect(assess({ ...missed, status: 'cancelled' }, now)).toEqual([]);
    const snoozed = assess({ ...missed, snoozedUntil: at('2021-02-01T00:00:00Z') }, now);
    expect(snoozed.length).toBe(2);
    expect(snoozed.every((f) => f.snoozed)).toBe(true);
    expect(
      assess({ ...missed, snoozedUntil: at('2021-01-01T00:00:00Z') }, now).every((f) => !f.snoozed),
    ).toBe(true);
  });
});
