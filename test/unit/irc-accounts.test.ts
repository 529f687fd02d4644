import { describe, expect, it } from 'vitest';
import { AccountTracker } from '../../src/transports/irc/accounts.ts';
import { caseFold } from '../../src/transports/irc/casemapping.ts';

describe('IRC account tracking', () => {
  const setup = () => {
    const logins: string[] = [];
    const tracker = new AccountTracker(
      () => caseFold('rfc1459'),
      (account, nick) => logins.push(`${account}@${nick}`),
    );
    return { tracker, logins };
  };

  it('follows accounts through joins, logins, logouts, nick changes and quits', () => {
    const { tracker, logins } = setup();
    tracker.joined('Nuria[away]', '#okr', 'nuria');
    expect(tracker.accountOf('nuria{AWAY}')).toBe('nuria');
    expect(tracker.nickOf('NURIA')).toBe('Nuria[away]');
    tracker.renamed('nuria[away]', 'nuria');
    expect(tracker.nickOf('nuria')).toBe('nuria');
    expect(tracker.accountOf('Nuria[away]')).toBeUndefined();
    tracker.account('nuria', false);
    expect(tracker.accountOf('nuria')).toBe(false);
    expect(tracker.nickOf('nuria')).toBeUndefined();
    tracker.account('nuria', 'gilles');
    expect(tracker.nickOf('gilles')).toBe('nuria');
    tracker.quit('NURIA');
    expect(tracker.accountOf('nuria')).toBeUndefined();
    expect(logins).toEqual(['nuria@Nuria[away]', 'gilles@nuria']);
  });

  it('forgets people once no channel is shared, and everyone on clear', () => {
    const { tracker } = setup();
    tracker.joined('alice', '#a', 'alice');
    tracker.joined('alice', '#b', undefined);
    tracker.left('alice', '#A');
    expect(tracker.accountOf('alice')).toBe('alice');
    tracker.left('alice', '#b');
    expect(tracker.accountOf('alice')).toBeUndefined();
    tracker.joined('bob', '#a', false);
    tracker.joined('carol', '#b', 'carol');
    tracker.leftChannel('#a');
    expect(tracker.accountOf('bob')).toBeUndefined();
    expect(tracker.accountOf('carol')).toBe('carol');
    tracker.clear();
    expect(tracker.nickOf('carol')).toBeUndefined();
  });

  it('reports a login only when the account is new for the nick', () => {
    const { tracker, logins } = setup();
    tracker.joined('nuria', '#a', 'nuria');
    tracker.joined('nuria', '#b', 'Nuria');
    tracker.account('nuria', 'nuria');
    tracker.account('stranger', 'stranger');
    expect(logins).toEqual(['nuria@nuria', 'stranger@stranger']);
  });
});
