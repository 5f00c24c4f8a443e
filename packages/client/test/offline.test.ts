import { startTestSystem, waitFor, type TestSystem } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgileboardError, memoryQueueStore, WorkItemType, type AgileboardClient, type PendingMutation, type ReplayFailure } from "../src/index.js";
import { ClientPool, createProject, FakeWindow } from "./helpers.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

const titleOf = (m: PendingMutation) => (m.request.$case === "createWorkItem" ? m.request.value.title : m.request.$case);

function createItem(client: AgileboardClient, projectId: string, title: string, messageId?: string) {
  return client.request("createWorkItem", { projectId, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title }, messageId ? { messageId } : {});
}

/** Titles of a project's live items by number (the order they were created in). */
async function titlesByNumber(client: AgileboardClient, projectId: string): Promise<string[]> {
  const list = await client.request("listWorkItems", { projectId, pageSize: 500 });
  return [...list.items].sort((a, b) => a.number - b.number).map((i) => i.title);
}

describe("the offline queue against the gateway", () => {
  let system: TestSystem;
  let proxy: TcpProxy;
  const pool = new ClientPool(() => system);
  /** A client behind the proxy that notices a dead socket quickly and retries often. */
  const behindProxy = (extra: Parameters<ClientPool["online"]>[0] = {}) =>
    pool.online({ url: proxy.url, heartbeatIntervalMs: 200, heartbeatTimeoutMs: 1_000, connectTimeoutMs: 1_000, backoff: { initialMs: 50, maxMs: 500 }, ...extra });
  /** Cuts bob off the network and waits until he knows. */
  const cutOff = async (client: AgileboardClient) => {
    proxy.setMode("blackhole");
    proxy.cutAll();
    await waitFor(() => client.state.status === "reconnecting", 5_000, "the client to notice");
  };

  beforeAll(async () => {
    system = await startTestSystem({ bus: "nats" });
    proxy = await startTcpProxy(system.url);
  });
  afterAll(async () => {
    await pool.closeAll();
    await proxy?.close();
    await system?.stop();
  });

  it("keeps mutations made while disconnected and replays each once, in order, with its message_id", async () => {
    const bob = await behindProxy();
    const project = await createProject(bob);
    await cutOff(bob);
    const counts: number[] = [];
    bob.onStateChange((s) => {
      if (counts.at(-1) !== s.pendingCount) counts.push(s.pendingCount);
    });

    const replies = ["q1", "q2", "q3", "q4", "q5"].map((t) => createItem(bob, project.id, t));
    await waitFor(() => bob.state.pendingCount === 5, 2_000, "five pending mutations");
    expect(bob.pending.map(titleOf)).toEqual(["q1", "q2", "q3", "q4", "q5"]);
    const firstId = bob.pending[0]?.messageId ?? "";
    expect(counts.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);

    proxy.setMode("forward");
    // Made while the replay may still run: it lands after the queue.
    replies.push(createItem(bob, project.id, "q6"));
    const items = await Promise.all(replies);
    expect(items.map((i) => i.title)).toEqual(["q1", "q2", "q3", "q4", "q5", "q6"]);
    expect(bob.state.pendingCount).toBe(0);
    expect(counts.at(-1)).toBe(0);

    const alice = await pool.online();
    expect(await titlesByNumber(alice, project.id)).toEqual(["q1", "q2", "q3", "q4", "q5", "q6"]);
    // The replay used the queued message_id: sending it again is answered from the server's idempotency record.
    const again = await createItem(bob, project.id, "q1", firstId);
    expect(again.id).toBe(items[0]?.id);
    expect(await titlesByNumber(alice, project.id)).toHaveLength(6);
  });

  it("replays a mutation whose reply was lost, and it lands exactly once", async () => {
    const bob = await behindProxy();
    const project = await createProject(bob);
    proxy.setMode("drop-replies");
    const reply = createItem(bob, project.id, "in flight");
    await waitFor(() => bob.state.status === "reconnecting", 5_000, "the heartbeat to find the dead socket");
    expect(bob.pending.map(titleOf)).toEqual(["in flight"]);
    proxy.setMode("forward");
    const item = await reply;
    expect(item.title).toBe("in flight");
    const alice = await pool.online();
    expect(await titlesByNumber(alice, project.id)).toEqual(["in flight"]);
  });

  it("replays a mutation sent into a socket that was already dead", async () => {
    const bob = await behindProxy({ heartbeatIntervalMs: 1_000 });
    const project = await createProject(bob);
    proxy.setMode("blackhole");
    expect(bob.state.status).toBe("online");
    const reply = createItem(bob, project.id, "into the void");
    await waitFor(() => bob.state.status === "reconnecting", 5_000, "the dead socket to be found");
    proxy.setMode("forward");
    expect((await reply).title).toBe("into the void");
    const alice = await pool.online();
    expect(await titlesByNumber(alice, project.id)).toEqual(["into the void"]);
  });

  it("surfaces a replayed mutation that fails with CONFLICT and carries on with the rest", async () => {
    const alice = await pool.online();
    const bob = await behindProxy();
    const project = await createProject(bob);
    const item = await createItem(bob, project.id, "contested");
    const failures: ReplayFailure[] = [];
    bob.on("replayFailed", (f) => failures.push(f));
    await cutOff(bob);

    const update = bob.request("updateWorkItem", { workItemId: item.id, expectedVersion: item.version, title: "bob's title" });
    const after = createItem(bob, project.id, "after the conflict");
    await waitFor(() => bob.state.pendingCount === 2, 2_000, "two pending mutations");
    await alice.request("updateWorkItem", { workItemId: item.id, expectedVersion: item.version, title: "alice's title" });
    proxy.setMode("forward");

    const refused = await update.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AgileboardError);
    expect(refused).toMatchObject({ code: "CONFLICT", currentVersion: 2 });
    expect((await after).title).toBe("after the conflict");
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error).toBe(refused);
    expect(failures[0]?.mutation.request).toMatchObject({ $case: "updateWorkItem", value: { workItemId: item.id, title: "bob's title" } });
    expect((await alice.request("getWorkItem", { workItemId: item.id })).title).toBe("alice's title");
  });

  it("replays what a closed client left in its store when the next client opens it (a reload)", async () => {
    const store = memoryQueueStore();
    const network = new FakeWindow();
    const first = await pool.online({ queue: store, networkEvents: network });
    const project = await createProject(first);
    network.fire("offline");
    const lost = [createItem(first, project.id, "r1"), createItem(first, project.id, "r2")];
    await waitFor(() => first.state.pendingCount === 2, 2_000, "two pending mutations");
    await first.close();
    await Promise.allSettled(lost);

    const second = pool.open({ queue: store });
    // The new client made none of these requests, so only `answered` tells it their results.
    const answers: { title: string; pendingAtAnswer: number }[] = [];
    second.on("answered", ({ reply }) => {
      if (reply.$case === "workItem") answers.push({ title: reply.value.title, pendingAtAnswer: second.pending.length });
    });
    // Seen through the listener: online at once, the client may load and replay both between two polls.
    const pendingSeen: number[] = [];
    second.onStateChange((state) => pendingSeen.push(state.pendingCount));
    await waitFor(() => second.state.pendingCount === 2 || pendingSeen.includes(2), 5_000, "the stored mutations to load");
    await second.whenOnline();
    await waitFor(() => second.state.pendingCount === 0, 5_000, "the replay");
    expect(await titlesByNumber(second, project.id)).toEqual(["r1", "r2"]);
    expect(await store.load()).toEqual([]);
    // Told before each left the queue: a view can show the result without flickering back.
    expect(answers).toEqual([
      { title: "r1", pendingAtAnswer: 2 },
      { title: "r2", pendingAtAnswer: 1 },
    ]);
  });

  it("does not replay another user's mutations from a shared store", async () => {
    const store = memoryQueueStore();
    const network = new FakeWindow();
    const alice = await pool.online({ queue: store, networkEvents: network, claims: { userId: "alice" } });
    const project = await createProject(alice);
    network.fire("offline");
    void createItem(alice, project.id, "alice's").catch(() => undefined);
    await waitFor(() => alice.state.pendingCount === 1, 2_000, "the pending mutation");
    await alice.close();

    const mallory = pool.open({ queue: store, claims: { userId: "mallory" } });
    const failures: ReplayFailure[] = [];
    mallory.on("replayFailed", (f) => failures.push(f));
    await waitFor(() => failures.length === 1, 5_000, "the refusal");
    expect(failures[0]?.error.code).toBe("PERMISSION_DENIED");
    expect(mallory.state.pendingCount).toBe(0);
    const aliceAgain = await pool.online({ claims: { userId: "alice" } });
    expect(await titlesByNumber(aliceAgain, project.id)).toEqual([]);
  });
});
