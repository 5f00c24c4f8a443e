import { ViolationList } from "@agileboard/kit";
import { describe, expect, it } from "vitest";
import { checkSprintFields, datesProblem, transitionProblem, type SprintOperation, type SprintStatus } from "./sprint.js";

describe("transitionProblem", () => {
  it.each<[SprintOperation, SprintStatus, boolean]>([
    ["start", "planned", true],
    ["start", "active", false],
    ["start", "completed", false],
    ["complete", "active", true],
    ["complete", "planned", false],
    ["complete", "completed", false],
    ["cancel", "planned", true],
    ["cancel", "active", true],
    ["cancel", "completed", false],
    ["delete", "planned", true],
    ["delete", "active", false],
    ["update", "active", true],
    ["update", "cancelled", false],
  ])("%s a %s sprint: allowed %s", (op, status, allowed) => {
    expect(transitionProblem(op, status) === undefined).toBe(allowed);
  });

  it("says what is allowed", () => {
    expect(transitionProblem("delete", "active")).toBe("a active sprint cannot be deleted; only planned sprints can");
  });
});

describe("sprint fields", () => {
  it("checks name, goal and dates", () => {
    const v = new ViolationList();
    checkSprintFields(v, { name: " ", goal: "g".repeat(70_000), startsAtMs: -1 });
    expect(v.items.map((x) => x.field).sort()).toEqual(["goal", "name", "starts_at_ms"]);
  });

  it("wants an end after the start", () => {
    expect(datesProblem(10, 5)).toBeDefined();
    expect(datesProblem(10, 0)).toBeUndefined();
    expect(datesProblem(10, 20)).toBeUndefined();
  });
});
