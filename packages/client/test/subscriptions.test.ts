import { startTestSystem, waitFor, type TestSystem } from "@agileboard/testkit";
import { connect as connectNats } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgileboardError, ProjectRole, WorkItemType, type AgileboardClient, type AgileboardEvent } from "../src/index.js";
import { ClientPool, createProject, recordStatuses } from "./helpers.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

/** The title of a work item event; undefined for other events. */
const titleOf = (e: AgileboardEvent) => (e.change?.$case === "workItemCreated" || e.change?.$case === "workItemUpdated" ? e.change.value.title : undefined);
const workItemEvents = (events: AgileboardEvent[]) => events.filter((e) => titleOf(e) !== undefined);

function createItem(client: AgileboardClient, projectId: string, title: string) {
  return client.request("createWorkItem", { projectId, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title });
}

/** Drops every stored event below `sequence`, as retention does to old ones. */
async function purgeEventsBefore(natsUrl: string, sequence: number): Promise<void> {
  const nc = await connectNats({ servers: natsUrl });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.purge("AGILEBOARD_EVENTS", { seq: sequence });
  await nc.close();
}

describe("client subscriptions against the gateway", () => {
  let system: TestSystem;
  let proxy: TcpProxy;
  const pool = new ClientPool(() => system);
  /** A client behind the proxy that notices a dead socket quickly. */
  const watcher = () => pool.online({ url: proxy.url, heartbeatIntervalMs: 200, heartbeatTimeoutMs: 1_000, connectTimeoutMs: 1_000, backoff: { initialMs: 50, maxMs: 500 } });

  beforeAll(async () => {
    system = await startTestSystem({ bus: "nats" });
    proxy = await startTcpProxy(system.url);
  });
  afterAll(async () => {
    await pool.closeAll();
    await proxy?.close();
    await system?.stop();
  });

  it("resumes after the connection is cut with no gap and no duplicate", async () => {
    const alice = await pool.online();
    const project = await createProject(alice);
    const bob = await watcher();
    const statuses = recordStatuses(bob);
    const received: AgileboardEvent[] = [];
    const unsubscribe = bob.subscribe(project.id, (e) => received.push(e));
    await unsubscribe.ready;
    for (const t of ["before 1", "before 2"]) await createItem(alice, project.id, t);
    await waitFor(() => received.length === 2, 5_000, "the first two events");

    // The network goes: the socket is cut and new connections get nowhere while alice works on.
    proxy.setMode("blackhole");
    proxy.cutAll();
    await waitFor(() => bob.state.status === "reconnecting", 5_000, "bob to notice");
    for (let i = 1; i <= 5; i++) await createItem(alice, project.id, `missed ${i}`);
    const connectionsBefore = proxy.connections;
    proxy.setMode("forward");
    await waitFor(() => received.length >= 7, 10_000, `the missed events (have ${received.length})`);
    expect(proxy.connections).toBeGreaterThan(connectionsBefore);

    // Anything doubled would have arrived before this last, live event.
    await createItem(alice, project.id, "after");
    await waitFor(() => received.some((e) => titleOf(e) === "after"), 5_000, "the live event after the resume");
    expect(received.map(titleOf)).toEqual(["before 1", "before 2", "missed 1", "missed 2", "missed 3", "missed 4", "missed 5", "after"]);
    const sequences = received.map((e) => e.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(statuses).toEqual(["online", "reconnecting", "online"]);
  });

  it("asks for a resync when what was missed is no longer retained, and continues from the head", async () => {
    const alice = await pool.online();
    const project = await createProject(alice);
    const observer = await pool.online();
    const seenByObserver: AgileboardEvent[] = [];
    await observer.subscribe(project.id, (e) => seenByObserver.push(e)).ready;
    const bob = await watcher();
    const received: AgileboardEvent[] = [];
    const resyncs: { projectId: string; headSequence: number }[] = [];
    await bob.subscribe(project.id, { onEvent: (e) => received.push(e), onResync: (r) => resyncs.push(r) }).ready;
    await createItem(alice, project.id, "seen");
    await waitFor(() => received.length === 1, 5_000, "the first event");

    proxy.setMode("blackhole");
    proxy.cutAll();
    await waitFor(() => bob.state.status === "reconnecting", 5_000, "bob to notice");
    for (const t of ["gone 1", "gone 2", "kept"]) await createItem(alice, project.id, t);
    await waitFor(() => workItemEvents(seenByObserver).length === 4, 5_000, "the observer to see every event");
    const kept = workItemEvents(seenByObserver)[3]?.sequence ?? 0;
    // Retention took everything before "kept": bob's resume point is older than the log.
    await purgeEventsBefore(system.natsUrl ?? "", kept);
    proxy.setMode("forward");

    await waitFor(() => resyncs.length === 1, 10_000, "the resync");
    expect(resyncs[0]?.projectId).toBe(project.id);
    expect(resyncs[0]?.headSequence).toBeGreaterThanOrEqual(kept);
    await createItem(alice, project.id, "live");
    await waitFor(() => received.some((e) => titleOf(e) === "live"), 5_000, "the live event after the resync");
    expect(received.map(titleOf)).toEqual(["seen", "live"]);
    expect(received[1]?.sequence).toBeGreaterThan(resyncs[0]?.headSequence ?? 0);
  });

  it("shares one subscription between handlers and keeps the others when one unsubscribes", async () => {
    const alice = await pool.online();
    const project = await createProject(alice);
    const bob = await pool.online();
    const first: AgileboardEvent[] = [];
    const second: AgileboardEvent[] = [];
    const stopFirst = bob.subscribe(project.id, (e) => first.push(e));
    const stopSecond = bob.subscribe(project.id, (e) => second.push(e));
    expect(stopFirst.ready).toBe(stopSecond.ready);
    await stopSecond.ready;
    await createItem(alice, project.id, "one");
    await waitFor(() => first.length === 1 && second.length === 1, 5_000, "both handlers");
    stopFirst();
    await createItem(alice, project.id, "two");
    await waitFor(() => second.length === 2, 5_000, "the remaining handler");
    // Both handlers hear an event in the same call, so the first would have it by now.
    expect(workItemEvents(first).map(titleOf)).toEqual(["one"]);
    stopSecond();
  });

  it("rejects ready and calls onError when the server refuses the subscription", async () => {
    const alice = await pool.online({ claims: { userId: "alice" } });
    const project = await createProject(alice);
    const mallory = await pool.online({ claims: { userId: "mallory" } });
    const errors: AgileboardError[] = [];
    const unsubscribe = mallory.subscribe(project.id, { onEvent: () => undefined, onError: (e) => errors.push(e) });
    const refused = await unsubscribe.ready.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AgileboardError);
    expect(["NOT_FOUND", "PERMISSION_DENIED"]).toContain((refused as AgileboardError).code);
    expect(errors).toEqual([refused]);
  });

  it("ends the subscription of a member who is removed, with PERMISSION_DENIED", async () => {
    const alice = await pool.online({ claims: { userId: "alice" } });
    const project = await createProject(alice);
    await alice.request("addProjectMember", { projectId: project.id, userId: "bob", role: ProjectRole.PROJECT_ROLE_VIEWER });
    const bob = await pool.online({ claims: { userId: "bob" } });
    const errors: AgileboardError[] = [];
    await bob.subscribe(project.id, { onEvent: () => undefined, onError: (e) => errors.push(e) }).ready;
    await alice.request("removeProjectMember", { projectId: project.id, userId: "bob" });
    await waitFor(() => errors.length === 1, 5_000, "the revocation");
    expect(errors[0]?.code).toBe("PERMISSION_DENIED");
  });
});
