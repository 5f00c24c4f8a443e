// The ceilings as a plain-text table (the CLI's output; the runner may print it as is).
import type { CeilingResults, LatencySummary } from "./index.js";

const ms = (v: number): string => (v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0));
const rate = (v: number): string => Math.round(v).toLocaleString("en-US");

function row(name: string, l: LatencySummary | undefined, perSecond?: number): string {
  const cells = l ? [String(l.count), ms(l.p50), ms(l.p95), ms(l.p99), ms(l.max)] : ["", "", "", "", ""];
  return [name.padEnd(38), ...cells.map((c) => c.padStart(8)), (perSecond === undefined ? "" : rate(perSecond)).padStart(10)].join(" ");
}

export function formatCeilings(r: CeilingResults): string {
  const lines = [
    ["block".padEnd(38), ...["n", "p50 ms", "p95 ms", "p99 ms", "max ms"].map((c) => c.padStart(8)), "per s".padStart(10)].join(" "),
    row("tcp round trip", r.tcpRoundTrip),
    row("grpc unary", r.grpcUnary),
    row("sqlite write tx (update + outbox)", r.sqliteWriteTx.latency, r.sqliteWriteTx.perSecond),
    row("nats core publish → subscriber", r.natsCore),
    row("jetstream publish+ack → consumer", r.jetstream),
  ];
  for (const [n, b] of Object.entries(r.wsBroadcast)) lines.push(row(`ws broadcast → last of ${n}`, b.lastSubscriber, b.perSecond));
  for (const [n, low] of Object.entries(r.pipeline.lowLoad)) {
    lines.push(row(`pipeline ${n} subs @20/s: reply`, low.reply));
    lines.push(row(`pipeline ${n} subs @20/s: last sub`, low.lastSubscriber));
  }
  for (const [n, perSecond] of Object.entries(r.pipeline.maxPerSecond)) lines.push(row(`pipeline ${n} subs, 16 in flight: max`, undefined, perSecond));
  if (r.machine) {
    const m = r.machine;
    lines.push(`(${m.cpus} CPUs; 1-min load average ${m.loadAverage1mBefore.toFixed(2)} before, ${m.loadAverage1mAfter.toFixed(2)} after)`);
  }
  return lines.join("\n");
}
