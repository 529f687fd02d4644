import { describe, expect, it } from 'vitest';
import { pinnedClock, startOffsetClock, systemClock } from '../../src/runtime/clock.ts';
import { createManualClock } from '../support/manual-clock.ts';

describe('the clock', () => {
  it('computes every instant from the reference it read, whatever the process clock says', async () => {
    // A database 90 s ahead of this process.
    const clock = await startOffsetClock(async () => new Date(Date.now() + 90_000));
    try {
      const skew = clock.now().getTime() - Date.now();
      expect(skew).toBeGreaterThan(89_000);
      expect(skew).toBeLessThan(91_000);
    } finally {
      clock.stop();
    }
  });

  it('reads the reference again to follow it, and keeps the last offset when that fails', async () => {
    let ahead = 0;
    let failing = false;
    const reads: number[] = [];
    const clock = await startOffsetClock(
      async () => {
        reads.push(ahead);
        if (failing) throw new Error('database away');
        return new Date(Date.now() + ahead);
      },
      { refreshMs: 5, onRefreshError: () => {} },
    );
    try {
      ahead = 3_600_000;
      await expect.poll(() => clock.now().getTime() - Date.now()).toBeGreaterThan(3_500_000);
      failing = true;
      const failures = reads.length;
      await expect.poll(() => reads.length).toBeGreaterThan(failures + 1);
      expect(clock.now().getTime() - Date.now()).toBeGreaterThan(3_500_000);
    } finally {
      clock.stop();
    }
  });

  it('pins now() for OKRBOT_NOW, and waits on the clock beneath it', async () => {
    const at = new Date('2019-08-28T12:00:00Z');
    const base = createManualClock('2026-11-02T08:00:00Z');
    const clock = pinnedClock(at, base);
    let woke = false;
    const wait = clock.sleep(60_000).then(() => {
      woke = true;
    });
    await base.advance(59_999);
    expect(woke).toBe(false);
    await base.advance(1);
    await wait;
    expect(clock.now()).toEqual(at);
  });

  it('ends a wait at once when its signal aborts', async () => {
    const stopping = new AbortController();
    const wait = systemClock.sleep(3_600_000, stopping.signal);
    stopping.abort();
    await wait;
    const already = new AbortController();
    already.abort();
    await systemClock.sleep(3_600_000, already.signal);
  });
});

describe('the manual clock of the tests', () => {
  it('wakes sleepers only when advanced past their deadline, in deadline order', async () => {
    const clock = createManualClock('2026-11-02T08:00:00Z');
    const woke: string[] = [];
    const late = clock.sleep(2000).then(() => woke.push(`late at ${clock.now().toISOString()}`));
    const early = clock.sleep(1000).then(() => woke.push(`early at ${clock.now().toISOString()}`));
    await clock.advance(999);
    expect(woke).toEqual([]);
    expect(clock.sleepers).toBe(2);
    await clock.advance(1001);
    await Promise.all([early, late]);
    expect(woke).toEqual(['early at 2026-11-02T08:00:01.000Z', 'late at 2026-11-02T08:00:02.000Z']);
    expect(clock.now().toISOString()).toBe('2026-11-02T08:00:02.000Z');
  });

  it('runs work that waits on it to the end, moving time as far as the work sleeps', async () => {
    const clock = createManualClock('2026-11-02T08:00:00Z');
    const work = async () => {
      for (let i = 0; i < 3; i++) await clock.sleep(60_000);
      return clock.now().toISOString();
    };
    expect(await clock.run(work())).toBe('2026-11-02T08:03:00.000Z');
    await expect(clock.run(clock.sleep(10_000), { limitMs: 5000 })).rejects.toThrow(
      'still not done 5000 ms later on the clock',
    );
  });
});
