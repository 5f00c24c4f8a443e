/** How reconnect attempts are spaced. */
export interface BackoffOptions {
  /** Delay before the first retry, ms. Default 250. */
  initialMs?: number;
  /** Largest delay, ms. Default 30_000. */
  maxMs?: number;
  /** Growth per failed attempt. Default 2. */
  multiplier?: number;
  /** Fraction of the delay that is random, 0–1: the delay lies in [d × (1 − jitter), d]. Default 0.5. */
  jitter?: number;
}

/** The defaults of BackoffOptions. */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 250, maxMs: 30_000, multiplier: 2, jitter: 0.5 };

/**
 * The delay before reconnect attempt `attempt` (0 = the first retry): exponential growth capped at `maxMs`, with
 * part of it random so that clients cut off together do not come back together.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { initialMs, maxMs, multiplier, jitter } = { ...DEFAULT_BACKOFF, ...options };
  const ceiling = Math.min(maxMs, initialMs * multiplier ** Math.max(0, attempt));
  const spread = Math.min(1, Math.max(0, jitter));
  return Math.round(ceiling * (1 - spread * random()));
}
