import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.js";

describe("RateLimiter", () => {
  it("allows a burst, then the rate", () => {
    let now = 0;
    const limiter = new RateLimiter(10, 5, () => now);
    expect(Array.from({ length: 6 }, () => limiter.take())).toEqual([true, true, true, true, true, false]);
    now = 100; // one token back at 10/s
    expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
    now = 10_000;
    expect(Array.from({ length: 6 }, () => limiter.take()).filter(Boolean)).toHaveLength(5);
  });

  it("calls it abuse when more than a burst is refused within the window", () => {
    const now = 0;
    const limiter = new RateLimiter(1, 3, () => now);
    for (let i = 0; i < 3; i++) limiter.take();
    for (let i = 0; i < 3; i++) limiter.take();
    expect(limiter.isAbusive).toBe(false);
    limiter.take();
    expect(limiter.isAbusive).toBe(true);
  });
});
