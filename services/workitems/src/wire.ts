import {
  DependencyKind,
  Priority as PriorityProto,
  WorkItemStatus,
  WorkItemType,
  type Comment as CommentProto,
  type Dependency as DependencyProto,
  type FieldChange,
  type TimeEntry as TimeEntryProto,
  type WorkItem as WorkItemProto,
} from "@agileboard/proto";
import type { Comment } from "./domain/comment.js";
import type { TimeEntry } from "./domain/time-entry.js";
import type { FieldDiff, ItemType, Priority, Status, WorkItem } from "./domain/work-item.js";
import type { DependencyRow } from "./repo/dependencies-repo.js";

const TYPE_TO_PROTO: Record<ItemType, WorkItemType> = {
  epic: WorkItemType.WORK_ITEM_TYPE_EPIC,
  story: WorkItemType.WORK_ITEM_TYPE_STORY,
  task: WorkItemType.WORK_ITEM_TYPE_TASK,
  bug: WorkItemType.WORK_ITEM_TYPE_BUG,
};
const STATUS_TO_PROTO: Record<Status, WorkItemStatus> = {
  backlog: WorkItemStatus.WORK_ITEM_STATUS_BACKLOG,
  todo: WorkItemStatus.WORK_ITEM_STATUS_TODO,
  in_progress: WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS,
  in_review: WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW,
  done: WorkItemStatus.WORK_ITEM_STATUS_DONE,
};
const PRIORITY_TO_PROTO: Record<Priority, PriorityProto> = {
  low: PriorityProto.PRIORITY_LOW,
  medium: PriorityProto.PRIORITY_MEDIUM,
  high: PriorityProto.PRIORITY_HIGH,
  critical: PriorityProto.PRIORITY_CRITICAL,
};

function invert<K extends string, V extends number>(map: Record<K, V>): Map<number, K> {
  return new Map(Object.entries(map).map(([k, v]) => [v as number, k as K]));
}
const TYPE_FROM_PROTO = invert(TYPE_TO_PROTO);
const STATUS_FROM_PROTO = invert(STATUS_TO_PROTO);
const PRIORITY_FROM_PROTO = invert(PRIORITY_TO_PROTO);

/** Proto enum values a request may carry for each enum. */
export const ITEM_TYPE_VALUES = Object.values(TYPE_TO_PROTO);
export const STATUS_VALUES = Object.values(STATUS_TO_PROTO);
export const PRIORITY_VALUES = Object.values(PRIORITY_TO_PROTO);

export const itemTypeFromProto = (v: WorkItemType): ItemType | undefined => TYPE_FROM_PROTO.get(v);
export const statusFromProto = (v: WorkItemStatus): Status | undefined => STATUS_FROM_PROTO.get(v);
export const priorityFromProto = (v: PriorityProto): Priority | undefined => PRIORITY_FROM_PROTO.get(v);
export const statusToProto = (s: Status): WorkItemStatus => STATUS_TO_PROTO[s];

/** What a work item shows besides its own columns. */
export interface WorkItemExtras {
  isBlocked: boolean;
  timeSpentMs: number;
}

export function workItemToProto(w: WorkItem, extras: WorkItemExtras = { isBlocked: false, timeSpentMs: 0 }): WorkItemProto {
  return {
    id: w.id,
    projectId: w.projectId,
    number: w.number,
    itemType: TYPE_TO_PROTO[w.itemType],
    parentId: w.parentId ?? "",
    title: w.title,
    description: w.description,
    status: STATUS_TO_PROTO[w.status],
    priority: PRIORITY_TO_PROTO[w.priority],
    assigneeId: w.assigneeId ?? "",
    storyPoints: w.storyPoints ?? undefined,
    sprintId: w.sprintId ?? "",
    rank: w.rank,
    version: w.version,
    labels: w.labels,
    createdAtMs: w.createdAt,
    createdBy: w.createdBy,
    updatedAtMs: w.updatedAt,
    updatedBy: w.updatedBy,
    deletedAtMs: w.deletedAt ?? 0,
    isBlocked: extras.isBlocked,
    timeSpentMs: extras.timeSpentMs,
  };
}

export function commentToProto(c: Comment): CommentProto {
  return {
    id: c.id,
    workItemId: c.workItemId,
    authorId: c.authorId,
    body: c.body,
    version: c.version,
    projectId: c.projectId,
    createdAtMs: c.createdAt,
    updatedAtMs: c.updatedAt,
    deletedAtMs: c.deletedAt ?? 0,
  };
}

export function timeEntryToProto(e: TimeEntry): TimeEntryProto {
  return {
    id: e.id,
    workItemId: e.workItemId,
    userId: e.userId,
    startedAtMs: e.startedAt,
    endedAtMs: e.endedAt ?? 0,
    durationMs: e.durationMs,
    note: e.note,
    projectId: e.projectId,
    version: e.version,
  };
}

const KIND_TO_PROTO = { blocks: DependencyKind.DEPENDENCY_KIND_BLOCKS, relates_to: DependencyKind.DEPENDENCY_KIND_RELATES_TO } as const;
export const DEPENDENCY_KIND_VALUES = Object.values(KIND_TO_PROTO);
export const dependencyKindFromProto = (k: DependencyKind): DependencyRow["kind"] | undefined =>
  k === DependencyKind.DEPENDENCY_KIND_BLOCKS ? "blocks" : k === DependencyKind.DEPENDENCY_KIND_RELATES_TO ? "relates_to" : undefined;

export function dependencyToProto(d: DependencyRow): DependencyProto {
  return {
    id: d.id,
    blockingItemId: d.blocking_item_id,
    blockedItemId: d.blocked_item_id,
    kind: KIND_TO_PROTO[d.kind],
    projectId: d.project_id,
    createdAtMs: d.created_at,
    createdBy: d.created_by,
  };
}

/** A field value as activity rows and events show it: enum value names, labels comma-separated, "" for none. */
export function renderValue(field: string, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (field === "status") return WorkItemStatus[STATUS_TO_PROTO[value as Status]];
  if (field === "priority") return PriorityProto[PRIORITY_TO_PROTO[value as Priority]];
  if (field === "item_type") return WorkItemType[TYPE_TO_PROTO[value as ItemType]];
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

/**
 * The domain value of a field from its rendering in an activity row (the inverse of `renderValue`): what an
 * "as of" read puts back when it undoes a change. Labels are split at commas, so a label that itself holds a
 * comma comes back as two.
 */
export function parseValue(field: string, text: string): unknown {
  switch (field) {
    case "status":
      return STATUS_FROM_PROTO.get(WorkItemStatus[text as keyof typeof WorkItemStatus] ?? -1) ?? "backlog";
    case "priority":
      return PRIORITY_FROM_PROTO.get(PriorityProto[text as keyof typeof PriorityProto] ?? -1) ?? "medium";
    case "item_type":
      return TYPE_FROM_PROTO.get(WorkItemType[text as keyof typeof WorkItemType] ?? -1) ?? "task";
    case "assignee_id":
    case "sprint_id":
    case "parent_id":
      return text === "" ? null : text;
    case "story_points":
      return text === "" ? null : Number(text);
    case "labels":
      return text === "" ? [] : text.split(",");
    default:
      return text;
  }
}

/** The event's `changes` for a diff. */
export function toFieldChanges(diffs: readonly FieldDiff[]): FieldChange[] {
  return diffs.map((d) => ({ field: d.field, oldValue: renderValue(d.field, d.oldValue), newValue: renderValue(d.field, d.newValue) }));
}
