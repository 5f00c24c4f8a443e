import { describe, expect, it } from "vitest";
import { backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.js";

describe("backoffDelayMs", () => {
  const options = { initialMs: 100, maxMs: 5_000, multiplier: 2, jitter: 0.5 };

  it.each([
    [0, 100],
    [1, 200],
    [2, 400],
    [5, 3_200],
    [6, 5_000],
    [50, 5_000],
  ])("stays within [ceiling × (1 − jitter), ceiling] on attempt %i (ceiling %i)", (attempt, ceiling) => {
    expect(backoffDelayMs(attempt, options, () => 0)).toBe(ceiling);
    expect(backoffDelayMs(attempt, options, () => 0.999_999)).toBe(Math.round(ceiling * 0.5));
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(attempt, options);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2 - 1);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it("spreads clients that failed together", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(4, options)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it("is exact when jitter is 0 and never exceeds the cap", () => {
    expect(backoffDelayMs(3, { ...options, jitter: 0 })).toBe(800);
    expect(backoffDelayMs(1_000, { ...options, jitter: 0 })).toBe(5_000);
  });

  it("clamps a jitter outside 0–1 and treats a negative attempt as the first", () => {
    expect(backoffDelayMs(0, { ...options, jitter: 7 }, () => 1)).toBe(0);
    expect(backoffDelayMs(-3, { ...options, jitter: 0 })).toBe(100);
  });

  it("defaults to 250 ms doubling up to 30 s", () => {
    expect(DEFAULT_BACKOFF).toEqual({ initialMs: 250, maxMs: 30_000, multiplier: 2, jitter: 0.5 });
    expect(backoffDelayMs(0, {}, () => 0)).toBe(250);
    expect(backoffDelayMs(20, {}, () => 0)).toBe(30_000);
  });
});
