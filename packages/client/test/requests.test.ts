import { startTestSystem, waitFor, type TestSystem } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgileboardError, ClientClosedError, memoryQueueStore, OfflineError, ProjectRole, TimeoutError, WorkItemStatus, WorkItemType } from "../src/index.js";
import { ClientPool, createProject, FakeWindow } from "./helpers.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

describe("client requests against the gateway", () => {
  let system: TestSystem;
  let proxy: TcpProxy;
  const pool = new ClientPool(() => system);

  beforeAll(async () => {
    system = await startTestSystem({ bus: "nats" });
    proxy = await startTcpProxy(system.url);
  });
  afterAll(async () => {
    await pool.closeAll();
    await proxy?.close();
    await system?.stop();
  });

  it("resolves a request with its typed reply", async () => {
    const client = await pool.online();
    const project = await createProject(client, "Typed");
    expect(project.name).toBe("Typed");
    expect(project.version).toBe(1);
    const item = await client.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "Fix login" });
    expect(item.number).toBe(1);
    expect(item.status).toBe(WorkItemStatus.WORK_ITEM_STATUS_BACKLOG);
    const moved = await client.request("moveWorkItem", { workItemId: item.id, expectedVersion: item.version, status: WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS });
    expect(moved.version).toBe(2);
    const list = await client.request("listWorkItems", { projectId: project.id });
    expect(list.items.map((i) => i.id)).toEqual([item.id]);
  });

  it("matches each of many concurrent replies to its own request", async () => {
    const client = await pool.online();
    const project = await createProject(client);
    const titles = Array.from({ length: 40 }, (_, i) => `item ${i}`);
    const created = await Promise.all(titles.map((title) => client.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title })));
    expect(created.map((i) => i.title)).toEqual(titles);
    expect(new Set(created.map((i) => i.number)).size).toBe(titles.length);
    const fetched = await Promise.all([...created].reverse().map((i) => client.request("getWorkItem", { workItemId: i.id })));
    expect(fetched.map((i) => i.title)).toEqual([...titles].reverse());
  });

  it("rejects a CONFLICT with the row's current version", async () => {
    const client = await pool.online();
    const project = await createProject(client);
    const item = await client.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "Race" });
    await client.request("updateWorkItem", { workItemId: item.id, expectedVersion: 1, title: "Won" });
    const error = await client.request("updateWorkItem", { workItemId: item.id, expectedVersion: 1, title: "Lost" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgileboardError);
    expect(error).toMatchObject({ code: "CONFLICT", currentVersion: 2 });
  });

  it("rejects an INVALID_ARGUMENT naming the fields", async () => {
    const client = await pool.online();
    const error = await client.request("createProject", { key: "lower case", name: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgileboardError);
    if (!(error instanceof AgileboardError)) return;
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.violations.map((v) => v.field).sort()).toEqual(["key", "name"]);
    expect(error.currentVersion).toBeUndefined();
  });

  it("rejects a PERMISSION_DENIED for a viewer's write", async () => {
    const alice = await pool.online({ claims: { userId: "alice" } });
    const project = await createProject(alice);
    await alice.request("addProjectMember", { projectId: project.id, userId: "vic", role: ProjectRole.PROJECT_ROLE_VIEWER });
    const vic = await pool.online({ claims: { userId: "vic" } });
    const readable = await vic.request("listWorkItems", { projectId: project.id });
    expect(readable.items).toEqual([]);
    const error = await vic.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "Nope" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgileboardError);
    expect(error).toMatchObject({ code: "PERMISSION_DENIED" });
    expect(vic.state.pendingCount).toBe(0);
  });

  it("rejects a read with TimeoutError when no reply comes in time, and the connection stays up", async () => {
    const client = await pool.online({ url: proxy.url, heartbeatIntervalMs: 0 });
    const project = await createProject(client);
    proxy.setMode("drop-replies");
    try {
      const error = await client.request("listWorkItems", { projectId: project.id }, { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(client.state.status).toBe("online");
    } finally {
      proxy.setMode("forward");
    }
  });

  it("fails a read at once with OfflineError while offline", async () => {
    const network = new FakeWindow();
    const client = await pool.online({ networkEvents: network, backoff: { initialMs: 60_000 } });
    network.fire("offline");
    expect(client.state.status).toBe("offline");
    await expect(client.request("listProjects", {})).rejects.toBeInstanceOf(OfflineError);
    network.fire("online");
    await client.whenOnline();
    const projects = await client.request("listProjects", {});
    expect(Array.isArray(projects.projects)).toBe(true);
  });

  it("refuses the cases the client runs itself", async () => {
    const client = await pool.online();
    // @ts-expect-error subscribe is not a request() case
    await expect(client.request("subscribe", { projectIds: [] })).rejects.toThrow(/run by the client itself/);
  });

  it("closes its socket and its listeners on close, and takes no more requests", async () => {
    const network = new FakeWindow();
    const before = await gatewayConnections(system);
    const client = await pool.online({ networkEvents: network });
    await waitFor(async () => (await gatewayConnections(system)) === before + 1, 2_000, "the gateway to count the connection");
    expect(network.listening.get("offline")).toBe(1);
    await client.close();
    expect(client.state.status).toBe("closed");
    expect(network.listening.get("offline")).toBe(0);
    expect(network.listening.get("online")).toBe(0);
    await expect(client.request("listProjects", {})).rejects.toBeInstanceOf(ClientClosedError);
    await waitFor(async () => (await gatewayConnections(system)) === before, 2_000, "the gateway to see the socket close");
  });

  it("rejects the promises of queued mutations on close and leaves them in the store", async () => {
    const network = new FakeWindow();
    const store = memoryQueueStore();
    const client = await pool.online({ networkEvents: network, queue: store });
    const project = await createProject(client);
    network.fire("offline");
    const queued = client.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "later" });
    await waitFor(() => client.state.pendingCount === 1, 2_000, "the mutation to be queued");
    await client.close();
    await expect(queued).rejects.toBeInstanceOf(ClientClosedError);
    expect((await store.load()).map((m) => m.request.$case)).toEqual(["createWorkItem"]);
  });
});

/** The gateway's count of open WebSocket connections, from /metrics. */
async function gatewayConnections(system: TestSystem): Promise<number> {
  const text = await (await fetch(`${system.url}/metrics`)).text();
  const match = /^agileboard_gateway_connections (\d+)/m.exec(text);
  return Number(match?.[1] ?? Number.NaN);
}
