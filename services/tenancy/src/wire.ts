import {
  AccessLevel as AccessLevelProto,
  ProjectRole,
  type Project as ProjectProto,
  type ProjectMember as ProjectMemberProto,
} from "@agileboard/proto";
import type { Member } from "./domain/membership.js";
import type { AccessLevel, Role } from "./domain/permissions.js";
import type { Project } from "./domain/project.js";

const ROLE_TO_PROTO: Record<Role, ProjectRole> = {
  viewer: ProjectRole.PROJECT_ROLE_VIEWER,
  editor: ProjectRole.PROJECT_ROLE_EDITOR,
  admin: ProjectRole.PROJECT_ROLE_ADMIN,
};

/** The proto enum of a role; UNSPECIFIED for none. */
export function roleToProto(role: Role | undefined): ProjectRole {
  return role ? ROLE_TO_PROTO[role] : ProjectRole.PROJECT_ROLE_UNSPECIFIED;
}

/** The role as activity rows and field changes render it: the proto enum value name. */
export function roleName(role: Role | undefined): string {
  return role ? ProjectRole[ROLE_TO_PROTO[role]] : "";
}

/** The role an activity row names by its proto value name ("PROJECT_ROLE_ADMIN"), if any. */
export function roleFromName(name: string): Role | undefined {
  return roleFromProto(ProjectRole[name as keyof typeof ProjectRole] ?? ProjectRole.PROJECT_ROLE_UNSPECIFIED);
}

/** The role a proto enum names, if it names one. */
export function roleFromProto(role: ProjectRole): Role | undefined {
  switch (role) {
    case ProjectRole.PROJECT_ROLE_VIEWER:
      return "viewer";
    case ProjectRole.PROJECT_ROLE_EDITOR:
      return "editor";
    case ProjectRole.PROJECT_ROLE_ADMIN:
      return "admin";
    default:
      return undefined;
  }
}

/** The level a proto AccessLevel names, if it names one. */
export function levelFromProto(level: AccessLevelProto): AccessLevel | undefined {
  switch (level) {
    case AccessLevelProto.ACCESS_LEVEL_READ:
      return "read";
    case AccessLevelProto.ACCESS_LEVEL_WRITE:
      return "write";
    case AccessLevelProto.ACCESS_LEVEL_ADMIN:
      return "admin";
    default:
      return undefined;
  }
}

export function projectToProto(p: Project): ProjectProto {
  return {
    id: p.id,
    key: p.key,
    name: p.name,
    description: p.description,
    version: p.version,
    archivedAtMs: p.archivedAt ?? 0,
    createdAtMs: p.createdAt,
    createdBy: p.createdBy,
    updatedAtMs: p.updatedAt,
    updatedBy: p.updatedBy,
  };
}

export function memberToProto(m: Member): ProjectMemberProto {
  return {
    projectId: m.projectId,
    userId: m.userId,
    role: roleToProto(m.role),
    version: m.version,
    addedAtMs: m.createdAt,
    addedBy: m.createdBy,
  };
}
