import { describe, expect, it } from "vitest";
import { leavesNoAdmin, upsertMember, type Member } from "./membership.js";

const member = (role: Member["role"], deletedAt: number | null = null): Member => ({
  projectId: "p",
  userId: "u",
  role,
  version: 2,
  createdAt: 1,
  createdBy: "a",
  updatedAt: 1,
  updatedBy: "a",
  deletedAt,
});

describe("upsertMember", () => {
  it("adds a new member at version 1", () => {
    const r = upsertMember(undefined, "p", "u", "editor", "a", 5);
    expect(r).toMatchObject({ kind: "added", member: { role: "editor", version: 1, createdAt: 5 } });
  });

  it("restores a removed member with the new role", () => {
    const r = upsertMember(member("viewer", 3), "p", "u", "admin", "a", 5);
    expect(r).toMatchObject({ kind: "added", member: { role: "admin", version: 3, deletedAt: null } });
  });

  it("changes a role and remembers the old one", () => {
    const r = upsertMember(member("viewer"), "p", "u", "editor", "a", 5);
    expect(r).toMatchObject({ kind: "role_changed", oldRole: "viewer", member: { role: "editor", version: 3 } });
  });

  it("does nothing when the role is the same", () => {
    expect(upsertMember(member("editor"), "p", "u", "editor", "a", 5).kind).toBe("unchanged");
  });
});

describe("leavesNoAdmin", () => {
  it.each<[Member, Member["role"] | undefined, number, boolean]>([
    [member("admin"), "editor", 1, true],
    [member("admin"), undefined, 1, true],
    [member("admin"), "editor", 2, false],
    [member("admin"), "admin", 1, false],
    [member("editor"), undefined, 1, false],
    [member("admin", 7), "viewer", 0, false],
  ])("%#: %o becoming %s with %d admins -> %s", (m, next, admins, expected) => {
    expect(leavesNoAdmin(admins, m, next)).toBe(expected);
  });
});
