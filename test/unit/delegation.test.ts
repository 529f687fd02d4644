import { describe, expect, it } from 'vitest';
import { promptRecipients } from '../../src/domain/delegation.ts';
import { parseUntil } from '../../src/domain/durations.ts';

const now = new Date('2019-08-28T12:00:00Z');
const back = new Date('2019-09-16T00:00:00Z');
const nuria = { id: 1, name: 'Nuria', awayUntil: null };
const awayNuria = { ...nuria, awayUntil: back };
const joseph = { id: 2, name: 'Joseph', awayUntil: null };
const dan = { id: 3, name: 'Dan', awayUntil: null };

describe('who gets a team prompt', () => {
  it('goes to the managers who are here', () => {
    expect(promptRecipients([nuria], [joseph], now)).toEqual({ to: [nuria], waitUntil: null });
  });

  it('goes to the delegates while a manager is away', () => {
    expect(promptRecipients([awayNuria], [joseph], now)).toEqual({ to: [joseph], waitUntil: null });
    expect(promptRecipients([awayNuria, dan], [joseph], now).to.map((m) => m.name)).toEqual([
      'Dan',
      'Joseph',
    ]);
  });

  it('waits until the manager is back when nobody can answer', () => {
    expect(promptRecipients([awayNuria], [], now)).toEqual({ to: [], waitUntil: back });
    expect(
      promptRecipients(
        [awayNuria],
        [{ ...joseph, awayUntil: new Date('2019-09-01T00:00:00Z') }],
        now,
      ).waitUntil,
    ).toEqual(new Date('2019-09-01T00:00:00Z'));
  });

  it('forgets an absence that has ended', () => {
    expect(
      promptRecipients([{ ...nuria, awayUntil: new Date('2019-08-01T00:00:00Z') }], [joseph], now)
        .to,
    ).toEqual([{ ...nuria, awayUntil: new Date('2019-08-01T00:00:00Z') }]);
  });
});

describe('durations', () => {
  it.each([
    ['7d', { kind: 'days', days: 7 }],
    ['2w', { kind: 'days', days: 14 }],
    ['3 days', { kind: 'days', days: 3 }],
    ['1 week', { kind: 'days', days: 7 }],
    ['until 2019-09-15', { kind: 'day', day: '2019-09-15' }],
    ['2019-09-15', { kind: 'day', day: '2019-09-15' }],
    ['off', { kind: 'off' }],
  ])('reads %j', (text, until) => {
    expect(parseUntil(text)).toEqual(until);
  });

  it.each(['', 'soon', '0d', '400 days', 'until 2026-02-31', '-3d'])('refuses %j', (text) => {
    expect(parseUntil(text)).toBeUndefined();
  });
});
