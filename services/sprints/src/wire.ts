import { SprintStatus as SprintStatusProto, WorkItemStatus, type Sprint as SprintProto } from "@agileboard/proto";
import type { Sprint, SprintStatus } from "./domain/sprint.js";

const STATUS_TO_PROTO: Record<SprintStatus, SprintStatusProto> = {
  planned: SprintStatusProto.SPRINT_STATUS_PLANNED,
  active: SprintStatusProto.SPRINT_STATUS_ACTIVE,
  completed: SprintStatusProto.SPRINT_STATUS_COMPLETED,
  cancelled: SprintStatusProto.SPRINT_STATUS_CANCELLED,
};

/** A sprint status as activity rows and field changes show it. */
export const statusName = (s: SprintStatus): string => SprintStatusProto[STATUS_TO_PROTO[s]];
/** The status an activity row names by its proto value name, if any. */
export const statusFromName = (name: string): SprintStatus | undefined =>
  (Object.entries(STATUS_TO_PROTO) as [SprintStatus, number][]).find(([, v]) => SprintStatusProto[v] === name)?.[0];

export function sprintToProto(s: Sprint): SprintProto {
  return {
    id: s.id,
    projectId: s.projectId,
    name: s.name,
    goal: s.goal,
    startsAtMs: s.startsAt,
    endsAtMs: s.endsAt,
    status: STATUS_TO_PROTO[s.status],
    version: s.version,
    startedAtMs: s.startedAt ?? 0,
    completedAtMs: s.completedAt ?? 0,
    carryOverSprintId: s.carryOverSprintId ?? "",
    createdAtMs: s.createdAt,
    createdBy: s.createdBy,
    updatedAtMs: s.updatedAt,
    updatedBy: s.updatedBy,
  };
}

const ITEM_STATUS: Partial<Record<WorkItemStatus, string>> = {
  [WorkItemStatus.WORK_ITEM_STATUS_BACKLOG]: "backlog",
  [WorkItemStatus.WORK_ITEM_STATUS_TODO]: "todo",
  [WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS]: "in_progress",
  [WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW]: "in_review",
  [WorkItemStatus.WORK_ITEM_STATUS_DONE]: "done",
};

/** A work item status from an event, as the read model stores it. */
export const itemStatusOf = (s: WorkItemStatus): string => ITEM_STATUS[s] ?? "backlog";
