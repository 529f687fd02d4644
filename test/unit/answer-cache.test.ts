import { describe, expect, it } from 'vitest';
import { createAnswerCache } from '../../src/core/answer-cache.ts';
import { createDataVersion } from '../../src/db/data-version.ts';
import { paragraph, type Reply, reply } from '../../src/reply/document.ts';

describe('data version', () => {
  it('moves on writes to tables answers are made of, not on operational ones', () => {
    const version = createDataVersion();
    const moves = (query: string) => {
      const before = version.current();
      version.observe(query);
      return version.current() !== before;
    };
    expect(moves('insert into "status_entries" ("goal_id", "status") values ($1, $2)')).toBe(true);
    expect(moves('update "people" set "time_zone" = $1 where "people"."id" = $2')).toBe(true);
    expect(moves('delete from status_entries where id = $1')).toBe(true);
    expect(moves('truncate table goals')).toBe(true);
    expect(moves('select * from goals where id = $1 for update')).toBe(false);
    expect(
      moves(
        'insert into "inbound_events" ("transport", "event_id") values ($1, $2) on conflict do nothing',
      ),
    ).toBe(false);
    expect(
      moves('insert into deliveries (key) values ($1) on conflict (key) do update set state = $2'),
    ).toBe(false);
    expect(
      moves('update "prompts" set "answered_at" = coalesce("prompts"."answered_at", $1)'),
    ).toBe(false);
  });
});

describe('answer cache', () => {
  const answer = (text: string): Reply => reply(paragraph(text));

  it('keeps an answer until the data changes or a minute passes', async () => {
    const version = createDataVersion();
    let clock = 0;
    const cache = createAnswerCache(version, { now: () => clock });
    expect(cache.get('k')).toBeUndefined();
    await cache.remember('k', async () => answer('one'));
    expect(cache.get('k')).toEqual(answer('one'));
    version.bump();
    expect(cache.get('k')).toBeUndefined();
    await cache.remember('k', async () => answer('two'));
    clock += 60_000;
    expect(cache.get('k')).toBeUndefined();
  });

  it('does not keep an answer computed while the data changed, nor an error', async () => {
    const version = createDataVersion();
    const cache = createAnswerCache(version);
    await cache.remember('k', async () => {
      version.bump();
      return answer('stale');
    });
    expect(cache.get('k')).toBeUndefined();
    await cache.remember('e', async () => ({ tone: 'error', blocks: [paragraph('No team')] }));
    expect(cache.get('e')).toBeUndefined();
  });

  it('forgets the oldest answers beyond its size', async () => {
    const cache = createAnswerCache(createDataVersion(), { maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) await cache.remember(key, async () => answer(key));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toEqual(answer('c'));
  });
});
