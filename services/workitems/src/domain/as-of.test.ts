import type { Activity } from "@agileboard/proto";
import { describe, expect, it } from "vitest";
import { parseValue } from "../wire.js";
import { commentAsOf, dependencyExistedAt, itemAsOf, timeEntryAsOf, type AsOfLookups } from "./as-of.js";
import type { WorkItem } from "./work-item.js";

const item: WorkItem = {
  id: "i1",
  projectId: "p1",
  number: 7,
  itemType: "story",
  parentId: "e1",
  title: "Now",
  description: "desc now",
  status: "done",
  priority: "high",
  assigneeId: "bob",
  storyPoints: 5,
  sprintId: "s2",
  rank: "a5",
  labels: ["x", "y"],
  version: 5,
  createdAt: 100,
  createdBy: "alice",
  updatedAt: 400,
  updatedBy: "bob",
  deletedAt: null,
};

const row = (at: number, action: string, fieldName = "", oldValue = "", newValue = "", userId = "bob"): Activity => ({
  id: `r${at}${fieldName}`,
  entityType: "work_item",
  entityId: "i1",
  projectId: "p1",
  action,
  fieldName,
  oldValue,
  newValue,
  userId,
  atMs: at,
});

/** Lookups as the audit trail would answer them for the rows below. */
const lookups = (changes: { atMs: number; userId: string }[], deletions: number[] = []): ((asOf: number) => AsOfLookups) => (asOf) => ({
  lastChange: () => changes.filter((c) => c.atMs <= asOf).at(-1),
  lastDeletedAt: () => deletions.filter((d) => d <= asOf).at(-1),
});

describe("itemAsOf", () => {
  // created at 100 by alice; 200: title Before → Middle, status todo → in_progress (alice); 300: title Middle → Now,
  // points null → 5, labels x → x,y (bob); 400: status in_progress → done, assignee "" → bob (bob).
  const rows = [
    row(200, "updated", "title", "Before", "Middle", "alice"),
    row(200, "updated", "status", "WORK_ITEM_STATUS_TODO", "WORK_ITEM_STATUS_IN_PROGRESS", "alice"),
    row(300, "updated", "title", "Middle", "Now"),
    row(300, "updated", "story_points", "", "5"),
    row(300, "updated", "labels", "x", "x,y"),
    row(400, "updated", "status", "WORK_ITEM_STATUS_IN_PROGRESS", "WORK_ITEM_STATUS_DONE"),
    row(400, "updated", "assignee_id", "", "bob"),
  ];
  const at = lookups([
    { atMs: 100, userId: "alice" },
    { atMs: 200, userId: "alice" },
    { atMs: 300, userId: "bob" },
    { atMs: 400, userId: "bob" },
  ]);
  const asOf = (t: number) => itemAsOf(item, rows.filter((r) => r.atMs > t), t, at(t), parseValue);

  it.each([
    [150, { title: "Before", status: "todo", storyPoints: null, labels: ["x"], assigneeId: null, version: 2, updatedAt: 100, updatedBy: "alice" }],
    [200, { title: "Middle", status: "in_progress", storyPoints: null, labels: ["x"], assigneeId: null, version: 3, updatedAt: 200, updatedBy: "alice" }],
    [350, { title: "Now", status: "in_progress", storyPoints: 5, labels: ["x", "y"], assigneeId: null, version: 4, updatedAt: 300, updatedBy: "bob" }],
    [500, { title: "Now", status: "done", storyPoints: 5, labels: ["x", "y"], assigneeId: "bob", version: 5, updatedAt: 400, updatedBy: "bob" }],
  ])("rebuilds the fields of time %i", (t, expected) => {
    expect(asOf(t)).toMatchObject({ ...expected, id: "i1", number: 7, itemType: "story", priority: "high", sprintId: "s2" });
  });

  it("says an item created after the time did not exist", () => {
    expect(itemAsOf(item, [], 99, at(99), parseValue)).toBeUndefined();
  });

  it("undoes a deletion after the time and keeps one before it", () => {
    const deleted = { ...item, deletedAt: 300, version: 2 };
    const deletion = [row(300, "deleted")];
    const l = lookups([{ atMs: 300, userId: "bob" }], [300]);
    expect(itemAsOf(deleted, deletion, 250, l(250), parseValue)?.deletedAt).toBeNull();
    expect(itemAsOf(deleted, [], 350, l(350), parseValue)?.deletedAt).toBe(300);
  });

  it("puts back the deletion a later restore undid", () => {
    const restored = { ...item, deletedAt: null, rank: "a9", version: 3 };
    const rowsAfter = [row(400, "restored"), row(400, "updated", "rank", "a5", "a9")];
    const l = lookups([{ atMs: 300, userId: "bob" }], [300]);
    expect(itemAsOf(restored, rowsAfter, 350, l(350), parseValue)).toMatchObject({ deletedAt: 300, rank: "a5", version: 2 });
  });
});

describe("commentAsOf", () => {
  const comment = { id: "c1", workItemId: "i1", projectId: "p1", authorId: "alice", body: "v3", version: 4, createdAt: 100, updatedAt: 400, deletedAt: 400 };
  const rows = [
    { ...row(200, "updated", "body", "v1", "v2"), entityId: "c1", entityType: "comment" },
    { ...row(300, "updated", "body", "v2", "v3"), entityId: "c1", entityType: "comment" },
    { ...row(400, "deleted"), entityId: "c1", entityType: "comment" },
  ];
  const l = lookups([{ atMs: 100, userId: "alice" }, { atMs: 200, userId: "alice" }, { atMs: 300, userId: "alice" }]);
  it.each([
    [50, undefined],
    [150, { body: "v1", deletedAt: null, version: 1 }],
    [250, { body: "v2", deletedAt: null, version: 2 }],
    [350, { body: "v3", deletedAt: null, version: 3 }],
  ])("at %i is %j", (t, expected) => {
    const then = commentAsOf(comment, rows.filter((r) => r.atMs > t), t, l(t));
    if (expected === undefined) expect(then).toBeUndefined();
    else expect(then).toMatchObject(expected);
  });
});

describe("timeEntryAsOf and dependencyExistedAt", () => {
  const timer = { id: "t1", workItemId: "i1", projectId: "p1", userId: "bob", startedAt: 100, endedAt: 300, durationMs: 200, note: "", version: 2, createdAt: 100, deletedAt: 500 };
  it.each([
    [50, undefined],
    [200, { endedAt: null, durationMs: 0 }],
    [400, { endedAt: 300, durationMs: 200 }],
    [600, undefined],
  ])("a timer at %i is %j", (t, expected) => {
    const then = timeEntryAsOf(timer, t);
    if (expected === undefined) expect(then).toBeUndefined();
    else expect(then).toMatchObject(expected);
  });

  it("keeps a logged entry finished from its creation", () => {
    expect(timeEntryAsOf({ ...timer, startedAt: 10, endedAt: 90, durationMs: 80, createdAt: 100, deletedAt: null }, 150)).toMatchObject({ endedAt: 90, durationMs: 80 });
  });

  it.each([
    [99, false],
    [100, true],
    [199, true],
    [200, false],
  ])("a dependency from 100 to 200 existed at %i: %s", (t, existed) => {
    expect(dependencyExistedAt({ created_at: 100, deleted_at: 200 }, t)).toBe(existed);
  });
});
