import { describe, expect, it } from 'vitest';
import { dayIn } from '../../src/domain/fiscal-calendar.ts';
import { formatRunKey, parseRunKey } from '../../src/domain/keys.ts';
import { nudgeLevel } from '../../src/domain/overdue.ts';
import {
  type AnySchedule,
  DEFAULT_SCHEDULES,
  daysLater,
  describeSchedule,
  digestWeek,
  dueInstants,
  isoWeek,
  localInstant,
  nextDueInstant,
  parseLocalTime,
  parseWeekday,
  timeIn,
} from '../../src/domain/schedules.ts';
import { routeTo } from '../../src/jobs/scheduler/job-context.ts';

const ZONES = ['Europe/Berlin', 'America/Chicago', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
const YEAR = [new Date('2025-12-31T00:00:00Z'), new Date('2027-01-02T00:00:00Z')] as const;
const iso = (d: Date) => d.toISOString();

describe('local times and DST', () => {
  it.each([
    // A time that a change to summer time skips moves forward by the gap.
    ['2026-03-29', '02:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    ['2026-03-08', '02:30', 'America/Chicago', '2026-03-08T08:30:00.000Z'],
    ['2026-10-04', '02:30', 'Australia/Sydney', '2026-10-03T16:30:00.000Z'],
    // A time that happens twice is the second one, every time.
    ['2026-10-25', '02:30', 'Europe/Berlin', '2026-10-25T01:30:00.000Z'],
    ['2026-11-01', '01:30', 'America/Chicago', '2026-11-01T06:30:00.000Z'],
    ['2026-04-05', '02:30', 'Australia/Sydney', '2026-04-04T16:30:00.000Z'],
    ['2026-11-20', '10:00', 'Australia/Sydney', '2026-11-19T23:00:00.000Z'],
  ])('%s %s in %s is %s', (day, time, zone, expected) => {
    expect(iso(localInstant(day, time, zone))).toBe(expected);
  });

  it.each(ZONES)('the monthly prompt comes once a month at 10:00 local in %s', (zone) => {
    const instants = dueInstants(DEFAULT_SCHEDULES.prompt, zone, ...YEAR);
    expect(instants.map((i) => dayIn(i, zone).slice(0, 7))).toEqual(
      Array.from({ length: 12 }, (_, m) => `2026-${String(m + 1).padStart(2, '0')}`),
    );
    expect(new Set(instants.map((i) => `${dayIn(i, zone).slice(8)} ${timeIn(i, zone)}`))).toEqual(
      new Set(['20 10:00']),
    );
  });

  it.each(ZONES)(
    'a daily time comes once on every day of the year in %s, even at 02:30',
    (zone) => {
      const schedule: AnySchedule = { ...DEFAULT_SCHEDULES.overdue, settings: { time: '02:30' } };
      const days = dueInstants(schedule, zone, ...YEAR).map((i) => dayIn(i, zone));
      expect(days.filter((d) => d.startsWith('2026'))).toHaveLength(365);
      expect(new Set(days).size).toBe(days.length);
    },
  );

  it.each(ZONES)('the weekly digest comes every Monday at 09:00 in %s', (zone) => {
    const instants = dueInstants(DEFAULT_SCHEDULES.digest, zone, ...YEAR);
    expect(instants.filter((i) => dayIn(i, zone).startsWith('2026'))).toHaveLength(52);
    for (const instant of instants) {
      expect(timeIn(instant, zone)).toBe('09:00');
      expect(new Date(`${dayIn(instant, zone)}T12:00:00Z`).getUTCDay()).toBe(1);
    }
  });

  it('puts a prompt day a month does not have on its last day', () => {
    const schedule: AnySchedule = {
      ...DEFAULT_SCHEDULES.prompt,
      settings: { day: 31, time: '10:00', reminders: [] },
    };
    const days = dueInstants(schedule, 'UTC', ...YEAR).map((i) => dayIn(i, 'UTC'));
    expect(days.filter((d) => d.startsWith('2026')).slice(0, 4)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
    ]);
  });

  it('lists only instants after `after` and up to `upTo`, oldest first', () => {
    const due = new Date('2026-11-02T08:00:00Z');
    const digest = DEFAULT_SCHEDULES.digest;
    expect(dueInstants(digest, 'Europe/Berlin', due, due)).toEqual([]);
    expect(dueInstants(digest, 'Europe/Berlin', new Date(due.getTime() - 1), due)).toEqual([due]);
    expect(nextDueInstant(digest, 'Europe/Berlin', due)).toEqual(new Date('2026-11-09T08:00:00Z'));
  });

  it('keeps the local hour for reminders across a DST change', () => {
    const prompt = new Date('2026-10-23T08:00:00Z'); // 10:00 CEST
    expect(iso(daysLater(prompt, 3, 'Europe/Berlin'))).toBe('2026-10-26T09:00:00.000Z'); // 10:00 CET
  });

  it('reports on the seven days before a digest, with the month they began in', () => {
    const week = digestWeek(new Date('2026-11-02T08:00:00Z'), 'Europe/Berlin');
    expect(iso(week.from)).toBe('2026-10-26T08:00:00.000Z');
    expect(week.month).toBe('2026-10');
  });

  it.each([
    ['2026-11-02T08:00:00Z', 'Europe/Berlin', '2026-W45'],
    ['2021-01-03T12:00:00Z', 'UTC', '2020-W53'],
    ['2024-12-30T12:00:00Z', 'UTC', '2025-W01'],
    ['2019-08-26T09:00:00Z', 'UTC', '2019-W35'],
  ])('%s is in ISO week %s in %s', (at, zone, week) => {
    expect(isoWeek(new Date(at), zone)).toBe(week);
  });
});

describe('schedule words', () => {
  it.each([
    ['9', '09:00'],
    ['09:30', '09:30'],
    ['23:59', '23:59'],
    ['24:00', undefined],
    ['9:5', undefined],
    ['noon', undefined],
  ])('time %s', (text, expected) => expect(parseLocalTime(text)).toBe(expected));

  it.each([
    ['monday', 1],
    ['Sun', 7],
    ['3', 3],
    ['mo', undefined],
    ['8', undefined],
  ])('weekday %s', (text, expected) => expect(parseWeekday(text)).toBe(expected));

  it('describes the defaults', () => {
    expect(describeSchedule(DEFAULT_SCHEDULES.prompt)).toBe(
      'monthly on the 20th at 10:00, reminders 3 and 6 days later if unanswered',
    );
    expect(describeSchedule(DEFAULT_SCHEDULES.digest)).toBe('weekly on Monday at 09:00');
    expect(describeSchedule(DEFAULT_SCHEDULES.overdue)).toBe('daily at 10:00');
  });
});

describe('nudge escalation', () => {
  it('moves up a level after every two ignored nudges, and stays in the digest', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(nudgeLevel)).toEqual([1, 1, 2, 2, 3, 3, 3]);
  });
});

describe('run keys', () => {
  it.each([
    'digest:technology',
    'prompt:technology:America/Argentina/Buenos_Aires',
    'manual:prompt:technology:*',
    'manual:overdue:technology',
  ])('%s reads back as written', (key) => {
    const parsed = parseRunKey(key);
    expect(parsed && formatRunKey(parsed)).toBe(key);
  });

  it('refuses what is no run key', () => {
    expect(parseRunKey('nudge:technology')).toBeUndefined();
    expect(parseRunKey('digest:')).toBeUndefined();
  });
});

describe("where a person's message goes", () => {
  const accounts = [
    { transport: 'irc' as const, account: 'nuria' },
    { transport: 'slack' as const, account: 'U0NURIA01' },
  ];
  it('prefers Slack, then IRC, among the transports okrbot sends on', () => {
    expect(routeTo(accounts, ['irc', 'slack'])).toEqual({
      transport: 'slack',
      target: 'U0NURIA01',
    });
    expect(routeTo(accounts, ['irc'])).toEqual({ transport: 'irc', target: 'nuria' });
  });
  it('says why a person cannot be reached', () => {
    expect(routeTo([], ['slack'])).toEqual({
      skip: 'no chat account linked (an admin links one with `person link`)',
    });
    expect(routeTo([accounts[0] as never], ['slack'])).toEqual({
      skip: 'only has a irc account, and okrbot sends on slack',
    });
  });
});
