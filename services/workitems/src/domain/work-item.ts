import { checkText, checkUserId, nameProblem, type ViolationList } from "@agileboard/kit";

export const ITEM_TYPES = ["epic", "story", "task", "bug"] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const STATUSES = ["backlog", "todo", "in_progress", "in_review", "done"] as const;
export type Status = (typeof STATUSES)[number];

export const PRIORITIES = ["low", "medium", "high", "critical"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** A work item as workitems stores it. */
export interface WorkItem {
  id: string;
  projectId: string;
  number: number;
  itemType: ItemType;
  parentId: string | null;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  assigneeId: string | null;
  storyPoints: number | null;
  sprintId: string | null;
  rank: string;
  labels: string[];
  version: number;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
  deletedAt: number | null;
}

export const MAX_TITLE_CHARS = 500;
export const MAX_DESCRIPTION_BYTES = 64 * 1024;
export const MAX_STORY_POINTS = 100;
export const MAX_LABELS = 20;
export const MAX_LABEL_CHARS = 50;

/** The client-editable fields of a work item, each optional (a create sets some, an update changes some). */
export interface EditableFields {
  title?: string | undefined;
  description?: string | undefined;
  assigneeId?: string | undefined;
  storyPoints?: number | undefined;
  labels?: readonly string[] | undefined;
}

/** Adds a violation for every present field that breaks its rule. */
export function checkEditableFields(v: ViolationList, f: EditableFields): void {
  if (f.title !== undefined) checkText(v, "title", f.title.trim(), { min: 1, max: MAX_TITLE_CHARS });
  if (f.description !== undefined) checkText(v, "description", f.description, { min: 0, maxBytes: MAX_DESCRIPTION_BYTES });
  if (f.assigneeId) checkUserId(v, "assignee_id", f.assigneeId);
  if (f.storyPoints !== undefined && (!Number.isInteger(f.storyPoints) || f.storyPoints < 0 || f.storyPoints > MAX_STORY_POINTS)) {
    v.add("story_points", `must be an integer from 0 to ${MAX_STORY_POINTS}`);
  }
  if (f.labels !== undefined) {
    if (f.labels.length > MAX_LABELS) v.add("labels", `must have at most ${MAX_LABELS} labels`);
    else if (f.labels.some((l) => nameProblem(l.trim(), MAX_LABEL_CHARS) !== undefined)) {
      v.add("labels", `each label must be 1-${MAX_LABEL_CHARS} characters, without control characters`);
    }
  }
}

/** Trimmed, de-duplicated labels in the order given. */
export function normalizeLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((l) => l.trim()))];
}

/** One changed field: its proto field name and the values before and after. */
export interface FieldDiff {
  field: string;
  oldValue: unknown;
  newValue: unknown;
}

/** Fields compared by `diffWorkItems`, as [domain key, proto field name]. */
export const DIFFED_FIELDS: readonly (readonly [keyof WorkItem, string])[] = [
  ["title", "title"],
  ["description", "description"],
  ["status", "status"],
  ["priority", "priority"],
  ["assigneeId", "assignee_id"],
  ["storyPoints", "story_points"],
  ["sprintId", "sprint_id"],
  ["parentId", "parent_id"],
  ["rank", "rank"],
  ["labels", "labels"],
];

/** What differs between two versions of an item: feeds the activity rows and the event's `changes`. */
export function diffWorkItems(before: WorkItem, after: WorkItem): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  for (const [key, field] of DIFFED_FIELDS) {
    const a = before[key];
    const b = after[key];
    const same = Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;
    if (!same) diffs.push({ field, oldValue: a, newValue: b });
  }
  return diffs;
}

/** The next version of an item after a change by `actor` at `now`. */
export function touch(item: WorkItem, changes: Partial<WorkItem>, actor: string, now: number): WorkItem {
  return { ...item, ...changes, version: item.version + 1, updatedAt: now, updatedBy: actor };
}
