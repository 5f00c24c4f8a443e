import type { Activity } from "@agileboard/proto";
import { changeCount, rewind } from "@agileboard/kit";
import type { Member } from "./membership.js";
import type { Role } from "./permissions.js";
import type { Project } from "./project.js";

/**
 * What tenancy's entities looked like at a time T, rebuilt from the row now and the activity rows written
 * after T (oldest first): a project created after T did not exist; its name, description and archive state
 * are the old values of the oldest changes after T; a membership's role is undone the same way, a removal
 * after T brings the member back with the role it had, and an addition after T means it was not a member.
 * Version is the version now minus the changes since; updated_at / updated_by those of the last change at
 * or before T.
 */

/** What the rules need from the audit trail at or before T. */
export interface TenancyAsOfLookups {
  lastChange(entityId: string): { atMs: number; userId: string } | undefined;
  /** When the project was last archived at or before T. */
  lastArchivedAt(projectId: string): number | undefined;
}

/** The project as it was at `asOfMs`; undefined when it did not exist yet. */
export function projectAsOf(now: Project, rowsAfter: readonly Activity[], asOfMs: number, lookups: TenancyAsOfLookups): Project | undefined {
  if (now.createdAt > asOfMs) return undefined;
  if (rowsAfter.length === 0) return now;
  const then = rewind<Project>(now, rowsAfter, (state, row) => {
    if (row.action !== "updated") return state;
    if (row.fieldName === "name") return { ...state, name: row.oldValue };
    if (row.fieldName === "description") return { ...state, description: row.oldValue };
    if (row.fieldName === "archived") return { ...state, archivedAt: row.oldValue === "true" ? (lookups.lastArchivedAt(now.id) ?? asOfMs) : null };
    return state;
  });
  const last = lookups.lastChange(now.id);
  return { ...then, version: Math.max(1, now.version - changeCount(rowsAfter)), updatedAt: last?.atMs ?? now.createdAt, updatedBy: last?.userId ?? now.createdBy };
}

/** Stands for "not a member then" while rows are undone. */
const NOT_A_MEMBER = -1;

/**
 * The membership as it was at `asOfMs` (rows of one member of one project after T), or undefined when the
 * user was not a member then. `parseRole` reads a role as activity rows render it.
 */
export function memberAsOf(now: Member, rowsAfter: readonly Activity[], asOfMs: number, lastChangeAt: number | undefined, parseRole: (text: string) => Role | undefined): Member | undefined {
  const then = rewind<Member>(now, rowsAfter, (state, row) => {
    if (row.action === "updated" && row.fieldName === "role") return { ...state, role: parseRole(row.oldValue) ?? state.role };
    if (row.action === "deleted") return { ...state, role: parseRole(row.oldValue) ?? state.role, deletedAt: null };
    if (row.action === "created") return { ...state, deletedAt: NOT_A_MEMBER };
    return state;
  });
  if (then.deletedAt !== null || now.createdAt > asOfMs) return undefined;
  return rowsAfter.length === 0 ? then : { ...then, version: Math.max(1, now.version - changeCount(rowsAfter)), updatedAt: lastChangeAt ?? now.createdAt };
}
