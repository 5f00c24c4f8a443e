// Connections: 10,000 idle authenticated sockets on one gateway (20 tenants × 500, under the per-tenant limit):
// the gateway's resident memory per connection, its CPU while they idle, and that every one still gets events.
// Thin `ws` subscribers (see worker.ts) in 2 worker processes.
import { lat, mib, num, say, sleep, table } from "../format.js";
import { createBoard, deliveries, moveCard, sdkClient, type Card, type MoveRecord } from "../mover.js";
import { namedTree, ProcSampler, rssOf, usageLine, type Usage } from "../proc.js";
import type { ScenarioContext, ScenarioResult } from "../scenario.js";
import type { LatencySummary } from "../ceilings/index.js";
import { SubscriberPool } from "../workers.js";

export interface ConnectionsData {
  sockets: number;
  opened: number;
  gateway: string;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerSocket: number | undefined;
  openSeconds: number;
  idleUsage: Usage | undefined;
  socketsWithEvents: number;
  lastSubscriber: LatencySummary;
  incomplete: number;
}

export async function connections(ctx: ScenarioContext): Promise<ScenarioResult> {
  const total = ctx.args.quick ? 1_000 : 10_000;
  const tenants = 20;
  // Against --url the deployment's limits hold: 10,000 per replica includes the 20 writer sockets.
  const perTenant = ctx.args.url ? Math.floor((total - tenants) / tenants) : total / tenants;
  const target = await ctx.system();
  const problems: string[] = [];
  const pool = SubscriberPool.start(2);
  let data: ConnectionsData;
  try {
    // The gateway process: the one named gateway, else the launcher (everything in one process).
    const tree = target.rootPid !== undefined ? namedTree(target.rootPid) : [];
    const gw = tree.find((p) => /gateway/.test(p.name)) ?? tree[0];
    const writers = await Promise.all(Array.from({ length: tenants }, (_, t) => sdkClient(target, `bench-idle-${t}`, "writer")));
    const boards = await Promise.all(writers.map((w) => createBoard(w, 1, perTenant)));
    const tokens: string[] = [];
    for (let t = 0; t < tenants; t++) for (let u = 0; u < 10; u++) tokens.push(await target.token(`bench-idle-${t}`, `idle-${u}`, ["admin"]));
    await sleep(1_000);
    const rssBefore = gw ? rssOf(gw.pid) : 0;
    const t0 = Date.now();
    const specs = Array.from({ length: perTenant * tenants }, (_, i): [number, number] => {
      const t = Math.floor(i / perTenant);
      return [t * 10 + (i % 10), t];
    });
    const opened = await pool.open(target.url, "thin", tokens, boards.map((b) => b.projectId), specs, 128);
    const openSeconds = (Date.now() - t0) / 1000;
    if (opened.failed > 0) problems.push(`${opened.failed} of ${specs.length} sockets failed to open: ${opened.errors.join("; ")}`);
    say(`connections: ${opened.ok} sockets open in ${openSeconds.toFixed(1)} s`);
    // Idle: nothing sent for a while; the gateway's own pings and presence heartbeats only.
    const sampler = new ProcSampler(target.rootPid);
    sampler.start();
    await sleep(ctx.args.quick ? 3_000 : 8_000);
    const idleUsage = sampler.stop();
    const rssAfter = gw ? rssOf(gw.pid) : 0;
    const bytesPerSocket = gw && opened.ok > 0 ? (rssAfter - rssBefore) / opened.ok : undefined;
    say(`connections: ${gw ? `${gw.name} RSS ${mib(rssBefore)} → ${mib(rssAfter)}, ${num((bytesPerSocket ?? 0) / 1024, 1)} KiB per socket` : "gateway RSS not visible (--url)"}; idle: ${usageLine(idleUsage)}`);
    // Do they all still get events? One move per tenant board.
    await pool.reset();
    const allRecords: MoveRecord[] = [];
    await Promise.all(writers.map(async (w, i) => {
      const card: Card | undefined = boards[i]?.cards[0];
      if (card) await moveCard(w, card, allRecords);
    }));
    const { collected, ...figures } = await deliveries(pool, allRecords, 1000, 15_000);
    say(`connections: ${collected.socketsWithEvents} of ${collected.sockets} sockets got the event; move → last socket of its tenant ${lat(figures.lastSubscriber)} ms`);
    if (collected.socketsWithEvents < opened.ok) problems.push(`connections: only ${collected.socketsWithEvents} of ${opened.ok} idle sockets got the event within 15 s`);
    if (collected.closes > 0) problems.push(`connections: ${collected.closes} sockets closed (${JSON.stringify(collected.closeCodes)})`);
    data = {
      sockets: specs.length,
      opened: opened.ok,
      gateway: gw ? `${gw.name} (pid ${gw.pid})` : "unknown",
      rssBeforeBytes: rssBefore,
      rssAfterBytes: rssAfter,
      bytesPerSocket,
      openSeconds,
      idleUsage,
      socketsWithEvents: collected.socketsWithEvents,
      lastSubscriber: figures.lastSubscriber,
      incomplete: figures.incomplete,
    };
    await Promise.all(writers.map((w) => w.close()));
  } finally {
    await pool.close();
    await target.stop();
  }
  const markdown = [
    `${num(data.sockets)} thin \`ws\` sockets, ${tenants} tenants × ${num(perTenant)}, each subscribed to its tenant's board, in 2 worker processes; measured on ${data.gateway}.`,
    "",
    table(
      ["sockets open", "open time", "gateway RSS before → after", "resident per socket", "idle CPU (system)", "sockets that got the next event", "move → last socket"],
      [[
        num(data.opened),
        `${data.openSeconds.toFixed(1)} s`,
        data.rssAfterBytes > 0 ? `${mib(data.rssBeforeBytes)} → ${mib(data.rssAfterBytes)}` : "— (--url)",
        data.bytesPerSocket === undefined ? "—" : `${num(data.bytesPerSocket / 1024, 1)} KiB`,
        data.idleUsage ? `${data.idleUsage.total.cpuPercent.toFixed(0)}%` : "—",
        `${num(data.socketsWithEvents)} of ${num(data.opened)}`,
        lat(data.lastSubscriber),
      ]],
    ),
    "",
    `- idle: ${usageLine(data.idleUsage)}`,
  ].join("\n");
  return { name: "connections", markdown, data: data as unknown as Record<string, unknown>, problems, notes: [] };
}
