import { hostname } from "node:os";
import { createLogger, metricsRegistry, ReplicaRouter, type RunningService } from "@agileboard/kit";
import { TenancyServiceService } from "@agileboard/proto";
import { identity, startTestNats, tempDir, internalAuthEnv } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTenancyConfig, startTenancy } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))?.value ?? 0;
}

describe("one writer per tenant file (leases over NATS)", () => {
  const dir = tempDir();
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  const replicas: RunningService[] = [];
  const routers: ReplicaRouter[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    for (let i = 0; i < 2; i++) {
      replicas.push(await startTenancy(loadTenancyConfig({ DATA_DIR: dir.path, HOST: "127.0.0.1", PORT: "0", NATS_URL: nats.url, LOG_LEVEL: "silent", ...internalAuthEnv() })));
    }
  });
  afterAll(async () => {
    for (const r of routers) r.close();
    for (const r of replicas) await r.stop();
    await nats?.stop();
    nats?.cleanup();
    dir.remove();
  });

  const router = (addresses: string[]) => {
    const r = new ReplicaRouter({ service: "tenancy", addresses, deadlineMs: 2_000, logger, healthIntervalMs: 0 });
    routers.push(r);
    return r;
  };
  const list = async (r: ReplicaRouter, tenantId: string) => r.call(tenantId, TenancyServiceService.listProjects, { includeArchived: false, pageSize: 0, pageToken: "" }, await identity({ tenantId }));

  it("re-routes a call from a replica that does not own the tenant to the one that does, and remembers it", async () => {
    const addresses = replicas.map((r) => `127.0.0.1:${r.port}`);
    const both = router(addresses);
    // A tenant whose preferred replica (rendezvous order) is not the one that will own it.
    const tenantId = "conflict-tenant";
    const [preferred, other] = both.orderFor(tenantId);
    if (!preferred || !other) throw new Error("setup");
    // A gateway that believes only the other replica is alive makes it the owner.
    await list(router([other]), tenantId);

    const before = await metricValue("agileboard_rpc_failovers_total", { service: "tenancy", reason: "owner" });
    await list(both, tenantId);
    expect(await metricValue("agileboard_rpc_failovers_total", { service: "tenancy", reason: "owner" })).toBe(before + 1);
    await list(both, tenantId);
    expect(await metricValue("agileboard_rpc_failovers_total", { service: "tenancy", reason: "owner" })).toBe(before + 1);

    // Only the owner served the tenant.
    const served = (address: string) => metricValue("agileboard_rpc_server_tenant_calls_total", { replica: `${hostname()}:${address.split(":")[1]}`, tenant: tenantId });
    expect(await served(preferred)).toBe(0);
    expect(await served(other)).toBe(3);
  });

  it("moves a tenant to the other replica once its owner is gone", async () => {
    const addresses = replicas.map((r) => `127.0.0.1:${r.port}`);
    const tenantId = "moving-tenant";
    const both = router(addresses);
    await list(both, tenantId);
    const ownerAddress = both.orderFor(tenantId)[0];
    const owner = replicas.find((r) => `127.0.0.1:${r.port}` === ownerAddress);
    await owner?.stop(); // releases its leases on the way out
    await list(both, tenantId);
  });
});
