import { describe, expect, it } from "vitest";
import { memoryQueueStore, MutationQueue, type QueuedMutation, type QueueStore } from "./queue.js";
import type { AnyRequest } from "./types.js";

const create = (title: string): AnyRequest => ({
  $case: "createWorkItem",
  value: { projectId: "p", itemType: 3, title, description: "", parentId: "", priority: 0, assigneeId: "", sprintId: "", labels: [], status: 0 },
});
const mutation = (title: string) => ({ messageId: `id-${title}`, request: create(title), enqueuedAtMs: 1 });
const titles = (records: readonly { request: AnyRequest }[]) => records.map((r) => (r.request.value as { title: string }).title);

describe("MutationQueue", () => {
  it("keeps mutations in the order they were made, in memory and in the store", async () => {
    const store = memoryQueueStore();
    const queue = new MutationQueue(store, (err) => {
      throw err;
    });
    await queue.ready;
    for (const t of ["a", "b", "c", "d"]) queue.add(mutation(t));
    expect(titles(queue.entries.map((e) => e.mutation))).toEqual(["a", "b", "c", "d"]);
    await queue.flushed();
    const stored = await store.load();
    expect(titles(stored)).toEqual(["a", "b", "c", "d"]);
    expect(stored.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it("puts what a store already holds first and numbers new mutations after it", async () => {
    const store = memoryQueueStore();
    await store.put({ ...mutation("old-2"), seq: 8 });
    await store.put({ ...mutation("old-1"), seq: 5 });
    const queue = new MutationQueue(store, () => undefined);
    await queue.ready;
    const added = queue.add(mutation("new"));
    expect(added.mutation.seq).toBe(9);
    expect(titles(queue.entries.map((e) => e.mutation))).toEqual(["old-1", "old-2", "new"]);
    expect(queue.entries.map((e) => e.replayed)).toEqual([true, true, false]);
  });

  it("hands out unsent entries in order and forgets answered ones in the store too", async () => {
    const store = memoryQueueStore();
    const queue = new MutationQueue(store, () => undefined);
    await queue.ready;
    const [a, b, c] = ["a", "b", "c"].map((t) => queue.add(mutation(t)));
    if (!a || !b || !c) throw new Error("entries missing");
    expect(queue.nextUnsent()).toBe(a);
    a.sent = true;
    b.sent = true;
    expect(queue.nextUnsent()).toBe(c);
    queue.markAllUnsent();
    expect(queue.nextUnsent()).toBe(a);
    queue.remove(b);
    queue.remove(b);
    expect(queue.byMessageId("id-b")).toBeUndefined();
    expect(queue.byMessageId("id-c")).toBe(c);
    await queue.flushed();
    expect(titles(await store.load())).toEqual(["a", "c"]);
  });

  it("writes to the store one at a time, in the order the queue changed", async () => {
    const log: string[] = [];
    let inFlight = 0;
    const slow: QueueStore = {
      load: async () => [],
      put: async (m: QueuedMutation) => {
        inFlight++;
        expect(inFlight).toBe(1);
        await new Promise((r) => setTimeout(r, 3 - (m.seq % 3)));
        log.push(`put ${m.seq}`);
        inFlight--;
      },
      delete: async (seq: number) => {
        log.push(`delete ${seq}`);
      },
    };
    const queue = new MutationQueue(slow, () => undefined);
    await queue.ready;
    const entries = ["a", "b", "c"].map((t) => queue.add(mutation(t)));
    for (const e of entries) queue.remove(e);
    await queue.flushed();
    expect(log).toEqual(["put 1", "put 2", "put 3", "delete 1", "delete 2", "delete 3"]);
  });

  it("reports a failing store and keeps the queue working in memory", async () => {
    const errors: unknown[] = [];
    const broken: QueueStore = {
      load: async () => [],
      put: async () => {
        throw new Error("disk full");
      },
      delete: async () => undefined,
    };
    const queue = new MutationQueue(broken, (err) => errors.push(err));
    await queue.ready;
    queue.add(mutation("a"));
    queue.add(mutation("b"));
    await queue.flushed();
    expect(errors.map((e) => (e as Error).message)).toEqual(["disk full", "disk full"]);
    expect(queue.size).toBe(2);
  });
});

describe("memoryQueueStore", () => {
  it("returns copies, so a caller's later change does not alter what is stored", async () => {
    const store = memoryQueueStore();
    const record = { ...mutation("a"), seq: 1 };
    await store.put(record);
    (record.request.value as { title: string }).title = "changed";
    const [loaded] = await store.load();
    expect(titles(loaded ? [loaded] : [])).toEqual(["a"]);
  });
});
