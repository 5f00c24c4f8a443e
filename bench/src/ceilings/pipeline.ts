// pipeline: the product's hot path with nothing but its blocks, each in its own process:
// load ─ws→ front ─gRPC→ store (SQLite WAL tx, then JetStream publish awaiting the ack)
//      ←reply─┘                      └─ordered consumer→ edge ─ws→ N subscriber sockets (in load)
// No auth, no outbox table relay, no idempotency: what the product's figures are compared with.
import { connect, StorageType } from "nats";
import type { LatencySummary } from "./index.js";
import { Child, makeTempDir, removeTempDir, type NatsServer } from "./processes.js";
import { summarize } from "./stats.js";
import type { Budget } from "./timing.js";

const LOW_LOAD_PER_SECOND = 20;
const IN_FLIGHT = 16;
const STREAM = "PIPE";
const SUBJECT = "pipe.evt.bench.p1.item";

export interface PipelineResult {
  maxPerSecond: number;
  lowLoad: { reply: LatencySummary; lastSubscriber: LatencySummary };
}

export async function measurePipeline(nats: NatsServer, subscribers: number, budget: Budget): Promise<PipelineResult> {
  const nc = await connect({ servers: nats.url });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: STREAM, subjects: ["pipe.>"], storage: StorageType.File });
  const dir = makeTempDir("pipeline");
  const children: Child[] = [];
  const start = async <I>(file: string, args: unknown): Promise<Child<I>> => {
    const child = await Child.start<I>(file, args);
    children.push(child);
    return child;
  };
  try {
    const store = await start<{ port: number }>("pipeline-store", { natsUrl: nats.url, subject: SUBJECT, dir });
    const edge = await start<{ port: number }>("pipeline-edge", { natsUrl: nats.url, stream: STREAM, subject: SUBJECT });
    const front = await start<{ port: number }>("pipeline-front", { storePort: store.info.port });
    const load = await start("pipeline-load", {
      frontUrl: `ws://127.0.0.1:${front.info.port}`,
      edgeUrl: `ws://127.0.0.1:${edge.info.port}`,
      subscribers,
    });
    await load.call("closedLoop", { inFlight: IN_FLIGHT, durationMs: budget.warmupMs });
    const low = await load.call<{ reply: number[]; lastSubscriber: number[]; lost: number }>("openLoop", {
      perSecond: LOW_LOAD_PER_SECOND,
      durationMs: budget.measureMs,
    });
    const max = await load.call<{ completed: number; elapsedMs: number; lost: number }>("closedLoop", {
      inFlight: IN_FLIGHT,
      durationMs: budget.measureMs,
    });
    if (low.lost > 0 || max.lost > 0) throw new Error(`pipeline lost changes (${low.lost} at low load, ${max.lost} at max)`);
    return {
      maxPerSecond: max.completed / (max.elapsedMs / 1000),
      lowLoad: { reply: summarize(low.reply), lastSubscriber: summarize(low.lastSubscriber) },
    };
  } finally {
    for (const child of children.reverse()) child.kill();
    removeTempDir(dir);
    await jsm.streams.delete(STREAM).catch(() => undefined);
    await nc.close();
  }
}
