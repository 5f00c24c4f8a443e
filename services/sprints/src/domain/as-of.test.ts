import type { Activity } from "@agileboard/proto";
import { describe, expect, it } from "vitest";
import { statusFromName } from "../wire.js";
import { sprintAsOf } from "./as-of.js";
import type { Sprint } from "./sprint.js";

const row = (at: number, action: string, fieldName = "", oldValue = "", newValue = ""): Activity => ({
  id: `r${at}`,
  entityType: "sprint",
  entityId: "s1",
  projectId: "p1",
  action,
  fieldName,
  oldValue,
  newValue,
  userId: "alice",
  atMs: at,
});

describe("sprintAsOf", () => {
  // planned at 100 as "S1", renamed at 200, started at 300, completed at 400 (carrying over to s2).
  const now: Sprint = {
    id: "s1",
    projectId: "p1",
    name: "Sprint 1",
    goal: "",
    startsAt: 0,
    endsAt: 0,
    status: "completed",
    startedAt: 300,
    completedAt: 400,
    carryOverSprintId: "s2",
    version: 4,
    createdAt: 100,
    createdBy: "alice",
    updatedAt: 400,
    updatedBy: "alice",
    deletedAt: null,
  };
  const rows = [
    row(100, "created"),
    row(200, "updated", "name", "S1", "Sprint 1"),
    row(300, "updated", "status", "SPRINT_STATUS_PLANNED", "SPRINT_STATUS_ACTIVE"),
    row(400, "updated", "status", "SPRINT_STATUS_ACTIVE", "SPRINT_STATUS_COMPLETED"),
  ];
  it.each([
    [50, undefined],
    [150, { name: "S1", status: "planned", startedAt: null, completedAt: null, carryOverSprintId: null, version: 1 }],
    [250, { name: "Sprint 1", status: "planned", startedAt: null, version: 2 }],
    [350, { status: "active", startedAt: 300, completedAt: null, carryOverSprintId: null, version: 3 }],
    [450, { status: "completed", startedAt: 300, completedAt: 400, carryOverSprintId: "s2", version: 4 }],
  ])("at %i is %j", (t, expected) => {
    const then = sprintAsOf(now, rows.filter((r) => r.atMs > t), t, { atMs: t, userId: "alice" }, statusFromName);
    if (expected === undefined) expect(then).toBeUndefined();
    else expect(then).toMatchObject(expected);
  });
});
