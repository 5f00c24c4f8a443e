/** How long rejections count towards "sustained abuse". */
const ABUSE_WINDOW_MS = 10_000;

/**
 * Per-connection token bucket: `ratePerSecond` tokens a second up to `burst`. Refilled lazily on each take,
 * so an idle connection costs nothing. It also tells when a client keeps sending after being refused.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private rejectedInWindow = 0;
  private windowStart = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    if (now - this.windowStart > ABUSE_WINDOW_MS) {
      this.windowStart = now;
      this.rejectedInWindow = 0;
    }
    this.rejectedInWindow++;
    return false;
  }

  /** True once more frames than a whole burst were refused within the abuse window. */
  get isAbusive(): boolean {
    return this.rejectedInWindow > this.burst;
  }
}
