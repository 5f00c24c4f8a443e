/** The retry rules of one delivery. */
export interface RetryPolicy {
  /** Wait before the first retry, ms; each retry doubles it. */
  minDelayMs: number;
  /** Longest wait, ms. */
  maxDelayMs: number;
  /** How long after its creation a delivery is still tried, ms. */
  windowMs: number;
}

/** Wait after the `attempts`-th failed attempt: min · 2^(attempts-1), at most max. */
export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
}

/**
 * What happens after a failed attempt at `now`: another try at `nextAttemptAt`, or give up once the window
 * since `createdAt` has passed (the last attempt may land just past it, never later).
 */
export function afterFailure(policy: RetryPolicy, delivery: { createdAt: number; attempts: number }, now: number): { giveUp: true } | { giveUp: false; nextAttemptAt: number } {
  const deadline = delivery.createdAt + policy.windowMs;
  if (now >= deadline) return { giveUp: true };
  return { giveUp: false, nextAttemptAt: Math.min(now + retryDelayMs(policy, delivery.attempts), deadline) };
}
