// The ceilings half of `npm run bench`: each block of the hot path measured alone on this machine,
// so that the product's figures can be printed beside them as ratios. Run standalone: cli.ts.
import { availableParallelism, loadavg } from "node:os";
import { measureGrpcUnary } from "./grpc.js";
import { measureJetStream, measureNatsCore } from "./nats.js";
import { measurePipeline } from "./pipeline.js";
import { startNatsServer, withCleanup } from "./processes.js";
import { measureSqliteWriteTx } from "./sqlite.js";
import { measureTcpRoundTrip } from "./tcp.js";
import { budgetFor } from "./timing.js";
import { measureWsBroadcast } from "./ws-broadcast.js";

export { summarize, sharedClockMs } from "./stats.js";
export { formatCeilings } from "./table.js";

/** Latencies in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The blocks of the hot path measured alone on this machine, in the same run as the product. */
export interface CeilingResults {
  tcpRoundTrip: LatencySummary;
  grpcUnary: LatencySummary;
  sqliteWriteTx: { perSecond: number; latency: LatencySummary };
  natsCore: LatencySummary;
  jetstream: LatencySummary;
  /** Keyed by socket count: one `ws` process broadcasting to N sockets; time until the last socket has the frame. */
  wsBroadcast: Record<number, { perSecond: number; lastSubscriber: LatencySummary }>;
  /** The minimal pipeline WS → gRPC → SQLite → NATS → second gateway process → N WS clients, keyed by N. */
  pipeline: {
    maxPerSecond: Record<number, number>;
    lowLoad: Record<number, { reply: LatencySummary; lastSubscriber: LatencySummary }>;
  };
  /** The machine during the run: other load on it makes every figure noisier. */
  machine?: { cpus: number; loadAverage1mBefore: number; loadAverage1mAfter: number };
}

export interface CeilingOptions {
  quick: boolean;
  /** Subscriber counts for the minimal pipeline (5 and 100). */
  subscriberCounts: readonly number[];
  /** Socket counts for the bare ws broadcast (1,000 and 5,000). */
  broadcastCounts: readonly number[];
  onProgress(message: string): void;
}

/**
 * Measures each block of the hot path alone, one after another, each in its own processes
 * (quick: ~2.5 s a block; full: ~14 s). Every child process, nats-server and temp dir is removed
 * before this returns or throws, and on Ctrl-C.
 */
export async function measureCeilings(options: CeilingOptions): Promise<CeilingResults> {
  const budget = budgetFor(options.quick);
  const loadBefore = loadavg()[0] ?? 0;
  return withCleanup(async () => {
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      options.onProgress(`ceiling ${name}: measuring…`);
      const t0 = performance.now();
      const value = await fn();
      options.onProgress(`ceiling ${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return value;
    };
    const tcpRoundTrip = await step("tcp round trip", () => measureTcpRoundTrip(budget));
    const grpcUnary = await step("grpc unary", () => measureGrpcUnary(budget));
    const sqliteWriteTx = await step("sqlite write tx", () => measureSqliteWriteTx(budget));
    const nats = await startNatsServer();
    try {
      const natsCore = await step("nats core", () => measureNatsCore(nats, budget));
      const jetstream = await step("jetstream", () => measureJetStream(nats, budget));
      const wsBroadcast: CeilingResults["wsBroadcast"] = {};
      for (const n of options.broadcastCounts) {
        wsBroadcast[n] = await step(`ws broadcast to ${n}`, () => measureWsBroadcast(n, budget, options.quick));
      }
      const pipeline: CeilingResults["pipeline"] = { maxPerSecond: {}, lowLoad: {} };
      for (const n of options.subscriberCounts) {
        const result = await step(`pipeline with ${n} subscribers`, () => measurePipeline(nats, n, budget));
        pipeline.maxPerSecond[n] = result.maxPerSecond;
        pipeline.lowLoad[n] = result.lowLoad;
      }
      const machine = { cpus: availableParallelism(), loadAverage1mBefore: loadBefore, loadAverage1mAfter: loadavg()[0] ?? 0 };
      return { tcpRoundTrip, grpcUnary, sqliteWriteTx, natsCore, jetstream, wsBroadcast, pipeline, machine };
    } finally {
      nats.stop();
    }
  });
}
