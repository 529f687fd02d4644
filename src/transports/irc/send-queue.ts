import { type Clock, systemClock } from '../../runtime/clock.ts';
import type { TokenBucket } from './token-bucket.ts';

// Every line okrbot writes to IRC goes through one queue, paced by the token bucket: the
// connection's own lines (registration, PONG, JOIN, WHO, WHOIS, NICK, CTCP replies) first, then
// answers to people who asked, then the outbox's deliveries with what is left (they keep a token
// in reserve, so an answer never waits behind them). Within a lane, targets take turns so one long
// answer does not hold up everyone else's. While disconnected nothing is written (irc-framework
// would silently drop it): answers and deliveries wait here and go out after the reconnection,
// each once; the connection's own lines belonged to the connection that is gone, and are dropped.

/** Writes one raw line; calls back when it was handed to the socket, with an error if it was not. */
export type LineWriter = (line: string, done: (error?: Error | null) => void) => void;

/** Lines held at most: beyond this a send is refused rather than memory growing without bound. */
export const MAX_HELD_LINES = 2000;
/** The connection's own lines waiting at most (a CTCP flood would queue replies without end). */
export const MAX_CONTROL_LINES = 40;

/** Answers go before deliveries. */
export type Lane = 'answer' | 'delivery';

interface Item {
  lines: readonly string[];
  next: number;
  resolve(): void;
  reject(error: Error): void;
}

interface ControlLine {
  line: string;
  done?: (error?: Error | null) => void;
}

/** Why a send did not happen. */
export class QueueError extends Error {
  constructor(readonly reason: 'stopped' | 'full' | 'gone') {
    super(
      reason === 'full'
        ? `more than ${MAX_HELD_LINES} lines waiting`
        : reason === 'gone'
          ? 'the recipient left before the lines went out'
          : 'the IRC adapter stopped',
    );
    this.name = 'QueueError';
  }
}

export class SendQueue {
  private readonly control: ControlLine[] = [];
  /** Lines by lane and target; a map's order is the turn order (a served target moves to the end). */
  private readonly lanes: Record<Lane, Map<string, Item[]>> = {
    answer: new Map(),
    delivery: new Map(),
  };
  private writer: LineWriter | undefined;
  private registered = false;
  private pumping = false;
  private closed = false;
  /** Ends a wait for the bucket: on close, and when a more urgent line arrives. */
  private waking = new AbortController();

  /** The bucket and the clock it waits on must agree: tests give both the same manual time. */
  constructor(
    private readonly bucket: TokenBucket,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The socket is open: the connection's own lines (registration first) go out. */
  open(writer: LineWriter): void {
    this.writer = writer;
    this.pump();
  }

  /** Registered: answers and deliveries go out too. */
  ready(): void {
    this.registered = true;
    this.pump();
  }

  /**
   * Disconnected: answers and deliveries wait (a line whose write failed is written again after
   * the reconnection); the connection's own lines are dropped, told so through their callback.
   */
  pause(): void {
    this.writer = undefined;
    this.registered = false;
    for (const { done } of this.control.splice(0)) done?.(new Error('disconnected'));
  }

  /**
   * A line of the connection itself, before any answer; refused (false, and `done` told) while
   * no socket is open or when too many wait.
   */
  sendControl(line: string, done?: (error?: Error | null) => void): boolean {
    if (this.closed || !this.writer || this.control.length >= MAX_CONTROL_LINES) {
      done?.(new Error(this.writer ? 'too many lines waiting' : 'disconnected'));
      return false;
    }
    this.control.push({ line, ...(done && { done }) });
    this.added();
    return true;
  }

  /** Queues lines for one target (a case-folded nick or channel); resolves once all were written. */
  send(target: string, lines: readonly string[], lane: Lane = 'answer'): Promise<void> {
    if (this.closed) return Promise.reject(new QueueError('stopped'));
    if (lines.length === 0) return Promise.resolve();
    if (this.held() + lines.length > MAX_HELD_LINES) return Promise.reject(new QueueError('full'));
    return new Promise((resolve, reject) => {
      const queued = this.lanes[lane].get(target);
      const item = { lines, next: 0, resolve, reject };
      if (queued) queued.push(item);
      else this.lanes[lane].set(target, [item]);
      this.added();
    });
  }

  /**
   * Drops every line still waiting for `target` (a nick that quit or changed hands), so none
   * reaches whoever holds the nick next; their sends fail with reason 'gone'. Says how many.
   */
  drop(target: string): number {
    let dropped = 0;
    for (const lanes of Object.values(this.lanes)) {
      const items = lanes.get(target);
      if (!items) continue;
      lanes.delete(target);
      for (const item of items) {
        dropped += item.lines.length - item.next;
        item.reject(new QueueError('gone'));
      }
    }
    return dropped;
  }

  /** Lines waiting, in flight included. */
  held(): number {
    let count = this.control.length;
    for (const lanes of Object.values(this.lanes))
      for (const items of lanes.values())
        for (const item of items) count += item.lines.length - item.next;
    return count;
  }

  /** Lines of answers and deliveries waiting for `target`. */
  heldFor(target: string): number {
    let count = 0;
    for (const lanes of Object.values(this.lanes))
      for (const item of lanes.get(target) ?? []) count += item.lines.length - item.next;
    return count;
  }

  /** Refuses new lines and fails every waiting send. */
  close(): void {
    this.closed = true;
    this.writer = undefined;
    this.waking.abort();
    for (const { done } of this.control.splice(0)) done?.(new QueueError('stopped'));
    const error = new QueueError('stopped');
    for (const lanes of Object.values(this.lanes)) {
      for (const items of lanes.values()) for (const item of items) item.reject(error);
      lanes.clear();
    }
  }

  private added(): void {
    // A pump waiting for a delivery's token may now have a line that needs none in reserve.
    this.waking.abort();
    this.pump();
  }

  /** The line that goes next, the tokens it must leave, and what to do once it was written. */
  private nextLine():
    | { line: string; reserve: number; written(): void; failed(error: Error): void }
    | undefined {
    const control = this.control[0];
    if (control)
      return {
        line: control.line,
        reserve: 0,
        // (`pause` may have dropped it while it was being written)
        written: () => this.settleControl(control),
        failed: (error) => this.settleControl(control, error),
      };
    if (!this.registered) return undefined;
    for (const lane of ['answer', 'delivery'] as const) {
      const turn = this.lanes[lane].entries().next();
      if (turn.done) continue;
      const [target, items] = turn.value;
      const item = items[0] as Item;
      return {
        line: item.lines[item.next] as string,
        // Deliveries leave a token for whoever asks something next (unless the bucket has one).
        reserve: lane === 'delivery' ? Math.min(1, this.bucket.burst - 1) : 0,
        written: () => {
          item.next++;
          if (item.next === item.lines.length) {
            items.shift();
            item.resolve();
          }
          // Dropped meanwhile (`drop`): nothing is put back.
          if (this.lanes[lane].get(target) !== items) return;
          // Next turn: another target's line, this one's again only after every other's.
          this.lanes[lane].delete(target);
          if (items.length) this.lanes[lane].set(target, items);
        },
        // The line stays first in its lane, for the next connection.
        failed: () => {},
      };
    }
    return undefined;
  }

  private settleControl(control: ControlLine, error?: Error): void {
    if (this.control[0] === control) this.control.shift();
    control.done?.(error);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.writer && !this.closed) {
        const next = this.nextLine();
        if (!next) break;
        const wait = this.bucket.take(next.reserve);
        if (wait > 0) {
          this.waking = new AbortController();
          await this.clock.sleep(wait, this.waking.signal);
          continue;
        }
        const write = this.writer;
        const error = await new Promise<Error | null | undefined>((done) => {
          try {
            write(next.line, done);
          } catch (thrown) {
            done(thrown instanceof Error ? thrown : new Error(String(thrown)));
          }
        });
        // A failed write means the connection is gone.
        if (error) {
          if (this.writer === write) this.writer = undefined;
          next.failed(error);
          continue;
        }
        next.written();
      }
    } finally {
      this.pumping = false;
    }
  }
}
