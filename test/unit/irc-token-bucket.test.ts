import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/transports/irc/token-bucket.ts';

describe('the flood-control token bucket', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('lets a burst through, then one line per interval', () => {
    const time = clock();
    const bucket = new TokenBucket({ burst: 4, ratePerSecond: 1, now: time.now });
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0, 0]);
    expect(bucket.take()).toBe(1000);
    time.advance(400);
    expect(bucket.take()).toBe(600);
    time.advance(600);
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(1000);
  });

  it('refills to the burst and no further', () => {
    const time = clock();
    const bucket = new TokenBucket({ burst: 2, ratePerSecond: 2, now: time.now });
    bucket.take();
    bucket.take();
    time.advance(60_000);
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBe(500);
  });

  it('keeps tokens in reserve when asked to', () => {
    const time = clock();
    const bucket = new TokenBucket({ burst: 2, ratePerSecond: 1, now: time.now });
    expect(bucket.take(1)).toBe(0);
    // One token left: a line that must leave one waits for a second, any other goes now.
    expect(bucket.take(1)).toBe(1000);
    expect(bucket.take()).toBe(0);
    expect(bucket.take(1)).toBe(2000);
  });

  it('never sends more than burst + rate × time lines in any run of takes', () => {
    const time = clock();
    const bucket = new TokenBucket({ burst: 4, ratePerSecond: 3, now: time.now });
    let sent = 0;
    for (let step = 0; step < 10_000; step++) {
      const wait = bucket.take();
      if (wait === 0) sent++;
      time.advance(wait === 0 ? 7 : wait);
    }
    expect(sent).toBeLessThanOrEqual(4 + Math.floor((time.now() / 1000) * 3));
    expect(sent).toBeGreaterThanOrEqual(Math.floor((time.now() / 1000) * 3));
  });
});
