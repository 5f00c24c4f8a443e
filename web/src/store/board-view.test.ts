import { Priority, WorkItemStatus, WorkItemType, type AnyRequest } from "@agileboard/client";
import type { WorkItem } from "@agileboard/proto/wire";
import { describe, expect, it } from "vitest";
import { columnIds, deriveView, neighboursAt, pendingItemId, rankOrder } from "./board-view.js";

const { WORK_ITEM_STATUS_TODO: TODO, WORK_ITEM_STATUS_IN_PROGRESS: DOING, WORK_ITEM_STATUS_DONE: DONE } = WorkItemStatus;

function item(id: string, rank: string, status = TODO, over: Partial<WorkItem> = {}): WorkItem {
  return {
    id, projectId: "p", number: Number(id.replace(/\D/g, "")) || 1, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, parentId: "", title: `t${id}`, description: "",
    status, priority: Priority.PRIORITY_MEDIUM, assigneeId: "", storyPoints: undefined, sprintId: "", rank, version: 1, labels: [],
    createdAtMs: 0, createdBy: "", updatedAtMs: 0, updatedBy: "", deletedAtMs: 0, isBlocked: false, timeSpentMs: 0, ...over,
  };
}

function board(items: WorkItem[]) {
  const byId = new Map(items.map((i) => [i.id, i]));
  return { byId, order: rankOrder(items) };
}

const move = (workItemId: string, status: number, beforeId = "", afterId = ""): AnyRequest => ({ $case: "moveWorkItem", value: { workItemId, expectedVersion: 1, status, beforeId, afterId } });

describe("deriveView", () => {
  const { byId, order } = board([item("a1", "a"), item("b2", "b"), item("c3", "c"), item("d4", "d", DOING), item("e5", "e", DONE), item("x9", "x", TODO, { deletedAtMs: 5 })]);

  it("orders the confirmed items by rank and leaves deleted ones out", () => {
    expect(order).toEqual(["a1", "b2", "c3", "d4", "e5"]);
  });

  it.each([
    ["below the card above", move("a1", TODO, "c3", ""), ["b2", "c3", "a1"]],
    ["above the card below", move("c3", TODO, "", "a1"), ["c3", "a1", "b2"]],
    ["at the bottom with no neighbours", move("a1", TODO), ["b2", "c3", "a1"]],
  ])("places a pending move %s", (_what, request, todo) => {
    const view = deriveView("p", byId, order, [{ messageId: "m", request }]);
    expect(columnIds(view, TODO)).toEqual(todo);
    expect(view.pendingIds.has(request.value && "workItemId" in request.value ? request.value.workItemId : "")).toBe(true);
  });

  it("moves a card across columns and applies pending mutations in order", () => {
    const view = deriveView("p", byId, order, [
      { messageId: "1", request: move("a1", DOING, "d4", "") },
      { messageId: "2", request: move("b2", DOING, "", "d4") },
    ]);
    expect(columnIds(view, TODO)).toEqual(["c3"]);
    expect(columnIds(view, DOING)).toEqual(["b2", "d4", "a1"]);
    expect(view.byId.get("a1")?.status).toBe(DOING);
    expect(byId.get("a1")?.status).toBe(TODO);
  });

  it("shows a pending create at the bottom of its column under a temporary id", () => {
    const request: AnyRequest = { $case: "createWorkItem", value: { projectId: "p", itemType: 0, title: " new ", description: "", parentId: "", priority: 0, assigneeId: "", sprintId: "", labels: [], status: DOING } };
    const view = deriveView("p", byId, order, [{ messageId: "m1", request }]);
    expect(columnIds(view, DOING)).toEqual(["d4", pendingItemId("m1")]);
    expect(view.byId.get(pendingItemId("m1"))).toMatchObject({ title: "new", number: 0, priority: Priority.PRIORITY_MEDIUM, itemType: WorkItemType.WORK_ITEM_TYPE_TASK });
  });

  it("applies pending field updates over a teammate's newer confirmed values, and deletes", () => {
    const teammate = new Map(byId);
    teammate.set("a1", { ...item("a1", "a"), title: "theirs", priority: Priority.PRIORITY_LOW, version: 2 });
    const view = deriveView("p", teammate, order, [
      { messageId: "u", request: { $case: "updateWorkItem", value: { workItemId: "a1", expectedVersion: 1, title: "mine", clearStoryPoints: false } } },
      { messageId: "d", request: { $case: "deleteWorkItem", value: { workItemId: "b2", expectedVersion: 1 } } },
    ]);
    expect(view.byId.get("a1")).toMatchObject({ title: "mine", priority: Priority.PRIORITY_LOW });
    expect(columnIds(view, TODO)).toEqual(["a1", "c3"]);
  });

  it("ignores requests for other projects and unknown items (the server will refuse them)", () => {
    const other: AnyRequest = { $case: "createWorkItem", value: { projectId: "q", itemType: 0, title: "x", description: "", parentId: "", priority: 0, assigneeId: "", sprintId: "", labels: [], status: TODO } };
    const view = deriveView("p", byId, order, [{ messageId: "o", request: other }, { messageId: "z", request: move("zz", DONE) }]);
    expect(view.order).toEqual(order);
  });

  it("rolls a refused move back: once the mutation leaves the queue, the card is where the server says", () => {
    const optimistic = deriveView("p", byId, order, [{ messageId: "m", request: move("a1", DONE, "e5", "") }]);
    expect(columnIds(optimistic, DONE)).toEqual(["e5", "a1"]);
    const refused = deriveView("p", byId, order, []);
    expect(columnIds(refused, TODO)).toEqual(["a1", "b2", "c3"]);
    expect(columnIds(refused, DONE)).toEqual(["e5"]);
  });

  it("returns the confirmed state itself when nothing is pending", () => {
    const view = deriveView("p", byId, order, []);
    expect(view.byId).toBe(byId);
    expect(view.order).toBe(order);
  });
});

describe("neighboursAt", () => {
  it.each([
    [0, { beforeId: "", afterId: "a" }],
    [1, { beforeId: "a", afterId: "b" }],
    [2, { beforeId: "b", afterId: "" }],
  ])("gives the cards around index %i", (index, expected) => {
    expect(neighboursAt(["a", "b"], index)).toEqual(expected);
  });

  it("never names a card the server has not created yet", () => {
    expect(neighboursAt(["a", pendingItemId("m")], 2)).toEqual({ beforeId: "", afterId: "" });
  });
});
