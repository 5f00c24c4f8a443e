import { describe, expect, it } from "vitest";
import { orderNeighbours, rankBetween } from "./rank.js";

describe("rankBetween", () => {
  it("makes a rank between two neighbours", () => {
    const a = rankBetween(null, null);
    const c = rankBetween(a, null);
    const b = rankBetween(a, c);
    expect(a < b && b < c).toBe(true);
  });

  it("orders ranks as plain strings (byte order, as SQLite compares them)", () => {
    const ranks = [rankBetween(null, null)];
    for (let i = 0; i < 50; i++) ranks.push(rankBetween(ranks[ranks.length - 1] ?? null, null));
    expect([...ranks].sort()).toEqual(ranks);
    expect(Buffer.compare(Buffer.from(ranks[0] ?? ""), Buffer.from(ranks[1] ?? ""))).toBe(-1);
  });

  it("keeps finding room when cards keep landing in the same gap", () => {
    let low = rankBetween(null, null);
    const high = rankBetween(low, null);
    for (let i = 0; i < 500; i++) {
      const mid = rankBetween(low, high);
      expect(low < mid && mid < high).toBe(true);
      low = mid;
    }
  });

  it("refuses bounds in the wrong order", () => {
    const a = rankBetween(null, null);
    const b = rankBetween(a, null);
    expect(() => rankBetween(b, a)).toThrow(RangeError);
    expect(() => rankBetween(a, a)).toThrow(RangeError);
  });
});

describe("orderNeighbours", () => {
  it("swaps neighbours given the wrong way round", () => {
    expect(orderNeighbours({ above: "b", below: "a" })).toEqual({ above: "a", below: "b" });
    expect(orderNeighbours({ above: "a", below: "b" })).toEqual({ above: "a", below: "b" });
    expect(orderNeighbours({ above: null, below: "a" })).toEqual({ above: null, below: "a" });
  });
});
