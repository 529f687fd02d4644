import { describe, expect, it } from 'vitest';
import { context, heading, link, list, paragraph, reply } from '../../src/reply/document.ts';
import { caseFold } from '../../src/transports/irc/casemapping.ts';
import {
  capLines,
  channelMore,
  commandIn,
  dashboardPage,
} from '../../src/transports/irc/conversation.ts';
import { isSafeTarget } from '../../src/transports/irc/names.ts';
import { backoffDelay } from '../../src/transports/irc/supervisor.ts';

describe('IRC case mapping', () => {
  it('folds by the mapping the server announces', () => {
    expect(caseFold('rfc1459')('Nuria[m]\\~')).toBe('nuria{m}|^');
    expect(caseFold(undefined)('OKRBOT^')).toBe('okrbot^');
    expect(caseFold('strict-rfc1459')('A[]\\~')).toBe('a{}|~');
    expect(caseFold('ascii')('Nuria[M]')).toBe('nuria[m]');
    expect(caseFold('rfc7613')('NÚRIA')).toBe('núria');
    expect(caseFold('ascii')('NÚRIA')).toBe('nÚria');
  });
});

describe('commands on IRC', () => {
  const fold = caseFold('rfc1459');
  const read = (message: string, isPrivate = false) =>
    commandIn(message, isPrivate, 'okrbot', fold);

  it('reads !okr and addressed lines in channels, and ignores the rest', () => {
    expect(read('!okr status analytics')).toBe('status analytics');
    expect(read('!OKR   set T1 done  ')).toBe('set T1 done');
    expect(read('!okr')).toBe('help');
    expect(read('okrbot: status analytics')).toBe('status analytics');
    expect(read('OKRBOT, goals')).toBe('goals');
    expect(read('okrbot:whoami')).toBe('whoami');
    expect(caseFold('rfc1459')('okrbot[1]')).toBe(fold('OKRBOT{1}'));
    expect(commandIn('OKRBOT{1}: help', false, 'okrbot[1]', fold)).toBe('help');
    expect(read('status analytics')).toBeUndefined();
    expect(read('!okrfoo')).toBeUndefined();
    expect(read('someone: status')).toBeUndefined();
    expect(read('https://example.org')).toBeUndefined();
  });

  it('reads any line of a private message, with or without the prefixes', () => {
    expect(read('status analytics', true)).toBe('status analytics');
    expect(read('!okr status analytics', true)).toBe('status analytics');
    expect(read('okrbot: 2 done', true)).toBe('2 done');
    expect(read('   ', true)).toBeUndefined();
  });

  it('shortens long answers with where the rest is', () => {
    const lines = ['1', '2', '3', '4', '5', '6'];
    const more = (hidden: number) => channelMore(hidden, 'status analytics', 'okrbot', undefined);
    expect(capLines(lines, 4, more)).toEqual([
      '1',
      '2',
      '3',
      '… 3 more: /msg okrbot status analytics',
    ]);
    expect(capLines(lines.slice(0, 4), 4, more)).toEqual(['1', '2', '3', '4']);
    expect(channelMore(2, 'status analytics', 'okrbot', 'https://okr.example.org/x')).toBe(
      '… 2 more at https://okr.example.org/x',
    );
  });

  it("points at the answer's own dashboard page when it links one", () => {
    const base = 'https://okr.example.org';
    const page = `${base}/technology/FY2019-20-Q1/analytics`;
    const answer = reply(
      heading('Analytics'),
      list([{ content: ['see ', link('https://elsewhere.example', 'elsewhere')] }]),
      context(link(page, 'Analytics on the dashboard')),
    );
    expect(dashboardPage(answer, base)).toBe(page);
    expect(dashboardPage(reply(paragraph('no link')), base)).toBe(base);
    expect(dashboardPage(answer, undefined)).toBeUndefined();
  });
});

describe('IRC targets', () => {
  it('accepts channels and nicks, and nothing that could split a line', () => {
    for (const target of ['#okr', '&local', 'nuria', 'nuria[m]', 'Ñúria', 'okr|bot'])
      expect(isSafeTarget(target, '#&')).toBe(true);
    for (const target of [
      '',
      '#',
      '#okr\r\nQUIT',
      '#okr,#other',
      'nuria bob',
      ':nuria',
      '1nuria',
      '-x',
      'a\0b',
      'x'.repeat(65),
    ])
      expect(isSafeTarget(target, '#&')).toBe(false);
  });
});

describe('reconnection backoff', () => {
  const options = { initialMs: 1_000, maxMs: 60_000, stableMs: 60_000, registrationTimeoutMs: 1 };

  it('doubles from the first wait up to the cap', () => {
    const full = { ...options, random: () => 1 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => backoffDelay(n, full))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('waits between half and all of it, at random', () => {
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(2_000);
    for (let i = 0; i < 200; i++) {
      const wait = backoffDelay(4, options);
      expect(wait).toBeGreaterThanOrEqual(4_000);
      expect(wait).toBeLessThanOrEqual(8_000);
    }
  });
});
