/** A member's role in a project. */
export type Role = "viewer" | "editor" | "admin";

/** What an operation needs. */
export type AccessLevel = "read" | "write" | "admin";

/**
 * The permission matrix (SPEC §3): viewers read; editors also create, update and delete items, comments,
 * time entries, dependencies and sprints; admins also manage members and the project.
 */
export const ROLE_GRANTS: Readonly<Record<Role, readonly AccessLevel[]>> = {
  viewer: ["read"],
  editor: ["read", "write"],
  admin: ["read", "write", "admin"],
};

/** The token role that makes a user admin of every project of the tenant. */
export const TENANT_ADMIN_ROLE = "admin";

/** The role that applies: tenant admins are project admins everywhere; others have their membership's role. */
export function effectiveRole(memberRole: Role | undefined, tokenRoles: readonly string[]): Role | undefined {
  if (tokenRoles.includes(TENANT_ADMIN_ROLE)) return "admin";
  return memberRole;
}

/** True when `role` may act at `level`; no role grants nothing. */
export function grants(role: Role | undefined, level: AccessLevel): boolean {
  return role !== undefined && ROLE_GRANTS[role].includes(level);
}
