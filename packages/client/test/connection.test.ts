import { startTestSystem, TestAuth, waitFor, type TestSystem } from "@agileboard/testkit";
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AgileboardError, connect, TimeoutError, type AgileboardClient } from "../src/index.js";
import { ClientPool, createProject, FakeWindow, recordStatuses } from "./helpers.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

describe("the client's connection against the gateway", () => {
  let system: TestSystem;
  let proxy: TcpProxy;
  const pool = new ClientPool(() => system);
  const extra: AgileboardClient[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory" });
    proxy = await startTcpProxy(system.url);
  });
  afterEach(() => proxy.setMode("forward"));
  afterAll(async () => {
    await pool.closeAll();
    await Promise.all(extra.map((c) => c.close()));
    await proxy?.close();
    await system?.stop();
  });

  it("finds a socket that stays open but silent with its heartbeat, and reconnects", async () => {
    const client = await pool.online({ url: proxy.url, heartbeatIntervalMs: 200, heartbeatTimeoutMs: 1_000, connectTimeoutMs: 1_000, backoff: { initialMs: 50, maxMs: 200 } });
    const statuses = recordStatuses(client);
    const connections = proxy.connections;
    proxy.setMode("blackhole");
    await waitFor(() => client.state.status === "reconnecting", 5_000, "the dead socket to be found");
    // Every attempt into the black hole gives up at the connect timeout and tries again.
    await waitFor(() => proxy.connections >= connections + 2, 5_000, "reconnect attempts");
    proxy.setMode("forward");
    await client.whenOnline();
    await createProject(client);
    expect(statuses).toEqual(["online", "reconnecting", "online"]);
  });

  it("treats the browser's offline event as a lost connection and reconnects on online without waiting out the backoff", async () => {
    const network = new FakeWindow();
    const client = await pool.online({ networkEvents: network, backoff: { initialMs: 600_000, maxMs: 600_000, jitter: 0 } });
    const statuses = recordStatuses(client);
    network.fire("offline");
    expect(client.state.status).toBe("offline");
    const project = client.request("createProject", { key: "OFF", name: "Made offline" }).catch((e: unknown) => e);
    expect(client.state.status).toBe("offline");
    network.fire("online");
    // With a ten-minute backoff, only the online event can bring it back within the deadline.
    await waitFor(() => client.state.status === "online", 5_000, "the reconnect");
    expect(await project).toMatchObject({ name: "Made offline" });
    expect(statuses).toEqual(["online", "offline", "reconnecting", "online"]);
  });

  it("refreshes a short-lived token on the open socket before it expires", async () => {
    const client = await pool.online({ claims: { expiresInS: 3 } });
    const statuses = recordStatuses(client);
    const firstExpiry = client.tokenExpiresAtMs ?? 0;
    expect(firstExpiry).toBeGreaterThan(Date.now());
    // Each refresh comes halfway through the remaining life; four tokens outlast the first one.
    await waitFor(() => pool.tokenCalls(client) >= 4, 15_000, "three refreshes");
    expect(Date.now()).toBeGreaterThan(firstExpiry);
    expect(await createProject(client)).toMatchObject({ version: 1 });
    expect(client.tokenExpiresAtMs ?? 0).toBeGreaterThan(firstExpiry);
    expect(statuses).toEqual(["online"]);
  });

  it("gets a new token and reconnects when the server ends an expired session (4001)", async () => {
    // A provider that hands out its cached token until it has expired, so no refresh is possible in time.
    let cached: { token: string; expiresAtMs: number } | undefined;
    let calls = 0;
    const getToken = async () => {
      calls++;
      if (!cached || cached.expiresAtMs <= Date.now()) cached = { token: await system.auth.token({ expiresInS: 2 }), expiresAtMs: (Math.floor(Date.now() / 1000) + 2) * 1000 };
      return cached.token;
    };
    const client = connect({ url: system.url, getToken, WebSocket, networkEvents: null });
    extra.push(client);
    const errors: Error[] = [];
    client.on("error", (e) => errors.push(e));
    await client.whenOnline();
    const statuses = recordStatuses(client);
    await waitFor(() => statuses.length >= 3, 10_000, "the session to end and come back");
    expect(statuses.slice(0, 3)).toEqual(["online", "reconnecting", "online"]);
    expect(errors.some((e) => e instanceof AgileboardError && e.code === "UNAUTHENTICATED")).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(2);
    await client.whenOnline();
    expect(await createProject(client)).toMatchObject({ version: 1 });
  });

  it("stops at unauthenticated after the token is refused twice, instead of retrying", async () => {
    let calls = 0;
    const getToken = () => {
      calls++;
      return TestAuth.hs256Token();
    };
    const client = connect({ url: system.url, getToken, WebSocket, networkEvents: null, backoff: { initialMs: 10, maxMs: 10 } });
    extra.push(client);
    await expect(client.whenOnline()).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(client.state.status).toBe("unauthenticated");
    expect(client.state.error).toBeInstanceOf(AgileboardError);
    expect(calls).toBe(2);
    await expect(client.request("listProjects", {})).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    // Mutations still wait for a session that works.
    void client.request("createProject", { key: "LATER", name: "Later" }).catch(() => undefined);
    await waitFor(() => client.state.pendingCount === 1, 2_000, "the queued mutation");
    client.reconnect();
    await waitFor(() => client.state.status === "unauthenticated" && calls === 4, 5_000, "the second round");
  });

  it("stops at unauthenticated when getToken hands out expired tokens", async () => {
    let calls = 0;
    const getToken = () => {
      calls++;
      return system.auth.token({ expiresInS: -10 });
    };
    const client = connect({ url: system.url, getToken, WebSocket, networkEvents: null });
    extra.push(client);
    await expect(client.whenOnline()).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(calls).toBe(2);
  });

  it("waits for the first connection before a read, up to the read's timeout", async () => {
    const client = pool.open({ url: proxy.url, connectTimeoutMs: 200, backoff: { initialMs: 50, maxMs: 100 } });
    const projects = await client.request("listProjects", {});
    expect(Array.isArray(projects.projects)).toBe(true);
    proxy.setMode("blackhole");
    const never = pool.open({ url: proxy.url, connectTimeoutMs: 200, backoff: { initialMs: 50, maxMs: 100 } });
    await expect(never.request("listProjects", {}, { timeoutMs: 500 })).rejects.toBeInstanceOf(TimeoutError);
    expect(never.state.status).toBe("connecting");
  });
});

describe("the client against a gateway that closes abusive sockets", () => {
  let system: TestSystem;
  const pool = new ClientPool(() => system);

  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory", env: { WS_RATE_PER_S: "5", WS_RATE_BURST: "5" } });
  });
  afterAll(async () => {
    await pool.closeAll();
    await system?.stop();
  });

  it("reconnects after a policy close (1008) and gets its mutations through the rate limit", async () => {
    const client = await pool.online({ backoff: { initialMs: 100, maxMs: 400 } });
    const statuses = recordStatuses(client);
    const project = await createProject(client);
    // Far beyond the limit: the gateway answers RATE_LIMITED and then closes the socket with 1008.
    const reads = Array.from({ length: 60 }, () => client.request("listWorkItems", { projectId: project.id }).then(() => "ok", (e: unknown) => e));
    await waitFor(() => statuses.includes("reconnecting"), 10_000, "the policy close");
    const outcomes = await Promise.all(reads);
    expect(outcomes.some((o) => o instanceof AgileboardError && o.code === "RATE_LIMITED")).toBe(true);
    await client.whenOnline();
    // Mutations refused with RATE_LIMITED are retried after a pause, not failed.
    const items = await Promise.all(Array.from({ length: 12 }, (_, i) => client.request("createWorkItem", { projectId: project.id, itemType: 3, title: `t${i}` })));
    expect(items.map((i) => i.title)).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`));
  });
});
