import { type Clock, systemClock } from '../../runtime/clock.ts';
import type { TokenBucket } from './token-bucket.ts';

// Every line okrbot writes to IRC goes through one queue: paced by the token bucket, in order
// per target, targets taking turns so one long answer does not hold up everyone else's. While
// disconnected nothing is written (irc-framework would silently drop it): lines wait here and
// go out after the reconnection, each once.

/** Writes one raw line; calls back when it was handed to the socket, with an error if it was not. */
export type LineWriter = (line: string, done: (error?: Error | null) => void) => void;

/** Lines held at most: beyond this a send is refused rather than memory growing without bound. */
export const MAX_HELD_LINES = 2000;

interface Item {
  lines: readonly string[];
  next: number;
  resolve(): void;
  reject(error: Error): void;
}

/** Why a send did not happen. */
export class QueueError extends Error {
  constructor(readonly reason: 'stopped' | 'full') {
    super(
      reason === 'full' ? `more than ${MAX_HELD_LINES} lines waiting` : 'the IRC adapter stopped',
    );
    this.name = 'QueueError';
  }
}

export class SendQueue {
  /** Work for the connection itself (JOINs after registration): before any target's lines. */
  private readonly first: Item[] = [];
  /** Lines by target; the map's order is the turn order (a served target moves to the end). */
  private readonly lanes = new Map<string, Item[]>();
  private writer: LineWriter | undefined;
  private pumping = false;
  private closed = false;
  /** Ends the wait for the bucket when the queue closes. */
  private readonly closing = new AbortController();

  /** The bucket and the clock it waits on must agree: tests give both the same manual time. */
  constructor(
    private readonly bucket: TokenBucket,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Queues lines for one target (a case-folded nick or channel); resolves once all were written. */
  send(target: string, lines: readonly string[]): Promise<void> {
    return this.add(lines, (item) => {
      const lane = this.lanes.get(target);
      if (lane) lane.push(item);
      else this.lanes.set(target, [item]);
    });
  }

  /** Queues lines that go before every target's (rejoining channels after a reconnection). */
  sendFirst(lines: readonly string[]): Promise<void> {
    return this.add(lines, (item) => this.first.push(item));
  }

  /** Connected: writing starts (again) with this writer. */
  resume(writer: LineWriter): void {
    this.writer = writer;
    this.pump();
  }

  /** Disconnected: everything waits; a line whose write failed is written again after resume. */
  pause(): void {
    this.writer = undefined;
  }

  /** A line written outside the queue still uses up the allowance. */
  charge(): void {
    this.bucket.charge();
  }

  /** Lines waiting, in flight included. */
  held(): number {
    let count = 0;
    for (const item of [...this.first, ...[...this.lanes.values()].flat()])
      count += item.lines.length - item.next;
    return count;
  }

  /** Refuses new lines and fails every waiting send. */
  close(): void {
    this.closed = true;
    this.writer = undefined;
    this.closing.abort();
    const error = new QueueError('stopped');
    for (const item of [
      ...this.first.splice(0),
      ...[...this.lanes.values()].flatMap((lane) => lane.splice(0)),
    ])
      item.reject(error);
    this.lanes.clear();
  }

  private add(lines: readonly string[], enqueue: (item: Item) => void): Promise<void> {
    if (this.closed) return Promise.reject(new QueueError('stopped'));
    if (lines.length === 0) return Promise.resolve();
    if (this.held() + lines.length > MAX_HELD_LINES) return Promise.reject(new QueueError('full'));
    return new Promise((resolve, reject) => {
      enqueue({ lines, next: 0, resolve, reject });
      this.pump();
    });
  }

  /** The item whose line goes next, and what to do once it was written. */
  private nextItem(): { item: Item; written(): void } | undefined {
    const first = this.first[0];
    if (first)
      return {
        item: first,
        written: () => {
          if (first.next === first.lines.length) this.first.shift()?.resolve();
        },
      };
    const turn = this.lanes.entries().next();
    if (turn.done) return undefined;
    const [target, lane] = turn.value;
    const item = lane[0] as Item;
    return {
      item,
      written: () => {
        if (item.next === item.lines.length) lane.shift()?.resolve();
        // Next turn: another target's line, this one's again only after every other's.
        this.lanes.delete(target);
        if (lane.length) this.lanes.set(target, lane);
      },
    };
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.writer && !this.closed) {
        const next = this.nextItem();
        if (!next) break;
        const wait = this.bucket.take();
        if (wait > 0) {
          await this.clock.sleep(wait, this.closing.signal);
          continue;
        }
        const write = this.writer;
        const error = await new Promise<Error | null | undefined>((done) => {
          try {
            write(next.item.lines[next.item.next] as string, done);
          } catch (thrown) {
            done(thrown instanceof Error ? thrown : new Error(String(thrown)));
          }
        });
        // A failed write means the connection is gone: the line stays first in its lane.
        if (error) {
          if (this.writer === write) this.writer = undefined;
          continue;
        }
        next.item.next++;
        next.written();
      }
    } finally {
      this.pumping = false;
    }
  }
}
