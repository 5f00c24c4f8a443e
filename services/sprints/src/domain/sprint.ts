import { checkText, type ViolationList } from "@agileboard/kit";

export type SprintStatus = "planned" | "active" | "completed" | "cancelled";

/** A sprint as the sprints service stores it. */
export interface Sprint {
  id: string;
  projectId: string;
  name: string;
  goal: string;
  startsAt: number;
  endsAt: number;
  status: SprintStatus;
  startedAt: number | null;
  completedAt: number | null;
  carryOverSprintId: string | null;
  version: number;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
  deletedAt: number | null;
}

export const MAX_SPRINT_NAME_CHARS = 200;
export const MAX_SPRINT_GOAL_BYTES = 64 * 1024;

/** Checks the editable fields present (undefined = not given). */
export function checkSprintFields(v: ViolationList, f: { name?: string | undefined; goal?: string | undefined; startsAtMs?: number | undefined; endsAtMs?: number | undefined }): void {
  if (f.name !== undefined) checkText(v, "name", f.name.trim(), { min: 1, max: MAX_SPRINT_NAME_CHARS });
  if (f.goal !== undefined) checkText(v, "goal", f.goal, { min: 0, maxBytes: MAX_SPRINT_GOAL_BYTES });
  if (f.startsAtMs !== undefined && (!Number.isInteger(f.startsAtMs) || f.startsAtMs < 0)) v.add("starts_at_ms", "must be a Unix time in ms, or 0");
  if (f.endsAtMs !== undefined && (!Number.isInteger(f.endsAtMs) || f.endsAtMs < 0)) v.add("ends_at_ms", "must be a Unix time in ms, or 0");
}

/** The planned dates make sense: an end after the start when both are set. */
export function datesProblem(startsAt: number, endsAt: number): string | undefined {
  if (startsAt > 0 && endsAt > 0 && endsAt <= startsAt) return "must be after starts_at_ms";
  return undefined;
}

/** The transitions of a sprint's life: which statuses each operation starts from. */
export const TRANSITIONS = {
  update: ["planned", "active"],
  start: ["planned"],
  complete: ["active"],
  cancel: ["planned", "active"],
  delete: ["planned"],
} as const satisfies Record<string, readonly SprintStatus[]>;

export type SprintOperation = keyof typeof TRANSITIONS;

/** Why `operation` cannot apply to a sprint in `status`, or undefined when it can. */
export function transitionProblem(operation: SprintOperation, status: SprintStatus): string | undefined {
  const allowed: readonly SprintStatus[] = TRANSITIONS[operation];
  if (allowed.includes(status)) return undefined;
  return `a ${status} sprint cannot ${operation === "update" ? "change" : operation === "delete" ? "be deleted" : operation}; only ${allowed.join(" or ")} sprints can`;
}
