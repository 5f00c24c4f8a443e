import { describe, expect, it } from "vitest";
import { parentProblem } from "./hierarchy.js";
import type { ItemType } from "./work-item.js";

const parent = (itemType: ItemType, over: Partial<{ id: string; projectId: string; deleted: boolean }> = {}) => ({
  id: over.id ?? "parent",
  itemType,
  projectId: over.projectId ?? "p1",
  deleted: over.deleted ?? false,
});

describe("parentProblem", () => {
  it.each<[ItemType, ItemType, boolean]>([
    ["epic", "epic", false],
    ["epic", "story", false],
    ["epic", "task", false],
    ["epic", "bug", false],
    ["story", "epic", true],
    ["story", "story", false],
    ["story", "task", false],
    ["story", "bug", false],
    ["task", "story", true],
    ["task", "epic", false],
    ["task", "task", false],
    ["task", "bug", false],
    ["bug", "story", true],
    ["bug", "epic", true],
    ["bug", "task", false],
    ["bug", "bug", false],
  ])("a %s under a %s is allowed: %s", (child, parentType, allowed) => {
    const problem = parentProblem({ itemType: child, projectId: "p1" }, parent(parentType));
    expect(problem === undefined).toBe(allowed);
  });

  it("explains the rule in words", () => {
    expect(parentProblem({ itemType: "task", projectId: "p1" }, parent("epic"))).toBe("must be a story for a task");
    expect(parentProblem({ itemType: "bug", projectId: "p1" }, parent("task"))).toBe("must be a story or an epic for a bug");
    expect(parentProblem({ itemType: "epic", projectId: "p1" }, parent("epic"))).toBe("cannot be set: an epic has no parent");
  });

  it("refuses a parent in another project", () => {
    expect(parentProblem({ itemType: "story", projectId: "p1" }, parent("epic", { projectId: "p2" }))).toBe("must be in the same project");
  });

  it("refuses a missing or deleted parent", () => {
    expect(parentProblem({ itemType: "story", projectId: "p1" }, undefined)).toBe("must name a live work item");
    expect(parentProblem({ itemType: "story", projectId: "p1" }, parent("epic", { deleted: true }))).toBe("must name a live work item");
  });

  it("refuses a cycle through the item itself", () => {
    expect(parentProblem({ id: "me", itemType: "story", projectId: "p1" }, parent("epic"), ["x", "me"])).toBe("would make the item its own ancestor");
    expect(parentProblem({ id: "me", itemType: "story", projectId: "p1" }, parent("epic", { id: "me" }))).toBe("would make the item its own ancestor");
  });
});
