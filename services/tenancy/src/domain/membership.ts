import type { Role } from "./permissions.js";

/** A membership row. */
export interface Member {
  projectId: string;
  userId: string;
  role: Role;
  version: number;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
  /** Set while removed; re-adding restores the row. */
  deletedAt: number | null;
}

/** What adding a member does to the existing row (if any). */
export type MemberUpsert =
  | { kind: "added"; member: Member }
  | { kind: "role_changed"; member: Member; oldRole: Role }
  | { kind: "unchanged"; member: Member };

/** Adds a member, restores a removed one, or changes the role (upsert semantics of AddProjectMember). */
export function upsertMember(existing: Member | undefined, projectId: string, userId: string, role: Role, actor: string, now: number): MemberUpsert {
  if (!existing) {
    return {
      kind: "added",
      member: { projectId, userId, role, version: 1, createdAt: now, createdBy: actor, updatedAt: now, updatedBy: actor, deletedAt: null },
    };
  }
  const touched = { ...existing, role, version: existing.version + 1, updatedAt: now, updatedBy: actor, deletedAt: null };
  if (existing.deletedAt !== null) return { kind: "added", member: touched };
  if (existing.role === role) return { kind: "unchanged", member: existing };
  return { kind: "role_changed", member: touched, oldRole: existing.role };
}

/**
 * A project keeps at least one admin member: a change that would leave it with none is refused (tenant
 * admins from the token do not count, they may leave the company).
 */
export function leavesNoAdmin(adminCountBefore: number, member: Member, nextRole: Role | undefined): boolean {
  const wasAdmin = member.deletedAt === null && member.role === "admin";
  return wasAdmin && nextRole !== "admin" && adminCountBefore <= 1;
}
