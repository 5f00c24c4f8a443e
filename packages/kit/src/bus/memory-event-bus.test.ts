import { describe, expect, it } from "vitest";
import type { LoggedEvent, OutboundEvent } from "./event-bus.js";
import { MemoryEventBus } from "./memory-event-bus.js";

const event = (id: string, project = "p1"): OutboundEvent => ({
  eventId: id,
  subject: `agileboard.evt.acme.${project}.work_item`,
  payload: new TextEncoder().encode(id),
  origin: "",
});

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("MemoryEventBus", () => {
  it("numbers events with increasing sequences that start from the clock", async () => {
    const bus = new MemoryEventBus({ retentionMs: 60_000, now: () => 1_000 });
    await bus.publish([event("a"), event("b")]);
    const read = await bus.read("agileboard.evt.acme.p1.>", 0, Number.MAX_SAFE_INTEGER);
    expect(read.map((e) => e.sequence)).toEqual([1_000_001, 1_000_002]);
  });

  it("drops a second event with the same id inside the window", async () => {
    const bus = new MemoryEventBus({ retentionMs: 60_000 });
    await bus.publish([event("a")]);
    await bus.publish([event("a"), event("b")]);
    const read = await bus.read("agileboard.evt.>", 0, Number.MAX_SAFE_INTEGER);
    expect(read.map((e) => e.eventId)).toEqual(["a", "b"]);
  });

  it("reports bounds per project and reads a range by filter", async () => {
    const bus = new MemoryEventBus({ retentionMs: 60_000 });
    await bus.publish([event("a", "p1"), event("b", "p2"), event("c", "p1")]);
    const all = await bus.read("agileboard.evt.>", 0, Number.MAX_SAFE_INTEGER);
    const [a, b, c] = all;
    expect(await bus.bounds("agileboard.evt.acme.p1.>")).toEqual({ lastSequence: c?.sequence, firstSequence: a?.sequence });
    expect(await bus.bounds("agileboard.evt.acme.p9.>")).toMatchObject({ lastSequence: 0 });
    expect((await bus.read("agileboard.evt.acme.p1.>", a?.sequence ?? 0, c?.sequence ?? 0)).map((e) => e.eventId)).toEqual(["c"]);
    expect((await bus.read("agileboard.evt.acme.p2.>", 0, b?.sequence ?? 0)).map((e) => e.eventId)).toEqual(["b"]);
  });

  it("follows from a sequence: catches up, then delivers live, each event once and in order", async () => {
    const bus = new MemoryEventBus({ retentionMs: 60_000 });
    await bus.publish([event("a"), event("b")]);
    const [first] = await bus.read("agileboard.evt.>", 0, Number.MAX_SAFE_INTEGER);
    const seen: LoggedEvent[] = [];
    await bus.follow("agileboard.evt.acme.p1.>", first?.sequence ?? 0, (e) => seen.push(e));
    await bus.publish([event("c"), event("x", "p2"), event("d")]);
    await flush();
    expect(seen.map((e) => e.eventId)).toEqual(["b", "c", "d"]);
  });

  it("drops events past the retention and says where the log now starts", async () => {
    let now = 1_000;
    const bus = new MemoryEventBus({ retentionMs: 100, now: () => now });
    await bus.publish([event("old")]);
    now = 2_000;
    await bus.publish([event("new")]);
    const read = await bus.read("agileboard.evt.>", 0, Number.MAX_SAFE_INTEGER);
    expect(read.map((e) => e.eventId)).toEqual(["new"]);
    expect((await bus.bounds("agileboard.evt.>")).firstSequence).toBe(read[0]?.sequence);
  });

  it("tells listeners of stored events and announcements", async () => {
    const bus = new MemoryEventBus({ retentionMs: 60_000 });
    const heard: string[] = [];
    const sub = bus.listen("agileboard.*.acme.>", (m) => heard.push(m.subject));
    await bus.publish([event("a")]);
    bus.announce("agileboard.presence.acme.p1", new Uint8Array());
    await flush();
    sub.close();
    await bus.publish([event("b")]);
    await flush();
    expect(heard).toEqual(["agileboard.evt.acme.p1.work_item", "agileboard.presence.acme.p1"]);
  });
});
