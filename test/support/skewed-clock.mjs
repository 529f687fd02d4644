// Preloaded into an okrbot child process (NODE_OPTIONS=--import) to set its process clock
// CLOCK_SKEW_MS ahead (or behind, when negative) of the machine's, as a host whose NTP is off
// would be: Date.now() and new Date() move, timers do not.
const skew = Number(process.env.CLOCK_SKEW_MS ?? 0);
const RealDate = Date;

class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + skew);
    else super(...args);
  }

  static now() {
    return RealDate.now() + skew;
  }
}

globalThis.Date = SkewedDate;
