import { startTestSystem, TestAuth, TestClient, UpgradeRefused, type TestSystem } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

async function refusal(promise: Promise<TestClient>): Promise<UpgradeRefused> {
  try {
    const client = await promise;
    client.close();
  } catch (err) {
    if (err instanceof UpgradeRefused) return err;
    throw err;
  }
  throw new Error("the upgrade was accepted");
}

describe("WebSocket upgrade authentication", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory" });
  });
  afterAll(async () => system?.stop());

  it("refuses an upgrade without a token with 401", async () => {
    const err = await refusal(TestClient.connect(system.url, undefined));
    expect(err.status).toBe(401);
  });

  it("refuses an HS256 token with 401", async () => {
    const err = await refusal(TestClient.connect(system.url, await TestAuth.hs256Token()));
    expect(err.status).toBe(401);
    expect(err.body).toMatch(/algorithm/);
  });

  it("refuses an expired token with 401", async () => {
    const err = await refusal(TestClient.connect(system.url, await system.auth.token({ expiresInS: -60 })));
    expect(err.status).toBe(401);
    expect(err.body).toMatch(/expired/);
  });

  it.each([
    ["with a dot", "acme.corp"],
    ["with a wildcard", "acme*"],
    ["upper-case", "Acme"],
    ["empty", ""],
    ["too long", "a".repeat(64)],
  ])("refuses a tenant id %s with 401", async (_label, tenantId) => {
    const err = await refusal(TestClient.connect(system.url, await system.auth.token({ extra: { tenant_id: tenantId } })));
    expect(err.status).toBe(401);
    expect(err.body).toMatch(/tenant_id/);
  });

  it("refuses a token without exp with 401", async () => {
    const err = await refusal(TestClient.connect(system.url, await system.auth.token({ expiresInS: null })));
    expect(err.status).toBe(401);
    expect(err.body).toMatch(/exp/);
  });

  it("refuses a token signed by an unknown key with 401", async () => {
    const otherAuth = await TestAuth.create(system.dataDir);
    const err = await refusal(TestClient.connect(system.url, await otherAuth.token()));
    expect(err.status).toBe(401);
  });

  it("refuses garbage with 401", async () => {
    const err = await refusal(TestClient.connect(system.url, "not-a-jwt"));
    expect(err.status).toBe(401);
  });

  it("accepts a token in the Authorization header", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token());
    expect(await client.expect("pong", { $case: "ping", value: { clientTimeMs: 42 } })).toEqual({ clientTimeMs: 42 });
    client.close();
  });

  it("accepts a bearer.<jwt> subprotocol and selects agileboard.v1", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token(), { via: "subprotocol" });
    expect(client.socket.protocol).toBe("agileboard.v1");
    await client.expect("pong", { $case: "ping", value: { clientTimeMs: 1 } });
    client.close();
  });

  it("accepts user id from sub when user_id is absent", async () => {
    const token = await system.auth.token({ extra: { user_id: undefined, sub: "carol" } });
    const client = await TestClient.connect(system.url, token);
    const project = await client.expect("project", { $case: "createProject", value: { key: "SUB1", name: "By sub", description: "" } });
    expect(project.createdBy).toBe("carol");
    client.close();
  });
});

describe("issuer and audience", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory", env: { AUTH_ISSUER: "https://idp.example", AUTH_AUDIENCE: "agileboard" } });
  });
  afterAll(async () => system?.stop());

  it("accepts a token with the configured iss and aud", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token({ issuer: "https://idp.example", audience: "agileboard" }));
    client.close();
  });

  it("refuses a token from another issuer with 401", async () => {
    const err = await refusal(TestClient.connect(system.url, await system.auth.token({ issuer: "https://evil.example", audience: "agileboard" })));
    expect(err.status).toBe(401);
    expect(err.body).toMatch(/iss/);
  });

  it("refuses a token for another audience with 401", async () => {
    const err = await refusal(TestClient.connect(system.url, await system.auth.token({ issuer: "https://idp.example", audience: "other" })));
    expect(err.status).toBe(401);
    expect(err.body).toMatch(/aud/);
  });
});
