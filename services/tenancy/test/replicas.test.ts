import { hostname } from "node:os";
import { createLogger, metricsRegistry, ReplicaRouter, UnavailableError, type RunningService } from "@agileboard/kit";
import { TenancyServiceService } from "@agileboard/proto";
import { identity, tempDir, internalAuthEnv } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTenancyConfig, startTenancy } from "../src/index.js";

const logger = createLogger({ service: "test", level: "silent" });

/** Calls served per (replica, tenant), from the services' own counter. */
async function callsByReplica(): Promise<Map<string, Map<string, number>>> {
  const metric = await metricsRegistry.getSingleMetric("agileboard_rpc_server_tenant_calls_total")?.get();
  const out = new Map<string, Map<string, number>>();
  for (const v of metric?.values ?? []) {
    const replica = String(v.labels["replica"]);
    const perTenant = out.get(replica) ?? new Map<string, number>();
    perTenant.set(String(v.labels["tenant"]), v.value);
    out.set(replica, perTenant);
  }
  return out;
}

describe("tenant affinity across replicas", () => {
  const dir = tempDir();
  const replicas: RunningService[] = [];
  let router: ReplicaRouter;
  const tenants = Array.from({ length: 12 }, (_, i) => `tenant-${i}`);

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      replicas.push(await startTenancy(loadTenancyConfig({ DATA_DIR: dir.path, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", ...internalAuthEnv() })));
    }
    router = new ReplicaRouter({
      service: "tenancy",
      addresses: replicas.map((r) => `127.0.0.1:${r.port}`),
      deadlineMs: 2_000,
      logger,
      healthIntervalMs: 200,
    });
  });
  afterAll(async () => {
    router?.close();
    for (const r of replicas) await r.stop();
    dir.remove();
  });

  const listProjects = async (tenantId: string) => router.call(tenantId, TenancyServiceService.listProjects, { includeArchived: false, pageSize: 0, pageToken: "" }, await identity({ tenantId }));

  it("sends every call of a tenant to the same replica, and spreads tenants over both", async () => {
    for (const tenant of tenants) for (let i = 0; i < 3; i++) await listProjects(tenant);
    const calls = await callsByReplica();
    const owners = new Map<string, string>();
    for (const [replica, perTenant] of calls) {
      for (const [tenant, count] of perTenant) {
        if (!tenant.startsWith("tenant-")) continue;
        expect(owners.has(tenant), `${tenant} served by two replicas`).toBe(false);
        owners.set(tenant, replica);
        expect(count).toBe(3);
      }
    }
    expect(owners.size).toBe(tenants.length);
    expect(new Set(owners.values()).size).toBe(2);
    for (const tenant of tenants) {
      expect(owners.get(tenant)).toBe(`${hostname()}:${router.orderFor(tenant)[0]?.split(":")[1]}`);
    }
  });

  it("moves a stopped replica's tenants to the next replica in their order, without errors", async () => {
    const [first, second] = replicas;
    if (!first || !second) throw new Error("setup");
    const movedTenants = tenants.filter((t) => router.orderFor(t)[0] === `127.0.0.1:${first.port}`);
    expect(movedTenants.length).toBeGreaterThan(0);
    await first.stop();
    for (const tenant of movedTenants) await listProjects(tenant);
    const calls = await callsByReplica();
    for (const tenant of movedTenants) expect(calls.get(`${hostname()}:${second.port}`)?.get(tenant)).toBe(1);
  });

  it("answers UNAVAILABLE when no replica is left", async () => {
    const [, second] = replicas;
    await second?.stop();
    await expect(listProjects("tenant-0")).rejects.toBeInstanceOf(UnavailableError);
  });
});
