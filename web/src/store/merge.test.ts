import { Priority, WorkItemStatus, WorkItemType } from "@agileboard/client";
import type { WorkItem } from "@agileboard/proto/wire";
import { describe, expect, it } from "vitest";
import { mergeEdit, patchOfUpdate, updateRequestOf } from "./merge.js";

const base: WorkItem = {
  id: "i", projectId: "p", number: 1, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, parentId: "", title: "Fix login", description: "old",
  status: WorkItemStatus.WORK_ITEM_STATUS_TODO, priority: Priority.PRIORITY_MEDIUM, assigneeId: "alice", storyPoints: 3, sprintId: "", rank: "m", version: 4,
  labels: ["a"], createdAtMs: 0, createdBy: "", updatedAtMs: 0, updatedBy: "", deletedAtMs: 0, isBlocked: false, timeSpentMs: 0,
};

describe("mergeEdit", () => {
  it("re-applies my fields when the concurrent edit touched other fields", () => {
    const theirs = { ...base, priority: Priority.PRIORITY_HIGH, version: 5 };
    expect(mergeEdit(base, { title: "Fix sign-in" }, theirs)).toEqual({ autoApply: { title: "Fix sign-in" }, conflicts: [] });
  });

  it("asks only about fields both sides changed to different values", () => {
    const theirs = { ...base, title: "Their title", description: "theirs", version: 5 };
    const result = mergeEdit(base, { title: "My title", description: "theirs", storyPoints: 5 }, theirs);
    expect(result.autoApply).toEqual({ storyPoints: 5 });
    expect(result.conflicts).toEqual([{ field: "title", base: "Fix login", theirs: "Their title", mine: "My title" }]);
  });

  it("compares labels as lists", () => {
    const theirs = { ...base, labels: ["a", "b"], version: 5 };
    expect(mergeEdit(base, { labels: ["a", "b"] }, theirs)).toEqual({ autoApply: {}, conflicts: [] });
    expect(mergeEdit(base, { labels: ["c"] }, theirs).conflicts.map((c) => c.field)).toEqual(["labels"]);
  });

  it("treats every changed field as a conflict when the starting point is unknown", () => {
    const theirs = { ...base, title: "Same", version: 9 };
    const result = mergeEdit(undefined, { title: "Mine", priority: Priority.PRIORITY_LOW }, theirs);
    expect(result.autoApply).toEqual({});
    expect(result.conflicts.map((c) => c.field)).toEqual(["title", "priority"]);
  });

  it("clears an estimate through clear_story_points and reads it back", () => {
    const request = updateRequestOf("i", 5, { storyPoints: undefined, assigneeId: "" });
    expect(request).toEqual({ workItemId: "i", expectedVersion: 5, assigneeId: "", clearStoryPoints: true });
    expect(patchOfUpdate(request)).toEqual({ assigneeId: "", storyPoints: undefined });
  });
});
