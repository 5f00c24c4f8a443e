// The summary: each product figure beside its ceiling from the same run and the ratio, the tables of every
// scenario, the problems the product showed; written as JSON and markdown to bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchArgs } from "./args.js";
import type { CeilingResults } from "./ceilings/index.js";
import { mib, ms, num, table } from "./format.js";
import { machineLine, type Machine } from "./machine.js";
import type { ScenarioResult } from "./scenario.js";
import type { CardMovesRun } from "./scenarios/card-moves.js";
import type { ConnectionsData } from "./scenarios/connections.js";
import type { FanOutData } from "./scenarios/fan-out.js";
import type { ManyProjectsData } from "./scenarios/many-projects.js";
import type { TenantsData } from "./scenarios/tenants.js";
import { LIFTED_LIMITS, REPO_ROOT } from "./system.js";

export interface Comparison {
  figure: string;
  product: string;
  ceiling: string;
  /** product / reference, the way the target reads (higher is better for rates, lower for latencies and memory). */
  ratio: number | undefined;
  target: string;
  verdict: string;
}

/** "met", or by how much it was missed. */
function verdict(value: number | undefined, limit: number | undefined, better: "higher" | "lower", unit = ""): string {
  if (value === undefined || limit === undefined || !Number.isFinite(value) || !Number.isFinite(limit) || limit === 0) return "not measured";
  if (better === "higher") return value >= limit ? "met" : `missed by ${num(limit - value, 1)}${unit} (${((1 - value / limit) * 100).toFixed(0)}% below)`;
  return value <= limit ? "met" : `missed by ${num(value - limit, 1)}${unit} (${((value / limit - 1) * 100).toFixed(0)}% over)`;
}

const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined && b > 0 && Number.isFinite(a) ? a / b : undefined);

export function comparisons(results: readonly ScenarioResult[], c: CeilingResults | undefined): Comparison[] {
  const out: Comparison[] = [];
  const data = (name: string): Record<string, unknown> | undefined => {
    const d = results.find((r) => r.name === name)?.data;
    return d && !("failed" in d) ? d : undefined;
  };
  const cm = data("card-moves")?.["runs"] as CardMovesRun[] | undefined;
  if (cm) {
    const closed = cm.filter((r) => r.subscribers === 100 && r.load.kind === "closed");
    const best = closed.reduce<CardMovesRun | undefined>((b, r) => (!b || r.movesPerSecond > b.movesPerSecond ? r : b), undefined);
    const ceil = c?.pipeline.maxPerSecond[100];
    out.push({
      figure: `card moves, 100 subscribers, closed loop (best of 16/64 in flight): moves/s`,
      product: best ? num(best.movesPerSecond, 0) : "—",
      ceiling: ceil !== undefined ? `${num(ceil, 0)} (pipeline max, 100 subs)` : "—",
      ratio: ratio(best?.movesPerSecond, ceil),
      target: "≥ 1× the pipeline's max",
      verdict: verdict(best?.movesPerSecond, ceil, "higher", " moves/s"),
    });
    for (const s of [5, 100]) {
      const r = cm.find((x) => x.subscribers === s && x.load.kind === "open" && x.load.perSecond === 20);
      const low = c?.pipeline.lowLoad[s]?.lastSubscriber.p99;
      const limit = low !== undefined ? 1.2 * low : undefined;
      out.push({
        figure: `card moves at 20/s, S=${s}: p99 move → last subscriber`,
        product: r ? `${ms(r.lastSubscriber.p99)} ms` : "—",
        ceiling: low !== undefined ? `${ms(low)} ms (pipeline low-load p99, ${s} subs)` : "—",
        ratio: ratio(r?.lastSubscriber.p99, low),
        target: "≤ 1.2×",
        verdict: verdict(r?.lastSubscriber.p99, limit, "lower", " ms"),
      });
    }
  }
  const mp = data("many-projects") as ManyProjectsData | undefined;
  if (mp) {
    const r = mp.halfMax;
    const low = c?.pipeline.lowLoad[5]?.lastSubscriber.p99;
    out.push({
      figure: `50 projects × 5 subscribers at half the max (${r ? num(r.load.kind === "open" ? r.load.perSecond : 0) : "—"}/s of ${num(mp.maxPerSecond)}): p99 change → every subscriber`,
      product: r ? `${ms(r.lastSubscriber.p99)} ms` : "—",
      ceiling: low !== undefined ? `${ms(low)} ms (pipeline low-load p99, 5 subs)` : "—",
      ratio: ratio(r?.lastSubscriber.p99, low),
      target: "≤ 2×",
      verdict: verdict(r?.lastSubscriber.p99, low !== undefined ? 2 * low : undefined, "lower", " ms"),
    });
  }
  const fo = data("fan-out") as FanOutData | undefined;
  if (fo) {
    for (const r of fo.runs) {
      const ws = c?.wsBroadcast[r.subscribers]?.lastSubscriber.p99;
      out.push({
        figure: `fan-out to ${num(r.subscribers)} over ${fo.gatewayProcesses ?? "?"} gateway process(es): p99 move → last subscriber`,
        product: `${ms(r.lastSubscriber.p99)} ms`,
        ceiling: ws !== undefined ? `${ms(ws)} ms (one ws process → ${num(r.subscribers)}, p99)` : "—",
        ratio: ratio(r.lastSubscriber.p99, ws),
        target: "≤ 1× (two processes vs one)",
        verdict: verdict(r.lastSubscriber.p99, ws, "lower", " ms"),
      });
    }
  }
  const co = data("connections") as ConnectionsData | undefined;
  if (co) {
    const kib = co.bytesPerSocket !== undefined ? co.bytesPerSocket / 1024 : undefined;
    out.push({
      figure: `${num(co.opened)} idle sockets on one gateway: resident memory per socket`,
      product: kib !== undefined ? `${num(kib, 1)} KiB` : "—",
      ceiling: "20 KiB (absolute)",
      ratio: ratio(kib, 20),
      target: "≤ 20 KiB",
      verdict: verdict(kib, 20, "lower", " KiB"),
    });
    out.push({
      figure: `${num(co.opened)} idle sockets: got the next event`,
      product: `${num(co.socketsWithEvents)}`,
      ceiling: `${num(co.opened)} (all)`,
      ratio: ratio(co.socketsWithEvents, co.opened),
      target: "all",
      verdict: verdict(co.socketsWithEvents, co.opened, "higher", " sockets"),
    });
  }
  const te = data("tenants") as TenantsData | undefined;
  if (te) {
    const mid = te.points.find((p) => p.touched >= te.tenants);
    const end = te.points[te.points.length - 1];
    // "Flat": over the second pass (no new tenant, the LRU full) RSS grows by at most 5% of where it started.
    const limit = mid ? mid.rssBytes * 0.05 : undefined;
    const growth = te.secondPassGrowthBytes;
    // The process that grew most, so a miss points somewhere.
    const grower = mid && end
      ? mid.processes
          .map((p, i) => ({ name: p.name, grew: (end.processes[i]?.rssBytes ?? p.rssBytes) - p.rssBytes }))
          .sort((a, b) => b.grew - a.grew)[0]
      : undefined;
    const pct = growth !== undefined && mid ? ((growth / mid.rssBytes) * 100).toFixed(1) : "?";
    out.push({
      figure: `${num(te.tenants)} tenants round-robin, LRU ${te.lruSize ?? "of the deployment"}: RSS growth over the second pass`,
      product: growth === undefined ? "—" : `${mib(growth)} (${pct}%)${grower ? `, most in ${grower.name} (+${mib(grower.grew)})` : ""}`,
      ceiling: mid ? `${mib(mid.rssBytes)} after the first pass` : "—",
      ratio: ratio(growth, mid?.rssBytes),
      target: "flat (≤ 5% growth)",
      verdict: limit !== undefined && growth !== undefined ? (growth <= limit ? "met" : `missed by ${mib(growth - limit)} (grew ${pct}%)`) : "not measured",
    });
  }
  return out;
}

export function ceilingsMarkdown(c: CeilingResults | undefined, error: string | undefined): string {
  if (!c) return `Ceilings not measured: ${error?.split("\n")[0] ?? "unknown"}`;
  const l = (s: { p50: number; p99: number }): string => `${ms(s.p50)} / ${ms(s.p99)} ms`;
  const rows: string[][] = [
    ["TCP round trip (p50 / p99)", l(c.tcpRoundTrip)],
    ["gRPC unary", l(c.grpcUnary)],
    ["SQLite write transaction", `${num(c.sqliteWriteTx.perSecond)}/s, ${l(c.sqliteWriteTx.latency)}`],
    ["NATS core publish → receive", l(c.natsCore)],
    ["JetStream publish → receive", l(c.jetstream)],
    ...Object.entries(c.wsBroadcast).map(([n, v]) => [`one ws process → ${num(Number(n))} sockets, last socket`, `${num(v.perSecond)}/s, ${l(v.lastSubscriber)}`]),
    ...Object.entries(c.pipeline.maxPerSecond).map(([n, v]) => [`minimal pipeline, ${n} subscribers: max`, `${num(v)}/s`]),
    ...Object.entries(c.pipeline.lowLoad).map(([n, v]) => [`minimal pipeline, ${n} subscribers, low load: reply / last subscriber`, `${l(v.reply)} / ${l(v.lastSubscriber)}`]),
  ];
  return table(["block alone", "figure"], rows);
}

export interface ReportInput {
  args: BenchArgs;
  startedAt: Date;
  machine: Machine;
  ceilings: CeilingResults | undefined;
  ceilingsError: string | undefined;
  results: ScenarioResult[];
}

export function renderMarkdown(input: ReportInput, cmp: Comparison[]): string {
  const { args, startedAt, machine } = input;
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const problems = input.results.flatMap((r) => r.problems);
  return [
    `# agileboard benchmark${args.quick ? " (--quick)" : ""}`,
    "",
    `- when: ${startedAt.toISOString()}`,
    `- machine: ${machineLine(machine)}`,
    `- command: \`${command}\``,
    `- system: ${args.url ? args.url : `the embedded default (\`node packages/launcher/dist/main.js\`), a fresh DATA_DIR per scenario; limits lifted: ${Object.entries(LIFTED_LIMITS).map(([k, v]) => `${k}=${v}`).join(", ")}`}`,
    args.quick ? "- --quick: short windows and smaller counts; figures, not verdicts" : "",
    "",
    "## Product beside its ceiling",
    "",
    "Ratio = product figure ÷ the same run's ceiling (for rates higher is better; for latencies and memory lower is better).",
    "",
    table(["figure", "product", "ceiling (same run)", "ratio", "target", "result"], cmp.map((x) => [x.figure, x.product, x.ceiling, x.ratio === undefined ? "—" : `${x.ratio.toFixed(2)}×`, x.target, x.verdict])),
    "",
    problems.length > 0 ? `## Problems the product showed\n\n${problems.map((p) => `- ${p}`).join("\n")}\n` : "No errors and no lost events.\n",
    "## Ceilings: the blocks alone",
    "",
    ceilingsMarkdown(input.ceilings, input.ceilingsError),
    "",
    ...input.results.flatMap((r) => [`## ${r.name}`, "", r.markdown, ""]),
  ].join("\n");
}

/** Writes bench/results/<timestamp>.{json,md} and latest.md; returns the paths. */
export function writeReport(input: ReportInput): string[] {
  const cmp = comparisons(input.results, input.ceilings);
  const md = renderMarkdown(input, cmp);
  process.stdout.write(`\n${md}\n`);
  const dir = join(REPO_ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = input.startedAt.toISOString().replace(/[:.]/g, "-");
  const json = join(dir, `${stamp}.json`);
  const mdPath = join(dir, `${stamp}.md`);
  writeFileSync(json, JSON.stringify({ ...input, startedAt: input.startedAt.toISOString(), comparisons: cmp }, null, 2));
  writeFileSync(mdPath, md);
  writeFileSync(join(dir, "latest.md"), md);
  return [json, mdPath, join(dir, "latest.md")];
}
