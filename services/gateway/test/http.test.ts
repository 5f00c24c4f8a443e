import { startTestSystem, TestClient, type TestSystem } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("HTTP endpoints", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ env: { AUTH_DEV: "1" } });
  });
  afterAll(async () => system?.stop());

  it("answers /healthz and, once the bus and every service answer, /readyz", async () => {
    expect((await fetch(`${system.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${system.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", checks: { bus: true, tenancy: true, workitems: true, sprints: true } });
  });

  it("serves Prometheus metrics", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token());
    await client.expect("projectList", { $case: "listProjects", value: { includeArchived: false, pageSize: 0, pageToken: "" } });
    const text = await (await fetch(`${system.url}/metrics`)).text();
    expect(text).toMatch(/agileboard_gateway_connections 1/);
    expect(text).toMatch(/agileboard_gateway_requests_total\{op="list_projects",outcome="ok"\} 1/);
    client.close();
  });

  it("issues dev tokens that open a session, and validates the request", async () => {
    const res = await fetch(`${system.url}/dev/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant_id: "devco", user_id: "dana", roles: ["admin"] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expires_at_ms: number };
    expect(body.expires_at_ms).toBeGreaterThan(Date.now());
    const client = await TestClient.connect(system.url, body.token);
    const project = await client.expect("project", { $case: "createProject", value: { key: "DEV", name: "Dev", description: "" } });
    expect(project.createdBy).toBe("dana");
    client.close();

    const bad = await fetch(`${system.url}/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant_id: "Bad.Tenant" }) });
    expect(bad.status).toBe(400);
  });
});

describe("without AUTH_DEV", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory" });
  });
  afterAll(async () => system?.stop());

  it("serves no token endpoint", async () => {
    expect((await fetch(`${system.url}/dev/token`, { method: "POST" })).status).toBe(404);
  });
});
