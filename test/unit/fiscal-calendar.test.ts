import { describe, expect, it } from 'vitest';
import {
  cycleAt,
  cycleDays,
  cycleInstants,
  cycleMonths,
  dayIn,
  endOfDayIn,
  formatCycle,
  isDay,
  parseCycle,
  startOfDayIn,
} from '../../src/domain/fiscal-calendar.ts';

const july = { startMonth: 7 };

describe('cycle labels', () => {
  it.each([
    ['FY2019-20 Q1', { fiscalYear: 2019, quarter: 1 }],
    ['fy2019-20 q4', { fiscalYear: 2019, quarter: 4 }],
    ['FY2019–20 Q1', { fiscalYear: 2019, quarter: 1 }],
    ['FY19/20 Q2', { fiscalYear: 2019, quarter: 2 }],
    ['2020-21 Q3', { fiscalYear: 2020, quarter: 3 }],
    ['FY2020-21', { fiscalYear: 2020 }],
    ['FY2099-00 Q2', { fiscalYear: 2099, quarter: 2 }],
  ])('reads %s', (label, cycle) => {
    expect(parseCycle(label)).toEqual(cycle);
  });

  it.each(['FY2019-21 Q1', 'FY2019-20 Q5', 'Q1', 'banana', '', 'FY0001-02', '2019'])(
    'refuses %j',
    (label) => {
      expect(parseCycle(label)).toBeUndefined();
    },
  );

  it('formats the canonical label and round-trips it', () => {
    expect(formatCycle({ fiscalYear: 2019, quarter: 1 }, july)).toBe('FY2019-20 Q1');
    expect(formatCycle({ fiscalYear: 2099 }, july)).toBe('FY2099-00');
    expect(parseCycle(formatCycle({ fiscalYear: 2020, quarter: 3 }, july))).toEqual({
      fiscalYear: 2020,
      quarter: 3,
    });
  });

  it('names calendar fiscal years by one year', () => {
    expect(formatCycle({ fiscalYear: 2019, quarter: 2 }, { startMonth: 1 })).toBe('FY2019 Q2');
    expect(parseCycle('FY2019 Q2')).toEqual({ fiscalYear: 2019, quarter: 2 });
  });
});

describe('fiscal year boundaries (July start)', () => {
  it.each([
    [{ fiscalYear: 2019, quarter: 1 as const }, '2019-07-01', '2019-10-01'],
    [{ fiscalYear: 2019, quarter: 2 as const }, '2019-10-01', '2020-01-01'],
    [{ fiscalYear: 2019, quarter: 3 as const }, '2020-01-01', '2020-04-01'],
    [{ fiscalYear: 2019, quarter: 4 as const }, '2020-04-01', '2020-07-01'],
    [{ fiscalYear: 2020 }, '2020-07-01', '2021-07-01'],
  ])('%j runs from %s to before %s', (cycle, startsOn, endsBefore) => {
    expect(cycleDays(cycle, july)).toEqual({ startsOn, endsBefore });
  });

  it('lists the months of a quarter and of a year', () => {
    expect(cycleMonths({ fiscalYear: 2019, quarter: 2 }, july)).toEqual([
      '2019-10',
      '2019-11',
      '2019-12',
    ]);
    expect(cycleMonths({ fiscalYear: 2020 }, july)).toHaveLength(12);
    expect(cycleMonths({ fiscalYear: 2020 }, july).at(-1)).toBe('2021-06');
  });

  it('supports other start months', () => {
    expect(cycleDays({ fiscalYear: 2019, quarter: 1 }, { startMonth: 10 })).toEqual({
      startsOn: '2019-10-01',
      endsBefore: '2020-01-01',
    });
    expect(cycleDays({ fiscalYear: 2019, quarter: 4 }, { startMonth: 1 })).toEqual({
      startsOn: '2019-10-01',
      endsBefore: '2020-01-01',
    });
  });

  it.each([
    ['2019-07-01T00:00:00Z', 'FY2019-20 Q1'],
    ['2019-09-30T23:59:59Z', 'FY2019-20 Q1'],
    ['2019-10-01T00:00:00Z', 'FY2019-20 Q2'],
    ['2020-01-15T12:00:00Z', 'FY2019-20 Q3'],
    ['2020-06-30T23:59:59Z', 'FY2019-20 Q4'],
    ['2099-12-31T12:00:00Z', 'FY2099-00 Q2'],
  ])('%s is in %s (UTC)', (instant, label) => {
    expect(formatCycle(cycleAt(new Date(instant), july, 'UTC'), july)).toBe(label);
  });
});

describe('time zones', () => {
  it('puts the same instant in different quarters in Sydney and UTC', () => {
    const instant = new Date('2019-06-30T15:00:00Z');
    expect(formatCycle(cycleAt(instant, july, 'Australia/Sydney'), july)).toBe('FY2019-20 Q1');
    expect(formatCycle(cycleAt(instant, july, 'UTC'), july)).toBe('FY2018-19 Q4');
    expect(formatCycle(cycleAt(instant, july, 'UTC', 'year'), july)).toBe('FY2018-19');
  });

  it('gives Q3 in Sydney its daylight-saving offsets', () => {
    const { startsAt, endsAt } = cycleInstants(
      { fiscalYear: 2019, quarter: 3 },
      july,
      'Australia/Sydney',
    );
    expect(startsAt.toISOString()).toBe('2019-12-31T13:00:00.000Z');
    expect(endsAt.toISOString()).toBe('2020-03-31T13:00:00.000Z');
  });

  it('computes "end of Q3" as the instant Q4 begins', () => {
    expect(cycleInstants({ fiscalYear: 2019, quarter: 3 }, july, 'UTC').endsAt.toISOString()).toBe(
      '2020-04-01T00:00:00.000Z',
    );
    expect(
      cycleInstants({ fiscalYear: 2019, quarter: 3 }, july, 'America/Chicago').endsAt.toISOString(),
    ).toBe('2020-04-01T05:00:00.000Z');
  });

  it.each([
    // Spring forward: the day has 23 hours.
    ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z', 23],
    ['America/Chicago', '2026-03-08', '2026-03-08T06:00:00.000Z', 23],
    // Fall back: 25 hours.
    ['Europe/Berlin', '2026-10-25', '2026-10-24T22:00:00.000Z', 25],
    ['America/Chicago', '2026-11-01', '2026-11-01T05:00:00.000Z', 25],
    ['Australia/Sydney', '2026-04-05', '2026-04-04T13:00:00.000Z', 25],
    ['Australia/Sydney', '2026-10-04', '2026-10-03T14:00:00.000Z', 23],
  ])('in %s, %s starts at %s and lasts %i hours', (zone, day, start, hours) => {
    expect(startOfDayIn(day, zone).toISOString()).toBe(start);
    expect((endOfDayIn(day, zone).getTime() - startOfDayIn(day, zone).getTime()) / 3_600_000).toBe(
      hours,
    );
    expect(dayIn(startOfDayIn(day, zone), zone)).toBe(day);
  });
});

describe('days', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2026-02-31', false],
    ['0000-01-01', false],
    ['2019-13-01', false],
    ['2019-7-1', false],
    ['294277-01-01', false],
  ])('%s is a real day: %s', (text, real) => {
    expect(isDay(text)).toBe(real);
  });
});
