// The writer side: SDK clients that create projects and cards and move cards between columns, open loop
// (a fixed offered rate) or closed loop (N moves in flight), recording when each move was sent and answered.
import WebSocket from "ws";
import { connect, WorkItemStatus, WorkItemType, type AgileboardClient } from "@agileboard/client";
import { summarize } from "./ceilings/stats.js";
import type { LatencySummary } from "./ceilings/index.js";
import { lat, num, say, sleep } from "./format.js";
import { ProcSampler, type Usage } from "./proc.js";
import type { Target } from "./system.js";
import type { SubscriberPool } from "./workers.js";

const now = (): number => performance.timeOrigin + performance.now();
const COLUMNS = [WorkItemStatus.WORK_ITEM_STATUS_TODO, WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS, WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW];

export async function sdkClient(target: Target, tenantId: string, userId: string, roles: readonly string[] = []): Promise<AgileboardClient> {
  const client = connect({ url: target.url, getToken: () => target.token(tenantId, userId, roles), WebSocket: WebSocket as never, requestTimeoutMs: 60_000, networkEvents: null });
  await client.whenOnline();
  return client;
}

export function projectKey(): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let key = "B";
  for (let i = 0; i < 7; i++) key += letters[Math.floor(Math.random() * letters.length)];
  return key;
}

export interface Card {
  id: string;
  projectId: string;
  version: number;
  column: number;
  busy: boolean;
  /** Subscribers that should see this card's events. */
  audience: number;
}

/** Creates a project with `cards` cards in To do; `audience` = how many subscribers follow it. */
export async function createBoard(client: AgileboardClient, cards: number, audience: number): Promise<{ projectId: string; cards: Card[] }> {
  const project = await client.request("createProject", { key: projectKey(), name: "bench board" });
  const out: Card[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(16, cards) }, async () => {
      while (next < cards) {
        const n = next++;
        const item = await client.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: `card ${n}`, status: COLUMNS[0] });
        out.push({ id: item.id, projectId: project.id, version: item.version, column: 0, busy: false, audience });
      }
    }),
  );
  return { projectId: project.id, cards: out };
}

export interface MoveRecord {
  key: string;
  sentAt: number;
  repliedAt: number;
  audience: number;
  error?: string;
}

/** Moves one card to the next column (top of it) and records the times. */
export async function moveCard(client: AgileboardClient, card: Card, records: MoveRecord[]): Promise<void> {
  card.busy = true;
  const to = (card.column + 1) % COLUMNS.length;
  const sentAt = now();
  try {
    const item = await client.request("moveWorkItem", { workItemId: card.id, expectedVersion: card.version, status: COLUMNS[to], beforeId: "", afterId: "" });
    card.version = item.version;
    card.column = to;
    records.push({ key: `${item.id}:${item.version}`, sentAt, repliedAt: now(), audience: card.audience });
  } catch (err) {
    records.push({ key: "", sentAt, repliedAt: now(), audience: card.audience, error: err instanceof Error ? `${(err as { code?: string }).code ?? ""} ${err.message}`.trim() : String(err) });
  } finally {
    card.busy = false;
  }
}

export type Load = { kind: "open"; perSecond: number } | { kind: "closed"; inFlight: number };

export function loadName(load: Load): string {
  return load.kind === "open" ? `open ${load.perSecond}/s` : `closed ${load.inFlight}`;
}

/** Runs `load` for `durationMs` over the movers (round-robin) and cards; resolves when every move is answered. */
export async function runMoves(movers: AgileboardClient[], cards: Card[], load: Load, durationMs: number, label: string): Promise<{ records: MoveRecord[]; windowMs: number; notSent: number }> {
  const records: MoveRecord[] = [];
  const pending = new Set<Promise<void>>();
  let m = 0;
  let c = 0;
  let notSent = 0;
  const freeCard = (): Card | undefined => {
    for (let i = 0; i < cards.length; i++) {
      const card = cards[(c + i) % cards.length];
      if (card && !card.busy) {
        c = (c + i + 1) % cards.length;
        return card;
      }
    }
    return undefined;
  };
  const launch = (card: Card): Promise<void> => {
    const client = movers[m++ % movers.length];
    if (!client) throw new Error("no mover");
    const p = moveCard(client, card, records);
    pending.add(p);
    void p.finally(() => pending.delete(p));
    return p;
  };
  const start = now();
  const end = start + durationMs;
  const progress = setInterval(() => say(`${label}: ${((now() - start) / 1000).toFixed(1)} s, ${records.length.toLocaleString("en-US")} moves`), 2_000);
  try {
    if (load.kind === "open") {
      let sent = 0;
      while (now() < end) {
        const due = Math.floor(((now() - start) * load.perSecond) / 1000);
        while (sent < due) {
          const card = freeCard();
          if (card) void launch(card);
          else notSent++; // every card is in flight: the system is behind the offered rate
          sent++;
        }
        await sleep(2);
      }
    } else {
      await Promise.all(
        Array.from({ length: load.inFlight }, async () => {
          while (now() < end) {
            const card = freeCard();
            if (!card) {
              await sleep(1);
              continue;
            }
            await launch(card);
          }
        }),
      );
    }
    await Promise.all([...pending]);
  } finally {
    clearInterval(progress);
  }
  return { records, windowMs: now() - start, notSent };
}

/** Samples the system's processes and, separately, the load generator's (this runner and its workers). */
export class UsageWindow {
  private readonly system: ProcSampler;
  private readonly generator: ProcSampler;
  constructor(target: Target, pool: SubscriberPool) {
    this.system = new ProcSampler(target.rootPid);
    this.generator = new ProcSampler(undefined, [{ pid: process.pid, name: "runner" }, ...pool.pids.map((pid) => ({ pid, name: "subscriber worker" }))]);
    this.system.start();
    this.generator.start();
  }
  stop(): { usage: Usage | undefined; generator: Usage | undefined } {
    return { usage: this.system.stop(), generator: this.generator.stop() };
  }
}

export interface DeliveryFigures {
  moves: number;
  errors: number;
  errorSamples: string[];
  movesPerSecond: number;
  reply: LatencySummary;
  firstSubscriber: LatencySummary;
  lastSubscriber: LatencySummary;
  /** Moves whose event did not reach every subscriber within the wait. */
  incomplete: number;
  /** Deliveries beyond one per subscriber. */
  duplicates: number;
}

/** The columns every delivery table shares: rate, the three latencies, losses, and the CPU of both sides. */
export function deliveryCells(r: DeliveryFigures & { notSent: number; usage: Usage | undefined; generator: Usage | undefined }): string[] {
  return [
    num(r.movesPerSecond, 1) + (r.notSent > 0 ? ` (${num(r.notSent)} not sent: all cards in flight)` : ""),
    lat(r.reply),
    lat(r.firstSubscriber),
    lat(r.lastSubscriber),
    `${r.errors} / ${r.incomplete}`,
    r.usage ? `${r.usage.total.cpuPercent.toFixed(0)}%` : "—",
    r.generator ? `${r.generator.total.cpuPercent.toFixed(0)}%` : "—",
  ];
}

/** Waits until every answered move reached its audience (or `maxWaitMs`), then computes the figures. */
export async function deliveries(pool: SubscriberPool, records: MoveRecord[], windowMs: number, maxWaitMs = 5_000): Promise<DeliveryFigures & { collected: Awaited<ReturnType<SubscriberPool["collect"]>> }> {
  const ok = records.filter((r) => !r.error);
  const deadline = Date.now() + maxWaitMs;
  let collected = await pool.collect();
  while (Date.now() < deadline && ok.some((r) => (collected.arrivals.get(r.key)?.count ?? 0) < r.audience)) {
    await sleep(500);
    collected = await pool.collect();
  }
  const first: number[] = [];
  const last: number[] = [];
  let incomplete = 0;
  let duplicates = 0;
  for (const r of ok) {
    const a = collected.arrivals.get(r.key);
    if (a && a.count > r.audience) duplicates += a.count - r.audience;
    if (!a || a.count < r.audience) {
      incomplete++;
      continue;
    }
    first.push(a.first - r.sentAt);
    last.push(a.last - r.sentAt);
  }
  const errors = records.filter((r) => r.error);
  return {
    moves: ok.length,
    errors: errors.length,
    errorSamples: [...new Set(errors.map((e) => e.error ?? ""))].slice(0, 5),
    movesPerSecond: (ok.length * 1000) / windowMs,
    reply: summarize(ok.map((r) => r.repliedAt - r.sentAt)),
    firstSubscriber: summarize(first),
    lastSubscriber: summarize(last),
    incomplete,
    duplicates,
    collected,
  };
}
