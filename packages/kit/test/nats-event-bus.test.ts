import { startNatsServer } from "@agileboard/kit";
import { startTestNats, waitFor } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, NatsEventBus, type LoggedEvent, type OutboundEvent } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });
const event = (id: string, project = "p1", origin = ""): OutboundEvent => ({
  eventId: id,
  subject: `agileboard.evt.acme.${project}.work_item`,
  payload: new TextEncoder().encode(id),
  origin,
});

describe("NatsEventBus on a real nats-server", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let bus: NatsEventBus;

  beforeAll(async () => {
    nats = await startTestNats();
    bus = new NatsEventBus({ servers: nats.url, name: "test", retentionMs: 24 * 3600_000, logger });
    await bus.waitUntilReady();
  });
  afterAll(async () => {
    await bus?.close();
    await nats?.stop();
    nats?.cleanup();
  });

  it("stores events in order, drops a repeated event id, and reads them back with origin", async () => {
    await bus.publish([event("a1", "p1", "gw/1"), event("a2"), event("a1", "p1", "gw/1")]);
    const read = await bus.read("agileboard.evt.acme.p1.>", 0, Number.MAX_SAFE_INTEGER);
    expect(read.map((e) => [e.eventId, e.origin])).toEqual([
      ["a1", "gw/1"],
      ["a2", ""],
    ]);
    expect(read[1]?.sequence).toBeGreaterThan(read[0]?.sequence ?? 0);
  });

  it("reports per-project bounds", async () => {
    await bus.publish([event("b1", "p2"), event("b2", "p3")]);
    const [b1] = await bus.read("agileboard.evt.acme.p2.>", 0, Number.MAX_SAFE_INTEGER);
    expect(await bus.bounds("agileboard.evt.acme.p2.>")).toEqual({ lastSequence: b1?.sequence, firstSequence: 1 });
    expect((await bus.bounds("agileboard.evt.acme.none.>")).lastSequence).toBe(0);
  });

  it("follows a project from a sequence on, in order, without other projects' events", async () => {
    const { lastSequence } = await bus.bounds("agileboard.evt.acme.p4.>");
    const seen: LoggedEvent[] = [];
    const sub = await bus.follow("agileboard.evt.acme.p4.>", lastSequence, (e) => seen.push(e));
    await bus.publish([event("c1", "p4"), event("c2", "p5"), event("c3", "p4")]);
    await waitFor(() => seen.length === 2);
    expect(seen.map((e) => e.eventId)).toEqual(["c1", "c3"]);
    sub.close();
  });
});

describe("NatsEventBus when the server goes away", () => {
  it("reports unhealthy and fails publishes fast, then recovers on the same store", async () => {
    const nats = await startTestNats();
    const bus = new NatsEventBus({ servers: nats.url, name: "test", retentionMs: 24 * 3600_000, logger });
    await bus.waitUntilReady();
    await bus.publish([event("d1")]);
    await nats.stop();
    await waitFor(() => !bus.isHealthy(), 5_000, "the bus to notice");
    await expect(bus.publish([event("d2")])).rejects.toThrow(/disconnected/);
    const again = await startNatsServer({ storeDir: nats.storeDir, port: nats.port });
    await waitFor(() => bus.isHealthy(), 10_000, "the bus to reconnect");
    await bus.publish([event("d2")]);
    const read = await bus.read("agileboard.evt.acme.p1.>", 0, Number.MAX_SAFE_INTEGER);
    expect(read.map((e) => e.eventId)).toEqual(["d1", "d2"]);
    await bus.close();
    await again.stop();
    nats.cleanup();
  });
});
