// Flood control as IRC servers apply it: a client may send a few lines at once, then about one
// every so often; more gets it fake-lagged or killed with "Excess Flood". The bucket holds
// `burst` tokens and refills at `ratePerSecond`; a line takes one.

export interface TokenBucketOptions {
  burst: number;
  ratePerSecond: number;
  /** Milliseconds; injectable so tests need no real time. */
  now?: () => number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    this.now = options.now ?? (() => performance.now());
    this.tokens = options.burst;
    this.updatedAt = this.now();
  }

  /** The bucket's size: how many tokens a line can leave behind at most. */
  get burst(): number {
    return this.options.burst;
  }

  get ratePerSecond(): number {
    return this.options.ratePerSecond;
  }

  /**
   * Takes a token if one is there beyond `reserve` (tokens kept for more urgent lines);
   * otherwise says how many milliseconds until there is.
   */
  take(reserve = 0): number {
    this.refill();
    if (this.tokens >= 1 + reserve) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 + reserve - this.tokens) * 1000) / this.options.ratePerSecond);
  }

  private refill(): void {
    const now = this.now();
    const earned = ((now - this.updatedAt) / 1000) * this.options.ratePerSecond;
    this.tokens = Math.min(this.options.burst, this.tokens + earned);
    this.updatedAt = now;
  }
}
