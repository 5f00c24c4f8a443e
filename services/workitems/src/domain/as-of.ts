import type { Activity } from "@agileboard/proto";
import { changeCount, rewind } from "@agileboard/kit";
import type { Comment } from "./comment.js";
import type { TimeEntry } from "./time-entry.js";
import { DIFFED_FIELDS, type WorkItem } from "./work-item.js";

/**
 * What workitems' entities looked like at a time T, rebuilt from the row now and the activity rows written
 * after T (oldest first). Exactly:
 * - an entity created after T did not exist;
 * - each field the activity log records field by field (an item's title, description, status, priority,
 *   assignee_id, story_points, sprint_id, parent_id, rank, labels; a comment's body) has the old value of
 *   the oldest change after T, or its value now when nothing changed since;
 * - deleted / restored rows after T are undone (deleted_at is the time of the last deletion at or before T);
 * - version is the version now minus the changes after T; updated_at / updated_by are those of the last
 *   change at or before T;
 * - dependencies and time entries have no field history: a dependency existed from created_at until
 *   deleted_at; a time entry from created_at until deleted_at, running (no end, no duration) until ended_at.
 */

/** What the rules need to know beyond the rows after T (read from the audit trail by the caller). */
export interface AsOfLookups {
  /** The last change of an entity at or before T. */
  lastChange(entityId: string): { atMs: number; userId: string } | undefined;
  /** When an entity was last deleted at or before T. */
  lastDeletedAt(entityId: string): number | undefined;
}

/** Stands for "deleted at some time at or before T" while rows are undone. */
const DELETED_BEFORE = -1;

const FIELD_KEYS = new Map(DIFFED_FIELDS.map(([key, field]) => [field, key]));

/** The item as it was at `asOfMs`; undefined when it did not exist yet. `parse` reads rendered values. */
export function itemAsOf(now: WorkItem, rowsAfter: readonly Activity[], asOfMs: number, lookups: AsOfLookups, parse: (field: string, text: string) => unknown): WorkItem | undefined {
  if (now.createdAt > asOfMs) return undefined;
  if (rowsAfter.length === 0) return now;
  const then = rewind<WorkItem>(now, rowsAfter, (state, row) => {
    if (row.action === "updated") {
      const key = FIELD_KEYS.get(row.fieldName);
      return key ? { ...state, [key]: parse(row.fieldName, row.oldValue) } : state;
    }
    if (row.action === "deleted") return { ...state, deletedAt: null };
    if (row.action === "restored") return { ...state, deletedAt: DELETED_BEFORE };
    return state;
  });
  const last = lookups.lastChange(now.id);
  return {
    ...then,
    deletedAt: then.deletedAt === DELETED_BEFORE ? (lookups.lastDeletedAt(now.id) ?? asOfMs) : then.deletedAt,
    version: Math.max(1, now.version - changeCount(rowsAfter)),
    updatedAt: last?.atMs ?? now.createdAt,
    updatedBy: last?.userId ?? now.createdBy,
  };
}

/** The comment as it was at `asOfMs`; undefined when it did not exist yet. */
export function commentAsOf(now: Comment, rowsAfter: readonly Activity[], asOfMs: number, lookups: AsOfLookups): Comment | undefined {
  if (now.createdAt > asOfMs) return undefined;
  if (rowsAfter.length === 0) return now;
  const then = rewind<Comment>(now, rowsAfter, (state, row) => {
    if (row.action === "updated" && row.fieldName === "body") return { ...state, body: row.oldValue };
    if (row.action === "deleted") return { ...state, deletedAt: null };
    return state;
  });
  return { ...then, version: Math.max(1, now.version - changeCount(rowsAfter)), updatedAt: lookups.lastChange(now.id)?.atMs ?? now.createdAt };
}

/** The time entry as it was at `asOfMs`: undefined before it was created or once deleted; running until it ended. */
export function timeEntryAsOf(now: TimeEntry, asOfMs: number): TimeEntry | undefined {
  if (now.createdAt > asOfMs) return undefined;
  if (now.deletedAt !== null && now.deletedAt <= asOfMs) return undefined;
  if (now.endedAt !== null && now.endedAt > asOfMs && now.createdAt === now.startedAt) return { ...now, endedAt: null, durationMs: 0, deletedAt: null };
  return { ...now, deletedAt: null };
}

/** True when a dependency existed at `asOfMs`. */
export function dependencyExistedAt(edge: { created_at: number; deleted_at: number | null }, asOfMs: number): boolean {
  return edge.created_at <= asOfMs && (edge.deleted_at === null || edge.deleted_at > asOfMs);
}
