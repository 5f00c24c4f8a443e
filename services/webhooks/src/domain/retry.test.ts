import { describe, expect, it } from "vitest";
import { afterFailure, retryDelayMs } from "./retry.js";

const policy = { minDelayMs: 1_000, maxDelayMs: 3_600_000, windowMs: 25 * 3600_000 };

describe("retry", () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [10, 512_000],
    [13, 3_600_000],
    [100, 3_600_000],
  ])("waits after attempt %i: %i ms", (attempts, delay) => {
    expect(retryDelayMs(policy, attempts)).toBe(delay);
  });

  it("keeps trying within the window, never scheduling past it, and gives up once it passed", () => {
    expect(afterFailure(policy, { createdAt: 0, attempts: 1 }, 10)).toEqual({ giveUp: false, nextAttemptAt: 1_010 });
    expect(afterFailure(policy, { createdAt: 0, attempts: 20 }, policy.windowMs - 10)).toEqual({ giveUp: false, nextAttemptAt: policy.windowMs });
    expect(afterFailure(policy, { createdAt: 0, attempts: 21 }, policy.windowMs)).toEqual({ giveUp: true });
  });

  it("retries for at least 24 hours by default", () => {
    let attempts = 0;
    let now = 0;
    for (;;) {
      attempts++;
      const next = afterFailure(policy, { createdAt: 0, attempts }, now);
      if (next.giveUp) break;
      now = next.nextAttemptAt;
    }
    expect(now).toBeGreaterThanOrEqual(24 * 3600_000);
  });
});
