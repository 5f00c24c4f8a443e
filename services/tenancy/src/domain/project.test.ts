import { describe, expect, it } from "vitest";
import { applyProjectPatch, validateNewProject, validateProjectPatch, type Project } from "./project.js";

const project: Project = {
  id: "0193a3c4-0000-7000-8000-000000000001",
  key: "PAY",
  name: "Payments",
  description: "",
  archivedAt: null,
  version: 3,
  createdAt: 1,
  createdBy: "alice",
  updatedAt: 1,
  updatedBy: "alice",
};

describe("validateNewProject", () => {
  it.each([
    ["PAY", true],
    ["AB", true],
    ["ABCDEFGHIJ", true],
    ["P4Y", true],
    ["A", false],
    ["ABCDEFGHIJK", false],
    ["pay", false],
    ["PA-Y", false],
    ["", false],
  ])("key %s valid: %s", (key, valid) => {
    const violations = validateNewProject({ key, name: "n", description: "" }).items;
    expect(violations.some((v) => v.field === "key")).toBe(!valid);
  });

  it("collects every violation at once", () => {
    const v = validateNewProject({ key: "x", name: " ", description: "d".repeat(70_000) }).items;
    expect(v.map((x) => x.field).sort()).toEqual(["description", "key", "name"]);
  });

  it("limits names to 200 characters", () => {
    expect(validateNewProject({ key: "OK", name: "n".repeat(200), description: "" }).isEmpty).toBe(true);
    expect(validateNewProject({ key: "OK", name: "n".repeat(201), description: "" }).isEmpty).toBe(false);
  });
});

describe("validateProjectPatch", () => {
  it("requires the project id and the expected version", () => {
    const v = validateProjectPatch({ projectId: "", expectedVersion: 0 }).items;
    expect(v.map((x) => x.field).sort()).toEqual(["expected_version", "project_id"]);
  });
});

describe("applyProjectPatch", () => {
  it("changes only present fields, bumps the version and reports each change", () => {
    const { project: next, diffs } = applyProjectPatch(project, { projectId: project.id, expectedVersion: 3, name: "Billing", archived: true }, "bob", 99);
    expect(next).toMatchObject({ name: "Billing", description: "", archivedAt: 99, version: 4, updatedAt: 99, updatedBy: "bob" });
    expect(diffs).toEqual([
      { field: "name", oldValue: "Payments", newValue: "Billing" },
      { field: "archived", oldValue: "false", newValue: "true" },
    ]);
  });

  it("leaves the project untouched when nothing differs", () => {
    const { project: next, diffs } = applyProjectPatch(project, { projectId: project.id, expectedVersion: 3, name: "Payments", archived: false }, "bob", 99);
    expect(diffs).toEqual([]);
    expect(next).toEqual(project);
  });
});
