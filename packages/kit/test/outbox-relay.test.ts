import { connect } from "nats";
import { startNatsServer } from "@agileboard/kit";
import { startTestNats, tempDir, waitFor } from "@agileboard/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { defaultMigrationsDir } from "../src/service-runtime.js";
import { appendToOutbox, createLogger, loadMigrations, NatsEventBus, OutboxRelay, outboxSize, TenantStore } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });

describe("OutboxRelay", () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it("publishes committed events in order, keeps them through a bus outage, and publishes them after", async () => {
    const nats = await startTestNats();
    const store = new TenantStore({ dataDir: dir.path, service: "relay", migrations: loadMigrations(defaultMigrationsDir(), ["kit"]), maxOpen: 8, logger });
    const bus = new NatsEventBus({ servers: nats.url, name: "relay-test", retentionMs: 24 * 3600_000, logger });
    await bus.waitUntilReady();
    const relay = new OutboxRelay(store, bus, logger);
    const add = (tenant: string, id: string) =>
      appendToOutbox(store.open(tenant), { eventId: id, subject: `agileboard.evt.${tenant}.p.work_item`, payload: new TextEncoder().encode(id), origin: "" }, Date.now());

    for (const id of ["e1", "e2", "e3"]) add("acme", id);
    relay.notify("acme");
    await waitFor(() => outboxSize(store.open("acme")) === 0);
    expect((await bus.read("agileboard.evt.acme.>", 0, Number.MAX_SAFE_INTEGER)).map((e) => e.eventId)).toEqual(["e1", "e2", "e3"]);

    await nats.stop();
    await waitFor(() => !bus.isHealthy());
    add("acme", "e4");
    relay.notify("acme");
    await new Promise((r) => setTimeout(r, 500));
    expect(outboxSize(store.open("acme"))).toBe(1);

    const again = await startNatsServer({ storeDir: nats.storeDir, port: nats.port });
    await waitFor(() => outboxSize(store.open("acme")) === 0, 20_000, "the relay to retry");
    const check = await connect({ servers: again.url });
    const jsm = await check.jetstreamManager();
    const last = await jsm.streams.getMessage("AGILEBOARD_EVENTS", { last_by_subj: "agileboard.evt.acme.>" });
    expect(last.header.get("Nats-Msg-Id")).toBe("e4");
    await check.close();
    await relay.stop();
    await bus.close();
    store.close();
    await again.stop();
    nats.cleanup();
  });

  it("sweeps every tenant file at start-up", async () => {
    const nats = await startTestNats();
    const store = new TenantStore({ dataDir: dir.path, service: "sweep", migrations: loadMigrations(defaultMigrationsDir(), ["kit"]), maxOpen: 8, logger });
    for (const tenant of ["t1", "t2"]) {
      appendToOutbox(store.open(tenant), { eventId: `${tenant}-e`, subject: `agileboard.evt.${tenant}.p.work_item`, payload: new Uint8Array([1]), origin: "" }, 1);
    }
    const bus = new NatsEventBus({ servers: nats.url, name: "sweep-test", retentionMs: 24 * 3600_000, logger });
    const relay = new OutboxRelay(store, bus, logger);
    relay.sweep();
    await waitFor(() => outboxSize(store.open("t1")) === 0 && outboxSize(store.open("t2")) === 0, 10_000);
    await relay.stop();
    await bus.close();
    store.close();
    await nats.stop();
    nats.cleanup();
  });
});
