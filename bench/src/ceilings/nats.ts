// natsCore and jetstream: one message at a time from this process to a subscriber process
// through a private nats-server; latency = the subscriber's clock − the stamp in the payload.
import { connect, StorageType, type NatsConnection } from "nats";
import { encodeFrame } from "./frame.js";
import type { LatencySummary } from "./index.js";
import { Child, type NatsServer } from "./processes.js";
import { sharedClockMs, summarize } from "./stats.js";
import { sleep, type Budget } from "./timing.js";

const STREAM = "BENCH";

interface Collected {
  samples: number[];
}

async function publishAndCollect(
  nc: NatsConnection,
  subscriber: Child,
  budget: Budget,
  publish: (frame: Buffer) => Promise<void>,
): Promise<LatencySummary> {
  let seq = 0;
  let recorded = 0;
  const warmupEnd = performance.now() + budget.warmupMs;
  const end = warmupEnd + budget.measureMs;
  for (let now = performance.now(); now < end; now = performance.now()) {
    const record = now >= warmupEnd;
    await publish(encodeFrame({ seq: seq++, sentAtMs: sharedClockMs(), record }));
    if (record) recorded++;
  }
  await nc.flush();
  await sleep(300);
  // Only measured messages must all arrive: the warm-up also covers the consumer's creation.
  const { samples } = await subscriber.call<Collected>("collect");
  if (samples.length < recorded) throw new Error(`subscriber got ${samples.length} of ${recorded} measured messages`);
  return summarize(samples);
}

/** Core publish → subscriber, one message per millisecond (isolated messages: latency, not queueing). */
export async function measureNatsCore(server: NatsServer, budget: Budget): Promise<LatencySummary> {
  const subject = "bench.core";
  const subscriber = await Child.start("nats-sub", { url: server.url, subject });
  const nc = await connect({ servers: server.url });
  try {
    return await publishAndCollect(nc, subscriber, budget, async (frame) => {
      nc.publish(subject, frame);
      await sleep(1);
    });
  } finally {
    await nc.close();
    subscriber.kill();
  }
}

/** JetStream publish, awaiting each ack before the next, → an ordered consumer in another process. */
export async function measureJetStream(server: NatsServer, budget: Budget): Promise<LatencySummary> {
  const subject = "bench.js.item";
  const nc = await connect({ servers: server.url });
  const jsm = await nc.jetstreamManager();
  // File storage, as the product's event stream.
  await jsm.streams.add({ name: STREAM, subjects: ["bench.js.>"], storage: StorageType.File });
  const subscriber = await Child.start("nats-sub", { url: server.url, subject, stream: STREAM });
  const js = nc.jetstream();
  try {
    return await publishAndCollect(nc, subscriber, budget, async (frame) => {
      await js.publish(subject, frame);
    });
  } finally {
    subscriber.kill();
    await jsm.streams.delete(STREAM).catch(() => undefined);
    await nc.close();
  }
}
