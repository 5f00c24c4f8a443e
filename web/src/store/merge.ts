import type { WorkItem } from "@agileboard/proto/wire";

// A concurrent edit won: the server is at a newer version than the one an edit was made on. Fields only this
// edit changed are applied again on the new version without asking; only fields both sides changed — to
// different values — need a person to choose.

/** The fields an edit can change, as the board edits them. */
export interface ItemFields {
  title: string;
  description: string;
  status: number;
  priority: number;
  assigneeId: string;
  storyPoints: number | undefined;
  labels: readonly string[];
}

/** The editable field names. */
export type FieldName = keyof ItemFields;

/** The edit's new values, only for the fields it changed. */
export type ItemPatch = Partial<ItemFields>;

/** A field both sides changed to different values. */
export interface FieldConflict {
  field: FieldName;
  /** The value both started from (undefined when the starting point is not known, e.g. after a reload). */
  base: ItemFields[FieldName] | undefined;
  theirs: ItemFields[FieldName];
  mine: ItemFields[FieldName];
}

/** What to do after a CONFLICT. */
export interface MergeResult {
  /** Fields to apply on the new version at once. */
  autoApply: ItemPatch;
  /** Fields that need a choice. */
  conflicts: FieldConflict[];
}

/** The editable fields of an item. */
export function fieldsOf(item: WorkItem): ItemFields {
  return {
    title: item.title,
    description: item.description,
    status: item.status,
    priority: item.priority,
    assigneeId: item.assigneeId,
    storyPoints: item.storyPoints,
    labels: item.labels,
  };
}

/** Field equality (labels compare as lists). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

/**
 * Splits an edit made on `base` against the server's `theirs`: a field they left as it was in `base` is
 * re-applied; a field they changed to what this edit wants needs nothing; a field they changed otherwise is a
 * conflict. Without a known base every field that now differs is a conflict (nothing is overwritten blindly).
 */
export function mergeEdit(base: WorkItem | undefined, mine: ItemPatch, theirs: WorkItem): MergeResult {
  const current = fieldsOf(theirs);
  const start = base ? fieldsOf(base) : undefined;
  const autoApply: ItemPatch = {};
  const conflicts: FieldConflict[] = [];
  for (const field of Object.keys(mine) as FieldName[]) {
    const wanted = mine[field];
    if (sameValue(current[field], wanted)) continue;
    if (start && sameValue(current[field], start[field])) {
      (autoApply as Record<FieldName, unknown>)[field] = wanted;
    } else {
      conflicts.push({ field, base: start?.[field], theirs: current[field], mine: wanted as ItemFields[FieldName] });
    }
  }
  return { autoApply, conflicts };
}

/** The patch an UpdateWorkItemRequest carries (only its present fields). */
export function patchOfUpdate(r: {
  title?: string | undefined;
  description?: string | undefined;
  status?: number | undefined;
  priority?: number | undefined;
  assigneeId?: string | undefined;
  storyPoints?: number | undefined;
  clearStoryPoints?: boolean;
  labels?: { labels: string[] } | undefined;
}): ItemPatch {
  return {
    ...(r.title !== undefined ? { title: r.title } : {}),
    ...(r.description !== undefined ? { description: r.description } : {}),
    ...(r.status !== undefined ? { status: r.status } : {}),
    ...(r.priority !== undefined ? { priority: r.priority } : {}),
    ...(r.assigneeId !== undefined ? { assigneeId: r.assigneeId } : {}),
    ...(r.storyPoints !== undefined ? { storyPoints: r.storyPoints } : {}),
    ...(r.clearStoryPoints ? { storyPoints: undefined } : {}),
    ...(r.labels ? { labels: r.labels.labels } : {}),
  };
}

/** The fields of an UpdateWorkItemRequest that set `patch` at `version`. */
export function updateRequestOf(workItemId: string, version: number, patch: ItemPatch) {
  return {
    workItemId,
    expectedVersion: version,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.status !== undefined ? { status: patch.status } : {}),
    ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
    ...(patch.assigneeId !== undefined ? { assigneeId: patch.assigneeId } : {}),
    ...("storyPoints" in patch ? (patch.storyPoints === undefined ? { clearStoryPoints: true } : { storyPoints: patch.storyPoints }) : {}),
    ...(patch.labels !== undefined ? { labels: { labels: [...patch.labels] } } : {}),
  };
}
