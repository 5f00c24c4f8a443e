import { checkExpectedVersion, checkId, checkText, ViolationList } from "@agileboard/kit";

/** A project as tenancy stores it. */
export interface Project {
  id: string;
  key: string;
  name: string;
  description: string;
  archivedAt: number | null;
  version: number;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
}

/** 2-10 upper-case letters or digits, e.g. PAY. */
export const PROJECT_KEY_PATTERN = /^[A-Z0-9]{2,10}$/;
export const MAX_PROJECT_NAME_CHARS = 200;
export const MAX_PROJECT_DESCRIPTION_BYTES = 64 * 1024;

/** The fields a client sets when creating a project. */
export interface NewProjectFields {
  key: string;
  name: string;
  description: string;
}

/** Every violation of a new project's fields. */
export function validateNewProject(fields: NewProjectFields): ViolationList {
  const v = new ViolationList();
  if (!PROJECT_KEY_PATTERN.test(fields.key)) v.add("key", "must be 2-10 upper-case letters or digits");
  checkText(v, "name", fields.name.trim(), { min: 1, max: MAX_PROJECT_NAME_CHARS });
  checkText(v, "description", fields.description, { min: 0, maxBytes: MAX_PROJECT_DESCRIPTION_BYTES });
  return v;
}

/** A project change: only the present fields change. */
export interface ProjectPatch {
  projectId: string;
  expectedVersion: number;
  name?: string | undefined;
  description?: string | undefined;
  archived?: boolean | undefined;
}

/** Every violation of a project patch. */
export function validateProjectPatch(patch: ProjectPatch): ViolationList {
  const v = new ViolationList();
  checkId(v, "project_id", patch.projectId);
  checkExpectedVersion(v, patch.expectedVersion);
  if (patch.name !== undefined) checkText(v, "name", patch.name.trim(), { min: 1, max: MAX_PROJECT_NAME_CHARS });
  if (patch.description !== undefined) checkText(v, "description", patch.description, { min: 0, maxBytes: MAX_PROJECT_DESCRIPTION_BYTES });
  return v;
}

/** One changed field, named as in the proto, with text renderings of both values. */
export interface FieldDiff {
  field: string;
  oldValue: string;
  newValue: string;
}

/** Applies a patch; returns the new project and what changed (for activity rows and the event). */
export function applyProjectPatch(project: Project, patch: ProjectPatch, actor: string, now: number): { project: Project; diffs: FieldDiff[] } {
  const next = { ...project };
  const diffs: FieldDiff[] = [];
  if (patch.name !== undefined && patch.name.trim() !== project.name) {
    diffs.push({ field: "name", oldValue: project.name, newValue: patch.name.trim() });
    next.name = patch.name.trim();
  }
  if (patch.description !== undefined && patch.description !== project.description) {
    diffs.push({ field: "description", oldValue: project.description, newValue: patch.description });
    next.description = patch.description;
  }
  if (patch.archived !== undefined && patch.archived !== (project.archivedAt !== null)) {
    diffs.push({ field: "archived", oldValue: String(project.archivedAt !== null), newValue: String(patch.archived) });
    next.archivedAt = patch.archived ? now : null;
  }
  if (diffs.length > 0) {
    next.version = project.version + 1;
    next.updatedAt = now;
    next.updatedBy = actor;
  }
  return { project: next, diffs };
}
