// Runs in Chromium (bundled by chromium.test.ts): the SDK with the browser's own WebSocket, IndexedDB and
// window events, against the test's gateway. Reports what it saw to the page's server at POST /result.
import { connect, indexedDbQueueStore, WorkItemType, type AgileboardEvent, type QueuedMutation } from "../../src/index.js";

const page = globalThis as unknown as { location: { href: string }; dispatchEvent(event: Event): boolean };
const params = new URL(page.location.href).searchParams;
const gateway = params.get("gateway") ?? "";
const token = params.get("token") ?? "";
const database = params.get("db") ?? "smoke";
const getToken = async () => token;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const record = (seq: number): QueuedMutation => ({
  seq,
  messageId: `m${seq}`,
  request: { $case: "createProject", value: { key: `K${seq}`, name: "stored", description: "" } },
  enqueuedAtMs: seq,
});

async function run(): Promise<Record<string, unknown>> {
  // The store alone: writes survive a new connection to the database, in key order.
  const store = indexedDbQueueStore({ databaseName: `${database}-store` });
  for (const seq of [3, 1, 2]) await store.put(record(seq));
  await store.delete(2);
  store.close?.();
  const storedSeqs = (await indexedDbQueueStore({ databaseName: `${database}-store` }).load()).map((r) => r.seq);

  // The SDK: native WebSocket, bearer subprotocol, an event from another connection.
  const client = connect({ url: gateway, getToken, queue: indexedDbQueueStore({ databaseName: database }) });
  await client.whenOnline();
  const project = await client.request("createProject", { key: params.get("key") ?? "", name: "Browser" });
  const events: AgileboardEvent[] = [];
  await client.subscribe(project.id, (e) => events.push(e)).ready;
  await fetch(`/change?project=${project.id}`, { method: "POST" });
  await until(() => events.length > 0, "the event");

  // The window says offline: a mutation waits in IndexedDB; a "reloaded" client on the same database replays it.
  page.dispatchEvent(new Event("offline"));
  const statusWhenOffline = client.state.status;
  const queued = client.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "queued in IndexedDB" }).catch((e: unknown) => (e as Error).name);
  await until(() => client.state.pendingCount === 1, "the queued mutation");
  await client.close();
  const closedWith = await queued;
  page.dispatchEvent(new Event("online"));
  const reloaded = connect({ url: gateway, getToken, queue: indexedDbQueueStore({ databaseName: database }) });
  let sawPending = false;
  reloaded.onStateChange((s) => (sawPending ||= s.pendingCount === 1));
  await until(() => sawPending && reloaded.state.pendingCount === 0 && reloaded.state.status === "online", "the replay");
  const list = await reloaded.request("listWorkItems", { projectId: project.id });
  await reloaded.close();
  return {
    storedSeqs,
    eventCases: events.map((e) => e.change?.$case),
    statusWhenOffline,
    closedWith,
    titles: list.items.map((i) => i.title).sort(),
  };
}

run().then(
  (result) => fetch("/result", { method: "POST", body: JSON.stringify({ ok: true, ...result }) }),
  (err: unknown) => fetch("/result", { method: "POST", body: JSON.stringify({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) }) }),
);
