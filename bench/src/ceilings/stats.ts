import type { LatencySummary } from "./index.js";

/**
 * A clock every process on this machine shares (to a few microseconds), in milliseconds:
 * one process stamps a payload, another subtracts the stamp from its own reading.
 */
export function sharedClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** count, p50, p95, p99 and max of latencies in milliseconds (nearest-rank percentiles; zeros when empty). */
export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samplesMs).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const rank = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] ?? 0;
  return { count: n, p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[n - 1] ?? 0 };
}
