import type { Database } from "better-sqlite3";
import { NotFoundError, PermissionDeniedError, type Identity } from "@agileboard/kit";
import { effectiveRole, grants, type AccessLevel, type Role } from "./domain/permissions.js";
import type { Project } from "./domain/project.js";
import { membersRepo } from "./repo/members-repo.js";
import { projectsRepo } from "./repo/projects-repo.js";

/** A project and the caller's role in it. */
export interface ProjectAccessResult {
  project: Project;
  role: Role | undefined;
  granted: boolean;
}

/** The caller's access to a project by the permission matrix; NOT_FOUND when the project does not exist. */
export function evaluateAccess(db: Database, caller: Identity, projectId: string, level: AccessLevel): ProjectAccessResult {
  const project = projectsRepo.findById(db, projectId);
  if (!project) throw new NotFoundError(`project '${projectId}' not found`);
  const role = effectiveRole(membersRepo.roleOf(db, projectId, caller.userId), caller.roles);
  return { project, role, granted: grants(role, level) };
}

/** Like `evaluateAccess`, but throws unless granted: NOT_FOUND for non-members (never the project's data). */
export function requireAccess(db: Database, caller: Identity, projectId: string, level: AccessLevel): ProjectAccessResult {
  const access = evaluateAccess(db, caller, projectId, level);
  if (access.role === undefined) throw new NotFoundError(`project '${projectId}' not found`);
  if (!access.granted) throw new PermissionDeniedError(`${level} access to project '${projectId}' is required`);
  return access;
}
