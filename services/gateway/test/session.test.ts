import { ErrorCode } from "@agileboard/proto";
import { createProject, startTestSystem, TestClient, type TestSystem } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("token expiry and refresh", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory" });
  });
  afterAll(async () => system?.stop());

  it("ends a session whose token expires with UNAUTHENTICATED and close 4001", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token({ expiresInS: 2 }));
    const { code } = await client.closed;
    expect(code).toBe(4001);
    const last = client.unsolicited.at(-1)?.payload;
    expect(last?.$case === "error" && last.value.code).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
  });

  it("keeps a session past the old expiry after RefreshToken with a newer token", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token({ userId: "alice", expiresInS: 2 }));
    const refreshed = await client.expect("tokenRefreshed", { $case: "refreshToken", value: { token: await system.auth.token({ userId: "alice", expiresInS: 600 }) } });
    expect(refreshed.expiresAtMs).toBeGreaterThan(Date.now() + 500_000);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(client.closeInfo).toBeUndefined();
    await createProject(client);
    client.close();
  });

  it("refuses a refresh token for another user and keeps the old expiry", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token({ userId: "alice", expiresInS: 2 }));
    const error = await client.expectError({ $case: "refreshToken", value: { token: await system.auth.token({ userId: "mallory", expiresInS: 600 }) } });
    expect(error.code).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    const { code } = await client.closed;
    expect(code).toBe(4001);
  });

  it("refuses an invalid refresh token without closing the socket", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token());
    const error = await client.expectError({ $case: "refreshToken", value: { token: "garbage" } });
    expect(error.code).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    await client.expect("pong", { $case: "ping", value: { clientTimeMs: 1 } });
    client.close();
  });
});
