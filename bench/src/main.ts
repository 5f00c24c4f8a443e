#!/usr/bin/env node
// npm run bench — the product scenarios over real WebSockets through @agileboard/client, beside the ceilings
// of the same blocks measured in the same run. See bench/README.md.
import { parseArgs, type ScenarioName } from "./args.js";
import type { CeilingOptions, CeilingResults } from "./ceilings/index.js";
import { say } from "./format.js";
import { machine } from "./machine.js";
import { writeReport } from "./report.js";
import type { ScenarioContext, ScenarioResult } from "./scenario.js";
import { cardMoves } from "./scenarios/card-moves.js";
import { connections } from "./scenarios/connections.js";
import { fanOut } from "./scenarios/fan-out.js";
import { manyProjects } from "./scenarios/many-projects.js";
import { tenants } from "./scenarios/tenants.js";
import { LIFTED_LIMITS, remoteTarget, startLocal, type Target } from "./system.js";

const SCENARIO_RUNNERS: Record<ScenarioName, (ctx: ScenarioContext) => Promise<ScenarioResult>> = {
  "card-moves": cardMoves,
  "many-projects": manyProjects,
  "fan-out": fanOut,
  connections,
  tenants,
};

/** The ceilings module is written alongside; until it exports measureCeilings the run goes on without it. */
async function ceilings(quick: boolean): Promise<{ results: CeilingResults | undefined; error: string | undefined }> {
  const mod = (await import("./ceilings/index.js")) as unknown as { measureCeilings?: (o: CeilingOptions) => Promise<CeilingResults> };
  if (typeof mod.measureCeilings !== "function") return { results: undefined, error: "bench/src/ceilings does not export measureCeilings yet" };
  try {
    const results = await mod.measureCeilings({
      quick,
      subscriberCounts: [5, 100],
      broadcastCounts: quick ? [1000] : [1000, 5000],
      onProgress: (m) => say(`ceilings: ${m}`),
    });
    return { results, error: undefined };
  } catch (err) {
    return { results: undefined, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const m = machine();
  say(`agileboard bench${args.quick ? " --quick" : ""}: ${args.only.join(", ") || "(no scenarios)"}${args.ceilings ? " + ceilings" : ""} against ${args.url ?? "the embedded default (started per scenario)"}`);
  if (!args.url) say(`limits lifted for the load: ${Object.entries(LIFTED_LIMITS).map(([k, v]) => `${k}=${v}`).join(" ")}`);

  // Ceilings first, on a machine without the system running: the blocks alone.
  const ceiling = args.ceilings ? await ceilings(args.quick) : { results: undefined, error: "skipped (--no-ceilings)" };
  if (ceiling.error) say(`ceilings: ${ceiling.error.split("\n")[0]}`);

  // Systems a scenario started: stopped after it even when it failed or ran out of time.
  const live: Target[] = [];
  const ctx: ScenarioContext = {
    args,
    system: async (env = {}) => {
      const target = args.url ? await remoteTarget(args) : await startLocal(env);
      live.push(target);
      return target;
    },
  };
  // Ctrl-C: the systems this run started are stopped (and their temp dirs removed) before exiting.
  const interrupt = (): void => {
    say("interrupted: stopping the system…");
    void Promise.allSettled(live.map((t) => t.stop())).then(() => process.exit(130));
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  const results: ScenarioResult[] = [];
  const budgetS = args.quick ? 60 : 240;
  for (const name of args.only) {
    const t0 = Date.now();
    say(`— ${name} —`);
    try {
      results.push(await withTimeout(SCENARIO_RUNNERS[name](ctx), budgetS * 1000, name));
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      say(`${name} FAILED: ${message}`);
      results.push({ name, markdown: `Failed: \`${message.split("\n")[0]}\``, data: { failed: message }, problems: [`${name} failed: ${message.split("\n")[0]}`], notes: [] });
    }
    for (const target of live.splice(0)) await target.stop().catch(() => undefined);
    say(`${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const files = writeReport({ args, startedAt, machine: m, ceilings: ceiling.results, ceilingsError: ceiling.error, results });
  say(`written: ${files.join(", ")}`);
}

/** Every scenario is bounded in time: past its budget it is reported as failed and the run goes on. */
function withTimeout<T>(p: Promise<T>, msLimit: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} exceeded its ${msLimit / 1000} s budget`)), msLimit);
    }),
  ]);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
