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
}

export interface CeilingOptions {
  quick: boolean;
  /** Subscriber counts for the minimal pipeline (5 and 100). */
  subscriberCounts: readonly number[];
  /** Socket counts for the bare ws broadcast (1,000 and 5,000). */
  broadcastCounts: readonly number[];
  onProgress(message: string): void;
}
