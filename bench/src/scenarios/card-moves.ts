// Card moves: one user moves cards between columns while S teammates have the board open (S = 5, 100);
// open loop at 20, 100, 1,000 moves/s and closed loops of 16 and 64 in flight. Move → reply, → first and
// → last subscriber; moves/s sustained; CPU and RSS of every system process.
import { lat, num, say, table } from "../format.js";
import { createBoard, deliveries, deliveryCells, loadName, runMoves, sdkClient, UsageWindow, type DeliveryFigures, type Load } from "../mover.js";
import { usageLine, type Usage } from "../proc.js";
import type { ScenarioContext, ScenarioResult } from "../scenario.js";
import { SubscriberPool } from "../workers.js";

export const LOADS: readonly Load[] = [
  { kind: "open", perSecond: 20 },
  { kind: "open", perSecond: 100 },
  { kind: "open", perSecond: 1000 },
  { kind: "closed", inFlight: 16 },
  { kind: "closed", inFlight: 64 },
];

export interface CardMovesRun extends Omit<DeliveryFigures, never> {
  subscribers: number;
  load: Load;
  notSent: number;
  windowMs: number;
  usage: Usage | undefined;
  /** The load generator's own CPU (runner + subscriber workers): near 100% of a process means it, not the system, is the limit. */
  generator: Usage | undefined;
  closes: number;
}

export async function cardMoves(ctx: ScenarioContext): Promise<ScenarioResult> {
  const durationMs = ctx.args.quick ? 3_000 : 12_000;
  const target = await ctx.system();
  const pool = SubscriberPool.start(2);
  const runs: CardMovesRun[] = [];
  const problems: string[] = [];
  try {
    // Several mover sockets, so a deployment's per-socket rate limit (100 frames/s by default) does not cap 1,000/s.
    const movers = await Promise.all(Array.from({ length: 4 }, () => sdkClient(target, "bench-moves", "mover")));
    for (const s of [5, 100]) {
      const board = await createBoard(movers[0]!, 600, s);
      const tokens = await Promise.all(Array.from({ length: s }, (_, i) => target.token("bench-moves", `teammate-${i}`, ["admin"])));
      const opened = await pool.open(target.url, "sdk", tokens, [board.projectId], tokens.map((_, i) => [i, 0]));
      if (opened.failed > 0) problems.push(`S=${s}: ${opened.failed} subscribers failed to open: ${opened.errors.join("; ")}`);
      say(`card moves S=${s}: ${opened.ok} teammates subscribed, 600 cards`);
      // Warm-up, not recorded: JIT, connection pools, the presence frames of the teammates' joins.
      await runMoves(movers, board.cards, { kind: "open", perSecond: 50 }, ctx.args.quick ? 1_000 : 2_000, `card moves S=${s} warm-up`);
      for (const load of LOADS) {
        const label = `card moves S=${s} ${loadName(load)}`;
        await pool.reset();
        const window = new UsageWindow(target, pool);
        const { records, windowMs, notSent } = await runMoves(movers, board.cards, load, durationMs, label);
        const { usage, generator } = window.stop();
        const figures = await deliveries(pool, records, windowMs);
        const { collected, ...rest } = figures;
        runs.push({ ...rest, subscribers: s, load, notSent, windowMs, usage, generator, closes: collected.closes });
        say(`${label}: ${num(figures.movesPerSecond, 1)} moves/s; reply ${lat(figures.reply)}; last subscriber ${lat(figures.lastSubscriber)} ms; ${usageLine(usage)}`);
        if (figures.errors > 0) problems.push(`${label}: ${figures.errors} moves failed (${figures.errorSamples.join("; ")})`);
        if (figures.incomplete > 0) problems.push(`${label}: ${figures.incomplete} of ${figures.moves} moves did not reach all ${s} subscribers within 5 s`);
        if (collected.closes > 0) problems.push(`${label}: subscriber sockets closed/reconnected ${collected.closes}× (${JSON.stringify(collected.closeCodes)})`);
        if (collected.errors.length > 0) problems.push(`${label}: subscriber errors: ${collected.errors.slice(0, 3).join("; ")}`);
      }
    }
    await Promise.all(movers.map((m) => m.close()));
  } finally {
    await pool.close();
    await target.stop();
  }
  const rows = runs.map((r) => [
    String(r.subscribers),
    loadName(r.load),
    ...deliveryCells(r),
  ]);
  const usageRows = runs.map((r) => `- S=${r.subscribers} ${loadName(r.load)}: ${usageLine(r.usage)}; load generator: ${usageLine(r.generator)}`);
  const markdown = [
    `Window ${durationMs / 1000} s per load, 600 cards, 4 mover sockets of one user; teammates are SDK clients in 2 worker processes. Latencies in ms: p50 / p95 / p99 / max.`,
    "",
    table(["S", "load", "moves/s", "move → reply", "move → first subscriber", "move → last subscriber", "errors / not delivered to all", "system CPU", "load generator CPU"], rows),
    "",
    "CPU (% of one core over the window) and peak RSS per process:",
    "",
    ...usageRows,
  ].join("\n");
  return { name: "card-moves", markdown, data: { durationMs, runs }, problems, notes: [] };
}
