import { describe, expect, it } from 'vitest';
import {
  type LineWriter,
  MAX_HELD_LINES,
  QueueError,
  SendQueue,
} from '../../src/transports/irc/send-queue.ts';
import { TokenBucket } from '../../src/transports/irc/token-bucket.ts';
import { createManualClock } from '../support/manual-clock.ts';

// The queue with a fast bucket on a manual clock, and a writer that records lines (or fails,
// like a dead socket).

function setup(burst = 100, ratePerSecond = 1000) {
  const clock = createManualClock();
  const now = () => clock.now().getTime();
  const queue = new SendQueue(new TokenBucket({ burst, ratePerSecond, now }), clock);
  const written: string[] = [];
  const writer = (line: string, done: (error?: Error | null) => void) => {
    written.push(line);
    setImmediate(() => done());
  };
  return { queue, written, writer, clock, now };
}

/** A connection that opened and registered at once. */
function open(queue: SendQueue, writer: LineWriter): void {
  queue.open(writer);
  queue.ready();
}

describe('the IRC send queue', () => {
  it('holds everything while disconnected and writes it once after resume, in order', async () => {
    const { queue, written, writer } = setup();
    const first = queue.send('#okr', ['a1', 'a2', 'a3']);
    const second = queue.send('#okr', ['b1']);
    // Nothing to write to: the queue looked, and holds them all.
    expect(queue.held()).toBe(4);
    expect(written).toEqual([]);
    open(queue, writer);
    await Promise.all([first, second]);
    expect(written).toEqual(['a1', 'a2', 'a3', 'b1']);
  });

  it('keeps order per target and lets targets take turns', async () => {
    const { queue, written, writer } = setup();
    const sends = [
      queue.send('alice', ['a1', 'a2', 'a3', 'a4']),
      queue.send('bob', ['b1', 'b2']),
      queue.send('alice', ['a5']),
    ];
    open(queue, writer);
    await Promise.all(sends);
    expect(written).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'a4', 'a5']);
  });

  it('writes the connection’s own lines before registration, answers only after', async () => {
    const { queue, written, writer } = setup();
    const held = queue.send('#okr', ['hello']);
    expect(queue.sendControl('NICK okrbot')).toBe(false);
    queue.open(writer);
    queue.sendControl('CAP LS 302');
    queue.sendControl('NICK okrbot');
    await expect.poll(() => written).toEqual(['CAP LS 302', 'NICK okrbot']);
    queue.sendControl('JOIN #okr');
    queue.ready();
    await held;
    expect(written).toEqual(['CAP LS 302', 'NICK okrbot', 'JOIN #okr', 'hello']);
  });

  it('drops the connection’s own lines when it is lost, and keeps answers', async () => {
    const { queue, written, writer, clock } = setup(1, 1);
    open(queue, writer);
    await queue.send('bob', ['first']);
    const told: (Error | null | undefined)[] = [];
    queue.sendControl('JOIN #okr', (error) => told.push(error));
    const answer = queue.send('bob', ['second']);
    queue.pause();
    expect(told).toHaveLength(1);
    expect(told[0]).toBeInstanceOf(Error);
    expect(queue.held()).toBe(1);
    // The next connection joins once, not twice (no pile-up across failed reconnects).
    queue.open(writer);
    queue.sendControl('JOIN #okr');
    queue.ready();
    await clock.run(answer);
    expect(written).toEqual(['first', 'JOIN #okr', 'second']);
  });

  it('answers people before deliveries, which leave a token for the next answer', async () => {
    const { queue, written, writer, clock } = setup(2, 10);
    const deliveries = queue.send('nuria', ['d1', 'd2', 'd3', 'd4'], 'delivery');
    open(queue, writer);
    // One token is kept: only one delivery line goes at once.
    await expect.poll(() => written).toEqual(['d1']);
    await expect.poll(() => clock.sleepers).toBe(1);
    const answer = queue.send('nuria', ['a1'], 'answer');
    await answer;
    expect(written).toEqual(['d1', 'a1']);
    await clock.run(deliveries);
    expect(written).toEqual(['d1', 'a1', 'd2', 'd3', 'd4']);
  });

  it('drops what waits for a target that left, and nothing else', async () => {
    const { queue, written, writer, clock } = setup(1, 10);
    open(queue, writer);
    const toAlice = queue.send('alice', ['a1', 'a2', 'a3']);
    const toBob = queue.send('bob', ['b1', 'b2']);
    const delivery = queue.send('alice', ['d1'], 'delivery');
    await expect.poll(() => queue.heldFor('alice')).toBe(3);
    expect(written).toEqual(['a1']);
    expect(queue.drop('alice')).toBe(3);
    await expect(toAlice).rejects.toMatchObject({ reason: 'gone' });
    await expect(delivery).rejects.toMatchObject({ reason: 'gone' });
    await clock.run(toBob);
    expect(written).toEqual(['a1', 'b1', 'b2']);
    expect(queue.heldFor('alice')).toBe(0);
  });

  it('writes a line again after a failed write, and only that line', async () => {
    const { queue, written } = setup();
    let failNext = false;
    let failed: () => void = () => {};
    const failure = new Promise<void>((resolve) => {
      failed = resolve;
    });
    const writer = (line: string, done: (error?: Error | null) => void) => {
      if (failNext) {
        failNext = false;
        queue.pause();
        setImmediate(() => {
          done(new Error('socket closed'));
          // After the queue's own handling of the failure (queued first, run first).
          failed();
        });
        return;
      }
      written.push(line);
      if (line === 'l2') failNext = true;
      setImmediate(() => done());
    };
    const sent = queue.send('#okr', ['l1', 'l2', 'l3', 'l4']);
    open(queue, writer);
    await failure;
    expect(written).toEqual(['l1', 'l2']);
    expect(queue.held()).toBe(2);
    open(queue, writer);
    await sent;
    expect(written).toEqual(['l1', 'l2', 'l3', 'l4']);
  });

  it('paces lines by the bucket', async () => {
    const { queue, written, writer, clock, now } = setup(2, 50);
    open(queue, writer);
    const started = now();
    const sent = queue.send('#okr', ['1', '2', '3', '4', '5', '6']);
    // The burst goes at once, then the queue waits on the clock for the bucket.
    await expect.poll(() => written).toEqual(['1', '2']);
    await expect.poll(() => clock.sleepers).toBe(1);
    await clock.advance(19);
    expect(clock.sleepers).toBe(1);
    expect(written).toEqual(['1', '2']);
    await clock.run(sent);
    expect(written).toHaveLength(6);
    // Two at once, then four at 50 a second: at least 80 ms.
    expect(now() - started).toBeGreaterThanOrEqual(80);
  });

  it('refuses more than it may hold, and fails what waits when closed', async () => {
    const { queue } = setup();
    const waiting = queue.send('#okr', ['x']);
    await expect(
      queue.send(
        '#okr',
        Array.from({ length: MAX_HELD_LINES }, () => 'y'),
      ),
    ).rejects.toMatchObject({ reason: 'full' });
    queue.close();
    await expect(waiting).rejects.toBeInstanceOf(QueueError);
    await expect(queue.send('#okr', ['z'])).rejects.toMatchObject({ reason: 'stopped' });
  });
});
