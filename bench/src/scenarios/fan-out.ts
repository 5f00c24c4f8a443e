// Fan-out: one writer, 1,000 and 5,000 subscribers to one project spread over two gateway processes that share
// NATS (GATEWAY_PROCESSES=2, node:cluster on one port): time until the last subscriber has each event.
// Subscribers are thin `ws` clients (see worker.ts) in 3 worker processes. They are 50 users with many tabs
// each: presence is per user, and 5,000 distinct users joining one board would be 12.5 M presence frames.
import { lat, num, say, sleep, table } from "../format.js";
import { createBoard, deliveries, runMoves, sdkClient, UsageWindow, type DeliveryFigures } from "../mover.js";
import { namedTree, openSockets, usageLine, type Usage } from "../proc.js";
import type { ScenarioContext, ScenarioResult } from "../scenario.js";
import { SubscriberPool } from "../workers.js";

export interface FanOutRun extends DeliveryFigures {
  subscribers: number;
  perSecond: number;
  usage: Usage | undefined;
  generator: Usage | undefined;
  socketsWithEvents: number;
}

export interface FanOutData {
  gatewayProcesses: number | undefined;
  processNames: string[];
  /** Keyed by subscriber count: open sockets of each gateway process. */
  socketsPerGateway: Record<number, number[]>;
  runs: FanOutRun[];
}

export async function fanOut(ctx: ScenarioContext): Promise<ScenarioResult> {
  const counts = ctx.args.quick ? [1000] : [1000, 5000];
  const perSecond = 10;
  const durationMs = ctx.args.quick ? 3_000 : 10_000;
  const target = await ctx.system({ GATEWAY_PROCESSES: "2" });
  const problems: string[] = [];
  const notes: string[] = [];
  const runs: FanOutRun[] = [];
  let gatewayProcesses: number | undefined;
  let processNames: string[] = [];
  const socketsPerGateway: Record<number, number[]> = {};
  if (target.rootPid !== undefined) {
    const tree = namedTree(target.rootPid);
    processNames = tree.map((p) => p.name);
    gatewayProcesses = tree.filter((p) => /gateway/.test(p.name)).length;
    say(`fan-out: system processes: ${processNames.join(", ")}`);
    if (gatewayProcesses < 2) {
      const msg = `GATEWAY_PROCESSES=2 did not give two gateway processes (found ${gatewayProcesses}: ${processNames.join(", ")}); the figures are for one gateway process`;
      problems.push(msg);
      notes.push(msg);
    }
  } else notes.push("--url: the number of gateway processes behind the URL is the deployment's");
  const pool = SubscriberPool.start(3);
  try {
    const writer = await sdkClient(target, "bench-fanout", "writer");
    const board = await createBoard(writer, 100, 0);
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => target.token("bench-fanout", `viewer-${i}`, ["admin"])));
    let opened = 0;
    for (const n of counts) {
      const t0 = Date.now();
      const add = n - opened;
      const r = await pool.open(target.url, "thin", tokens, [board.projectId], Array.from({ length: add }, (_, i) => [(opened + i) % tokens.length, 0]), 96);
      opened += r.ok;
      if (r.failed > 0) problems.push(`fan-out ${n}: ${r.failed} subscribers failed to open: ${r.errors.join("; ")}`);
      // How node:cluster spread them: open sockets per gateway process (clients plus a few of its own).
      const spread = target.rootPid === undefined ? [] : namedTree(target.rootPid).filter((p) => /gateway/.test(p.name)).map((p) => openSockets(p.pid));
      socketsPerGateway[opened] = spread;
      say(`fan-out: ${opened} subscribers open (+${r.ok} in ${((Date.now() - t0) / 1000).toFixed(1)} s); open sockets per gateway process: ${spread.join(", ") || "unknown"}`);
      await sleep(1_000); // let the presence frames of the joins drain
      for (const card of board.cards) card.audience = opened;
      await pool.reset();
      const window = new UsageWindow(target, pool);
      const { records, windowMs } = await runMoves([writer], board.cards, { kind: "open", perSecond }, durationMs, `fan-out ${opened} subscribers`);
      const { usage, generator } = window.stop();
      const { collected, ...figures } = await deliveries(pool, records, windowMs, 10_000);
      say(`fan-out ${opened}: move → last subscriber ${lat(figures.lastSubscriber)} ms; ${collected.socketsWithEvents} of ${collected.sockets} sockets had events; ${usageLine(usage)}`);
      if (figures.incomplete > 0) problems.push(`fan-out ${opened}: ${figures.incomplete} of ${figures.moves} events did not reach all ${opened} subscribers within 10 s`);
      if (figures.duplicates > 0) problems.push(`fan-out ${opened}: ${figures.duplicates} duplicate deliveries`);
      if (collected.closes > 0) problems.push(`fan-out ${opened}: ${collected.closes} subscriber sockets closed (${JSON.stringify(collected.closeCodes)})`);
      if (figures.errors > 0) problems.push(`fan-out ${opened}: ${figures.errors} moves failed (${figures.errorSamples.join("; ")})`);
      runs.push({ ...figures, subscribers: opened, perSecond, usage, generator, socketsWithEvents: collected.socketsWithEvents });
    }
    await writer.close();
  } finally {
    await pool.close();
    await target.stop();
  }
  const data: FanOutData = { gatewayProcesses, processNames, socketsPerGateway, runs };
  const markdown = [
    `One writer at ${perSecond} moves/s for ${durationMs / 1000} s; thin \`ws\` subscribers (50 users, many tabs each) in 3 worker processes; gateway processes: ${gatewayProcesses ?? "unknown"}. Latencies in ms: p50 / p95 / p99 / max.`,
    "",
    table(
      ["subscribers", "events", "move → reply", "move → first subscriber", "move → last subscriber", "not delivered to all", "system CPU", "load generator CPU"],
      runs.map((r) => [num(r.subscribers), num(r.moves), lat(r.reply), lat(r.firstSubscriber), lat(r.lastSubscriber), String(r.incomplete), r.usage ? `${r.usage.total.cpuPercent.toFixed(0)}%` : "—", r.generator ? `${r.generator.total.cpuPercent.toFixed(0)}%` : "—"]),
    ),
    "",
    ...Object.entries(socketsPerGateway).map(([n, v]) => `- ${num(Number(n))} subscribers: open sockets per gateway process ${v.map((x) => num(x)).join(" / ")}`),
    ...runs.map((r) => `- ${num(r.subscribers)} subscribers: ${usageLine(r.usage)}; load generator: ${usageLine(r.generator)}`),
    ...notes.map((n) => `- note: ${n}`),
  ].join("\n");
  return { name: "fan-out", markdown, data: data as unknown as Record<string, unknown>, problems, notes };
}
