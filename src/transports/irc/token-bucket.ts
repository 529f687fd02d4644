// Flood control as IRC servers apply it: a client may send a few lines at once, then about one
// a second; more gets it fake-lagged or killed with "Excess Flood". The bucket holds `burst`
// tokens and refills at `ratePerSecond`; a line takes one.

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

  /** Takes a token if one is there; otherwise says how many milliseconds until one is. */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.options.ratePerSecond);
  }

  /**
   * Takes a token whether or not one is there, for a line that cannot wait (a WHO request
   * irc-framework writes itself); the lines after it wait the longer.
   */
  charge(): void {
    this.refill();
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.now();
    const earned = ((now - this.updatedAt) / 1000) * this.options.ratePerSecond;
    this.tokens = Math.min(this.options.burst, this.tokens + earned);
    this.updatedAt = now;
  }
}
