// Tenants: 1,000 tenants touched round-robin with the services' open-database LRU smaller than that
// (TENANT_DB_CACHE_SIZE): the first touch creates a tenant's databases, later touches reopen evicted ones.
// Cold-open cost = a touch's first request against a warm one; memory must stay flat with the LRU bound,
// and the open file handles must not grow with the tenants seen.
import { summarize } from "../ceilings/stats.js";
import type { LatencySummary } from "../ceilings/index.js";
import { lat, mib, num, say, table } from "../format.js";
import { sdkClient } from "../mover.js";
import { namedTree, openFiles, rssOf } from "../proc.js";
import type { ScenarioContext, ScenarioResult } from "../scenario.js";
import { WorkItemType } from "@agileboard/client";

export interface TenantsPoint {
  touched: number;
  rssBytes: number;
  openFiles: number;
  /** Per process: which one grows, if any. */
  processes: { name: string; rssBytes: number; openFiles: number }[];
}

export interface TenantsData {
  tenants: number;
  lruSize: number | undefined;
  /** First touch: connect + create project + create card (the tenant's databases are created). */
  create: LatencySummary;
  /** Second pass, first request of a touch (list cards): the database was evicted and is reopened. */
  reopen: LatencySummary;
  /** The same request again right after: warm. */
  warm: LatencySummary;
  connect: LatencySummary;
  points: TenantsPoint[];
  /** RSS growth over the second pass (every tenant known, the LRU full); undefined when not visible (--url). */
  secondPassGrowthBytes: number | undefined;
  openFilesMax: number;
  openFilesEnd: number;
}

export async function tenants(ctx: ScenarioContext): Promise<ScenarioResult> {
  const n = ctx.args.quick ? 150 : 1000;
  const lru = ctx.args.quick ? 30 : 100;
  const concurrency = 8;
  const target = await ctx.system({ TENANT_DB_CACHE_SIZE: String(lru) });
  const problems: string[] = [];
  const create: number[] = [];
  const reopen: number[] = [];
  const warm: number[] = [];
  const connectMs: number[] = [];
  const points: TenantsPoint[] = [];
  const projects = new Map<number, string>();
  const measure = (touched: number): void => {
    if (target.rootPid === undefined) return;
    const processes = namedTree(target.rootPid).map((p) => ({ name: p.name, rssBytes: rssOf(p.pid), openFiles: openFiles(p.pid) }));
    points.push({ touched, rssBytes: processes.reduce((s, p) => s + p.rssBytes, 0), openFiles: processes.reduce((s, p) => s + p.openFiles, 0), processes });
  };
  try {
    measure(0);
    let touched = 0;
    const pass = async (second: boolean): Promise<void> => {
      let next = 0;
      const t0 = Date.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < n) {
            const i = next++;
            const tenant = `bench-t${String(i).padStart(4, "0")}`;
            try {
              await target.token(tenant, "owner"); // minted outside the timing
              const c0 = performance.now();
              const client = await sdkClient(target, tenant, "owner");
              connectMs.push(performance.now() - c0);
              try {
                if (!second) {
                  const t = performance.now();
                  const project = await client.request("createProject", { key: "TEN", name: tenant });
                  await client.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "first card" });
                  create.push(performance.now() - t);
                  projects.set(i, project.id);
                } else {
                  const projectId = projects.get(i) ?? "";
                  let t = performance.now();
                  await client.request("listWorkItems", { projectId, pageSize: 50 });
                  reopen.push(performance.now() - t);
                  t = performance.now();
                  await client.request("listWorkItems", { projectId, pageSize: 50 });
                  warm.push(performance.now() - t);
                }
              } finally {
                await client.close();
              }
            } catch (err) {
              if (problems.length < 10) problems.push(`${tenant}${second ? " (second pass)" : ""}: ${err instanceof Error ? err.message : String(err)}`);
            }
            touched++;
            if (touched % Math.max(1, Math.round(n / 10)) === 0) {
              measure(touched);
              say(`tenants ${second ? "second" : "first"} pass: ${(((Date.now() - t0) / 1000)).toFixed(1)} s, ${num(i + 1)} tenants`);
            }
          }
        }),
      );
    };
    await pass(false);
    await pass(true);
    if (points[points.length - 1]?.touched !== touched) measure(touched);
  } finally {
    await target.stop();
  }
  const mid = points.find((p) => p.touched >= n) ?? points[0];
  const end = points[points.length - 1];
  const data: TenantsData = {
    tenants: n,
    lruSize: ctx.args.url ? undefined : lru,
    create: summarize(create),
    reopen: summarize(reopen),
    warm: summarize(warm),
    connect: summarize(connectMs),
    points,
    secondPassGrowthBytes: mid && end ? end.rssBytes - mid.rssBytes : undefined,
    openFilesMax: Math.max(0, ...points.map((p) => p.openFiles)),
    openFilesEnd: end?.openFiles ?? 0,
  };
  say(`tenants: create ${lat(data.create)} ms; reopen ${lat(data.reopen)} ms; warm ${lat(data.warm)} ms; RSS growth over the second pass ${data.secondPassGrowthBytes === undefined ? "not visible (--url)" : mib(data.secondPassGrowthBytes)}`);
  const markdown = [
    `${num(n)} tenants touched round-robin by ${concurrency} clients${data.lruSize ? `, TENANT_DB_CACHE_SIZE=${data.lruSize}` : ""}; each touch is its own WebSocket session. Latencies in ms: p50 / p95 / p99 / max.`,
    "",
    table(
      ["touch", "latency"],
      [
        ["connect (WebSocket upgrade + auth)", lat(data.connect)],
        ["first touch: create project + card (databases created)", lat(data.create)],
        ["later touch, first read (database reopened after eviction)", lat(data.reopen)],
        ["same read again (warm)", lat(data.warm)],
      ],
    ),
    "",
    table(
      [`touches so far (first pass 1–${num(n)}, second ${num(n + 1)}–${num(2 * n)})`, "system RSS", "open files (all processes)"],
      points.map((p) => [num(p.touched), mib(p.rssBytes), num(p.openFiles)]),
    ),
    "",
    mid && end
      ? `Per process, end of the first pass → end of the second: ${mid.processes
          .map((p, i) => {
            const e = end.processes[i];
            return `${p.name} ${mib(p.rssBytes)} → ${e ? mib(e.rssBytes) : "?"} (${p.openFiles} → ${e?.openFiles ?? "?"} files)`;
          })
          .join(", ")}`
      : "",
  ].join("\n");
  return { name: "tenants", markdown, data: data as unknown as Record<string, unknown>, problems, notes: [] };
}
