import { startTestNats, waitFor } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, KvLeases, LEASE_BUCKET, NatsEventBus, NotOwnerError } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });

describe("tenant leases in NATS KV", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  const buses: NatsEventBus[] = [];
  const replica = async (owner: string, ttlMs = 1_500) => {
    const bus = new NatsEventBus({ servers: nats.url, name: owner, retentionMs: 24 * 3600_000, logger });
    buses.push(bus);
    await bus.waitUntilReady();
    const leases = new KvLeases({
      openBucket: (ttl) => bus.keyValue(LEASE_BUCKET, ttl),
      service: "svc",
      owner: () => owner,
      connected: () => bus.ensureConnected(),
      ttlMs,
      logger,
    });
    return { bus, leases };
  };

  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    for (const b of buses) await b.close().catch(() => undefined);
    await nats?.stop();
    nats?.cleanup();
  });

  it("gives a tenant to one replica; the other is told who owns it", async () => {
    const a = await replica("10.0.0.1:5000");
    const b = await replica("10.0.0.2:5000");
    await a.leases.ensure("t1");
    const refused = await b.leases.ensure("t1").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotOwnerError);
    expect((refused as NotOwnerError).ownerAddress).toBe("10.0.0.1:5000");
    expect(await b.leases.tryAcquire("t2")).toBe(true);
    expect(await a.leases.tryAcquire("t2")).toBe(false);
    await a.leases.release("t1");
    await b.leases.ensure("t1");
    expect(a.leases.holds("t1")).toBe(false);
    expect(b.leases.holds("t1")).toBe(true);
    await a.leases.close();
    await b.leases.close();
  });

  it("keeps a lease renewed past its TTL while the owner lives", async () => {
    const a = await replica("10.0.0.3:5000", 1_000);
    const b = await replica("10.0.0.4:5000", 1_000);
    await a.leases.ensure("t3");
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await b.leases.tryAcquire("t3")).toBe(false);
    expect(a.leases.holds("t3")).toBe(true);
    await a.leases.close();
    await b.leases.close();
  });

  it("lets another replica take over once a crashed owner's lease expires, and the old owner learns it lost", async () => {
    const a = await replica("10.0.0.5:5000");
    const b = await replica("10.0.0.6:5000");
    const lost: string[] = [];
    a.leases.onLost((t) => lost.push(t));
    await a.leases.ensure("t4");
    // The owner's link to NATS dies: it can no longer renew.
    await a.bus.close();
    expect(await b.leases.tryAcquire("t4")).toBe(false);
    await waitFor(async () => b.leases.tryAcquire("t4"), 6_000, "the crashed owner's lease to expire");
    await waitFor(() => lost.includes("t4") && !a.leases.holds("t4"), 3_000, "the old owner to drop the tenant");
    await b.leases.close();
    await a.leases.close();
  });
});
