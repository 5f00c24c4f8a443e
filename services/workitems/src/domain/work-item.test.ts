import { ViolationList } from "@agileboard/kit";
import { describe, expect, it } from "vitest";
import { checkEditableFields, diffWorkItems, normalizeLabels, touch, type WorkItem } from "./work-item.js";

const item: WorkItem = {
  id: "i",
  projectId: "p",
  number: 1,
  itemType: "task",
  parentId: null,
  title: "Fix login",
  description: "",
  status: "todo",
  priority: "medium",
  assigneeId: null,
  storyPoints: null,
  sprintId: null,
  rank: "a0",
  labels: [],
  version: 1,
  createdAt: 1,
  createdBy: "a",
  updatedAt: 1,
  updatedBy: "a",
  deletedAt: null,
};

const violationsOf = (fields: Parameters<typeof checkEditableFields>[1]) => {
  const v = new ViolationList();
  checkEditableFields(v, fields);
  return v.items.map((x) => x.field);
};

describe("checkEditableFields", () => {
  it.each<[string, Parameters<typeof checkEditableFields>[1], string[]]>([
    ["a good title", { title: "ok" }, []],
    ["a blank title", { title: "   " }, ["title"]],
    ["a 500-character title", { title: "t".repeat(500) }, []],
    ["a 501-character title", { title: "t".repeat(501) }, ["title"]],
    ["a 64 KiB description", { description: "d".repeat(65_536) }, []],
    ["a description over 64 KiB", { description: "d".repeat(65_537) }, ["description"]],
    ["a description of multi-byte characters over 64 KiB", { description: "é".repeat(40_000) }, ["description"]],
    ["100 points", { storyPoints: 100 }, []],
    ["101 points", { storyPoints: 101 }, ["story_points"]],
    ["negative points", { storyPoints: -1 }, ["story_points"]],
    ["21 labels", { labels: Array.from({ length: 21 }, (_, i) => `l${i}`) }, ["labels"]],
    ["an empty label", { labels: [" "] }, ["labels"]],
  ])("%s -> %j", (_label, fields, expected) => {
    expect(violationsOf(fields)).toEqual(expected);
  });
});

describe("diffWorkItems", () => {
  it("lists each changed field once, by proto field name", () => {
    const after = touch(item, { title: "Fix logout", status: "done", assigneeId: "bob", labels: ["ui"] }, "bob", 5);
    expect(diffWorkItems(item, after)).toEqual([
      { field: "title", oldValue: "Fix login", newValue: "Fix logout" },
      { field: "status", oldValue: "todo", newValue: "done" },
      { field: "assignee_id", oldValue: null, newValue: "bob" },
      { field: "labels", oldValue: [], newValue: ["ui"] },
    ]);
  });

  it("sees no change in equal labels or bookkeeping fields", () => {
    expect(diffWorkItems(item, touch(item, { labels: [] }, "bob", 5))).toEqual([]);
  });
});

describe("touch", () => {
  it("bumps the version and records who and when", () => {
    expect(touch(item, {}, "bob", 9)).toMatchObject({ version: 2, updatedBy: "bob", updatedAt: 9 });
  });
});

describe("normalizeLabels", () => {
  it("trims and drops duplicates, keeping order", () => {
    expect(normalizeLabels([" ui ", "api", "ui"])).toEqual(["ui", "api"]);
  });
});
