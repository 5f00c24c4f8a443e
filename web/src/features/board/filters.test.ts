import { Priority, WorkItemStatus, WorkItemType } from "@agileboard/client";
import type { WorkItem } from "@agileboard/proto/wire";
import { describe, expect, it } from "vitest";
import { filtersFromParams, isFiltering, itemFilter, paramsOfFilters } from "./filters.js";
import { epicOf, lanesOf } from "./lanes.js";

function item(id: string, over: Partial<WorkItem> = {}): WorkItem {
  return {
    id, projectId: "p", number: Number(id.slice(1)), itemType: WorkItemType.WORK_ITEM_TYPE_TASK, parentId: "", title: `Item ${id}`, description: "",
    status: WorkItemStatus.WORK_ITEM_STATUS_TODO, priority: Priority.PRIORITY_MEDIUM, assigneeId: "", storyPoints: undefined, sprintId: "", rank: id, version: 1,
    labels: [], createdAtMs: 0, createdBy: "", updatedAtMs: 0, updatedBy: "", deletedAtMs: 0, isBlocked: false, timeSpentMs: 0, ...over,
  };
}
const keyOf = (i: WorkItem) => `PAY-${i.number}`;

describe("board filters", () => {
  it("round-trip through the URL, leaving defaults out", () => {
    const filters = { text: "login", assignee: "bob", type: WorkItemType.WORK_ITEM_TYPE_BUG, label: "api", onlyMine: true, lanes: "epic" as const, showBacklog: false };
    expect(paramsOfFilters(filters).toString()).toBe("q=login&assignee=bob&type=bug&label=api&mine=1&lanes=epic&backlog=0");
    expect(filtersFromParams(paramsOfFilters(filters))).toEqual(filters);
    expect(paramsOfFilters(filtersFromParams(new URLSearchParams())).toString()).toBe("");
    expect(isFiltering(filtersFromParams(new URLSearchParams("lanes=assignee")))).toBe(false);
  });

  it.each([
    ["text over key and title", "q=pay-2", ["i2"]],
    ["every word", "q=item i1", ["i1"]],
    ["assignee", "assignee=bob", ["i2"]],
    ["unassigned", "assignee=none", ["i1", "i3"]],
    ["type", "type=bug", ["i3"]],
    ["label", "label=api", ["i1"]],
    ["only mine", "mine=1", ["i4"]],
  ])("narrow by %s", (_what, query, expected) => {
    const items = [item("i1", { labels: ["api"] }), item("i2", { assigneeId: "bob" }), item("i3", { itemType: WorkItemType.WORK_ITEM_TYPE_BUG }), item("i4", { assigneeId: "me" })];
    expect(items.filter(itemFilter(filtersFromParams(new URLSearchParams(query)), "me", keyOf)).map((i) => i.id)).toEqual(expected);
  });
});

describe("swimlanes", () => {
  const epic = item("e1", { itemType: WorkItemType.WORK_ITEM_TYPE_EPIC, title: "Checkout" });
  const story = item("s2", { itemType: WorkItemType.WORK_ITEM_TYPE_STORY, parentId: "e1", assigneeId: "zoe" });
  const task = item("t3", { parentId: "s2", assigneeId: "me" });
  const loose = item("t4");
  const all = [epic, story, task, loose];
  const byId = new Map(all.map((i) => [i.id, i]));

  it("find an item's epic up its parents", () => {
    expect([epic, story, task, loose].map((i) => epicOf(i, byId))).toEqual(["e1", "e1", "e1", ""]);
  });

  it("group by epic, then 'No epic'", () => {
    expect(lanesOf(all, "epic", byId, "me", keyOf).map((l) => l.title)).toEqual(["PAY-1 Checkout", "No epic"]);
  });

  it("group by assignee, me first and 'Unassigned' last", () => {
    expect(lanesOf(all, "assignee", byId, "me", keyOf).map((l) => l.title)).toEqual(["me", "zoe", "Unassigned"]);
  });
});
