import type { Activity } from "@agileboard/proto";
import { describe, expect, it } from "vitest";
import { roleFromName } from "../wire.js";
import { memberAsOf, projectAsOf } from "./as-of.js";
import type { Member } from "./membership.js";
import type { Project } from "./project.js";

const row = (at: number, action: string, fieldName = "", oldValue = "", newValue = ""): Activity => ({
  id: `r${at}`,
  entityType: "member",
  entityId: "bob",
  projectId: "p1",
  action,
  fieldName,
  oldValue,
  newValue,
  userId: "alice",
  atMs: at,
});

describe("memberAsOf", () => {
  // bob added as viewer at 100, made editor at 200, removed at 300, added back as admin at 400.
  const now: Member = { projectId: "p1", userId: "bob", role: "admin", version: 4, createdAt: 100, createdBy: "alice", updatedAt: 400, updatedBy: "alice", deletedAt: null };
  const rows = [
    row(100, "created", "role", "", "PROJECT_ROLE_VIEWER"),
    row(200, "updated", "role", "PROJECT_ROLE_VIEWER", "PROJECT_ROLE_EDITOR"),
    row(300, "deleted", "role", "PROJECT_ROLE_EDITOR"),
    row(400, "created", "role", "", "PROJECT_ROLE_ADMIN"),
  ];
  it.each([
    [50, undefined],
    [150, "viewer"],
    [250, "editor"],
    [350, undefined],
    [450, "admin"],
  ])("at %i bob is %s", (t, role) => {
    const then = memberAsOf(now, rows.filter((r) => r.atMs > t), t, undefined, roleFromName);
    expect(then?.role).toBe(role);
  });
});

describe("projectAsOf", () => {
  const now: Project = { id: "p1", key: "PAY", name: "Payments", description: "d2", archivedAt: 400, version: 4, createdAt: 100, createdBy: "alice", updatedAt: 400, updatedBy: "alice" };
  const rows = [
    { ...row(200, "updated", "name", "Pay", "Payments"), entityType: "project", entityId: "p1" },
    { ...row(300, "updated", "description", "d1", "d2"), entityType: "project", entityId: "p1" },
    { ...row(400, "updated", "archived", "false", "true"), entityType: "project", entityId: "p1" },
  ];
  const lookups = (t: number) => ({ lastChange: () => ({ atMs: Math.min(t, 400), userId: "alice" }), lastArchivedAt: () => (t >= 400 ? 400 : undefined) });
  it.each([
    [50, undefined],
    [150, { name: "Pay", description: "d1", archivedAt: null, version: 1 }],
    [250, { name: "Payments", description: "d1", archivedAt: null, version: 2 }],
    [350, { name: "Payments", description: "d2", archivedAt: null, version: 3 }],
    [450, { name: "Payments", description: "d2", archivedAt: 400, version: 4 }],
  ])("at %i is %j", (t, expected) => {
    const then = projectAsOf(now, rows.filter((r) => r.atMs > t), t, lookups(t));
    if (expected === undefined) expect(then).toBeUndefined();
    else expect(then).toMatchObject(expected);
  });
});
