import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ClientFrame, ErrorCode } from "@agileboard/proto";
import { startTestSystem, TestClient, waitFor, type TestSystem } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The client is still served after whatever just happened. */
async function expectUsable(client: TestClient): Promise<void> {
  expect(await client.expect("pong", { $case: "ping", value: { clientTimeMs: 7 } })).toEqual({ clientTimeMs: 7 });
}

describe("frames", () => {
  let system: TestSystem;
  let client: TestClient;
  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory", env: { WS_MAX_FRAME_BYTES: "65536" } });
    client = await TestClient.connect(system.url, await system.auth.token());
  });
  afterAll(async () => {
    client?.close();
    await system?.stop();
  });

  it("answers an undecodable frame with INVALID_ARGUMENT and stays usable", async () => {
    const before = client.unsolicited.length;
    client.sendRaw(Uint8Array.from([0x0a, 0xff, 0xff, 0xff]));
    await waitFor(() => client.unsolicited.length > before);
    const frame = client.unsolicited[before];
    expect(frame?.payload?.$case).toBe("error");
    if (frame?.payload?.$case === "error") expect(frame.payload.value.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    await expectUsable(client);
  });

  it("answers a text frame with INVALID_ARGUMENT and stays usable", async () => {
    const before = client.unsolicited.length;
    client.sendText("hello");
    await waitFor(() => client.unsolicited.length > before);
    const frame = client.unsolicited[before];
    expect(frame?.payload?.$case === "error" && frame.payload.value.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    await expectUsable(client);
  });

  it("answers an unknown request case with UNIMPLEMENTED, echoing the message_id", async () => {
    const bytes = new BinaryWriter().tag(1, WireType.LengthDelimited).string("m-unknown").tag(999, WireType.LengthDelimited).bytes(new Uint8Array(0)).finish();
    const frame = await client.requestRaw(bytes, "m-unknown");
    expect(frame.payload).toMatchObject({ $case: "error", value: { code: ErrorCode.ERROR_CODE_UNIMPLEMENTED } });
    await expectUsable(client);
  });

  it("answers a frame without a request with INVALID_ARGUMENT", async () => {
    const frame = await client.requestRaw(ClientFrame.encode({ messageId: "m-empty", request: undefined }).finish(), "m-empty");
    expect(frame).toMatchObject({ payload: { $case: "error", value: { code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT } } });
  });

  it("answers a request without message_id with INVALID_ARGUMENT naming the field", async () => {
    const before = client.unsolicited.length;
    client.sendRaw(ClientFrame.encode({ messageId: "", request: { $case: "listProjects", value: { includeArchived: false, pageSize: 0, pageToken: "" } } }).finish());
    await waitFor(() => client.unsolicited.length > before);
    const payload = client.unsolicited[before]?.payload;
    expect(payload?.$case).toBe("error");
    if (payload?.$case === "error") {
      expect(payload.value.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
      expect(payload.value.violations.map((v) => v.field)).toContain("message_id");
    }
  });

  it("answers a request body that is not its message with INVALID_ARGUMENT", async () => {
    // create_project (20) carrying bytes that do not decode as CreateProjectRequest.
    const bytes = new BinaryWriter().tag(1, WireType.LengthDelimited).string("m-bad-body").tag(20, WireType.LengthDelimited).bytes(Uint8Array.from([0x0a, 0x05, 0x41])).finish();
    const frame = await client.requestRaw(bytes, "m-bad-body");
    expect(frame.payload).toMatchObject({ $case: "error", value: { code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT } });
    await expectUsable(client);
  });

  it("names every invalid field of a request", async () => {
    const error = await client.expectError({ $case: "createProject", value: { key: "lower", name: "", description: "" } });
    expect(error.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(error.violations.map((v) => v.field).sort()).toEqual(["key", "name"]);
  });

  it("closes the socket with 1009 on a frame over the limit", async () => {
    const big = await TestClient.connect(system.url, await system.auth.token());
    big.sendRaw(new Uint8Array(70_000));
    const { code } = await big.closed;
    expect(code).toBe(1009);
  });
});

describe("dead peers", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory", env: { WS_PING_INTERVAL_MS: "200" } });
  });
  afterAll(async () => system?.stop());

  it("keeps a peer that answers pings, and drops one that stops answering", async () => {
    const alive = await TestClient.connect(system.url, await system.auth.token());
    const dead = await TestClient.connect(system.url, await system.auth.token());
    const openConnections = async () => Number(/agileboard_gateway_connections (\d+)/.exec(await (await fetch(`${system.url}/metrics`)).text())?.[1]);
    expect(await openConnections()).toBe(2);
    // A paused socket reads nothing, so it never answers the server's pings: a half-open peer.
    dead.socket.pause();
    await waitFor(async () => (await openConnections()) === 1, 5_000, "the gateway to drop the silent peer");
    dead.socket.resume();
    expect((await dead.closed).code).toBe(1006);
    expect(alive.closeInfo).toBeUndefined();
    await expectUsable(alive);
    alive.close();
  });
});

describe("rate limit", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory", env: { WS_RATE_PER_S: "10", WS_RATE_BURST: "20" } });
  });
  afterAll(async () => system?.stop());

  it("answers frames beyond the burst with RATE_LIMITED and keeps the socket", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token());
    const replies = await Promise.all(Array.from({ length: 30 }, () => client.request({ $case: "ping", value: { clientTimeMs: 0 } })));
    const limited = replies.filter((f) => f.payload?.$case === "error" && f.payload.value.code === ErrorCode.ERROR_CODE_RATE_LIMITED);
    const pongs = replies.filter((f) => f.payload?.$case === "pong");
    expect(pongs.length).toBeGreaterThanOrEqual(20);
    expect(limited.length).toBeGreaterThan(0);
    expect(pongs.length + limited.length).toBe(30);
    await new Promise((r) => setTimeout(r, 300));
    await expectUsable(client);
    client.close();
  });

  it("closes with 1008 when a client keeps sending after being limited", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token());
    for (let i = 0; i < 200; i++) client.sendRaw(ClientFrame.encode({ messageId: `flood-${i}`, request: { $case: "ping", value: { clientTimeMs: 0 } } }).finish());
    const { code } = await client.closed;
    expect(code).toBe(1008);
  });
});

describe("connection limits", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory", env: { WS_MAX_CONNECTIONS_PER_TENANT: "2", WS_MAX_CONNECTIONS: "3" } });
  });
  afterAll(async () => system?.stop());

  it("refuses a tenant's connection beyond its limit with 503, and frees the slot on close", async () => {
    const a = await TestClient.connect(system.url, await system.auth.token({ tenantId: "t1" }));
    const b = await TestClient.connect(system.url, await system.auth.token({ tenantId: "t1" }));
    await expect(TestClient.connect(system.url, await system.auth.token({ tenantId: "t1" }))).rejects.toMatchObject({ status: 503 });
    // Another tenant still gets in.
    const c = await TestClient.connect(system.url, await system.auth.token({ tenantId: "t2" }));
    // The replica is full now.
    await expect(TestClient.connect(system.url, await system.auth.token({ tenantId: "t3" }))).rejects.toMatchObject({ status: 503 });
    a.close();
    await a.closed;
    await waitFor(async () => {
      try {
        (await TestClient.connect(system.url, await system.auth.token({ tenantId: "t1" }))).close();
        return true;
      } catch {
        return false;
      }
    });
    b.close();
    c.close();
  });
});
