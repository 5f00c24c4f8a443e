// Many projects: changes spread over 50 projects × 5 subscribers each: a closed loop (64 in flight)
// and open loop at 1,000 changes/s give the max rate (the higher of the two), then open loop at half of it; change → every subscriber.
import { lat, num, say, table } from "../format.js";
import { createBoard, deliveries, deliveryCells, runMoves, sdkClient, UsageWindow, type Card, type DeliveryFigures, type Load } from "../mover.js";
import { usageLine, type Usage } from "../proc.js";
import type { ScenarioContext, ScenarioResult } from "../scenario.js";
import { SubscriberPool } from "../workers.js";

export interface ManyProjectsRun extends DeliveryFigures {
  label: string;
  load: Load;
  notSent: number;
  usage: Usage | undefined;
  generator: Usage | undefined;
}

export interface ManyProjectsData {
  projects: number;
  subscribersPerProject: number;
  maxPerSecond: number;
  runs: ManyProjectsRun[];
  /** The open-loop run at half the measured max. */
  halfMax: ManyProjectsRun | undefined;
}

export async function manyProjects(ctx: ScenarioContext): Promise<ScenarioResult> {
  const projects = 50;
  const subs = 5;
  const cardsPer = ctx.args.quick ? 12 : 24;
  const durationMs = ctx.args.quick ? 3_000 : 12_000;
  const target = await ctx.system();
  const pool = SubscriberPool.start(2);
  const problems: string[] = [];
  const runs: ManyProjectsRun[] = [];
  let maxPerSecond = 0;
  let halfMax: ManyProjectsRun | undefined;
  try {
    // Each project has its own owner (one mover socket each would be 50 sockets; 8 users share the writes).
    const movers = await Promise.all(Array.from({ length: 8 }, (_, i) => sdkClient(target, "bench-projects", `owner-${i}`, ["admin"])));
    const perBoard: Card[][] = [];
    const projectIds: string[] = [];
    for (let p = 0; p < projects; p += 8) {
      const boards = await Promise.all(movers.slice(0, Math.min(8, projects - p)).map((m) => createBoard(m, cardsPer, subs)));
      for (const b of boards) {
        projectIds.push(b.projectId);
        perBoard.push(b.cards);
      }
    }
    // Interleaved, so consecutive moves hit different boards.
    const cards: Card[] = [];
    for (let i = 0; i < cardsPer; i++) for (const b of perBoard) {
      const card = b[i];
      if (card) cards.push(card);
    }
    const tokens = await Promise.all(Array.from({ length: projects * subs }, (_, i) => target.token("bench-projects", `viewer-${i}`, ["admin"])));
    const opened = await pool.open(target.url, "sdk", tokens, projectIds, tokens.map((_, i) => [i, Math.floor(i / subs)]));
    if (opened.failed > 0) problems.push(`${opened.failed} subscribers failed to open: ${opened.errors.join("; ")}`);
    say(`many projects: ${projects} projects × ${subs} subscribers (${opened.ok} sockets), ${cards.length} cards`);

    const run = async (load: Load, label: string): Promise<ManyProjectsRun> => {
      await pool.reset();
      const window = new UsageWindow(target, pool);
      const { records, windowMs, notSent } = await runMoves(movers, cards, load, durationMs, `many projects ${label}`);
      const { usage, generator } = window.stop();
      const { collected, ...figures } = await deliveries(pool, records, windowMs);
      say(`many projects ${label}: ${num(figures.movesPerSecond, 1)} changes/s; change → every subscriber ${lat(figures.lastSubscriber)} ms; ${usageLine(usage)}`);
      if (figures.errors > 0) problems.push(`${label}: ${figures.errors} changes failed (${figures.errorSamples.join("; ")})`);
      if (figures.incomplete > 0) problems.push(`${label}: ${figures.incomplete} of ${figures.moves} changes did not reach all ${subs} subscribers within 5 s`);
      if (collected.closes > 0) problems.push(`${label}: subscriber sockets closed/reconnected ${collected.closes}× (${JSON.stringify(collected.closeCodes)})`);
      const r = { ...figures, label, load, notSent, usage, generator };
      runs.push(r);
      return r;
    };
    await runMoves(movers, cards, { kind: "open", perSecond: 50 }, ctx.args.quick ? 1_000 : 2_000, "many projects warm-up");
    const closed = await run({ kind: "closed", inFlight: 64 }, "closed 64");
    const open = await run({ kind: "open", perSecond: 1000 }, "open 1,000/s");
    // The max: the highest rate sustained here (the open loop past saturation is a closed loop of every card).
    maxPerSecond = Math.max(closed.movesPerSecond, open.movesPerSecond);
    const half = Math.max(1, Math.round(maxPerSecond / 2));
    halfMax = await run({ kind: "open", perSecond: half }, `open ${half}/s (half max)`);
    await Promise.all(movers.map((m) => m.close()));
  } finally {
    await pool.close();
    await target.stop();
  }
  const data: ManyProjectsData = { projects, subscribersPerProject: subs, maxPerSecond, runs, halfMax };
  const markdown = [
    `${projects} projects × ${subs} SDK subscribers, ${cardsPer} cards each, 8 writer sockets; window ${durationMs / 1000} s. Latencies in ms: p50 / p95 / p99 / max.`,
    "",
    table(
      ["load", "changes/s", "change → reply", "change → first subscriber", "change → every subscriber", "errors / not delivered to all", "system CPU", "load generator CPU"],
      runs.map((r) => [
        `${r.label}`,
        ...deliveryCells(r),
      ]),
    ),
    "",
    ...runs.map((r) => `- ${r.label}: ${usageLine(r.usage)}; load generator: ${usageLine(r.generator)}`),
  ].join("\n");
  return { name: "many-projects", markdown, data: data as unknown as Record<string, unknown>, problems, notes: [] };
}
