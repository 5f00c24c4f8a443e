import type { Database } from "better-sqlite3";
import type { Activity } from "@agileboard/proto";
import type { ViolationList } from "./errors.js";
import { perDatabase } from "./storage/per-database.js";

/**
 * "As of" reads: the audit trail turned into time travel. A service rebuilds what an entity looked like at a
 * time T from its row now and the activity rows written after T, undoing them newest first (each row holds
 * the field's old value). The rules per entity live in the owning service's domain; this module holds the
 * shared mechanics.
 */

/** Adds a violation unless `as_of_ms` is 0 (now) or a Unix time in ms. */
export function checkAsOf(v: ViolationList, asOfMs: number | undefined): void {
  if (asOfMs !== undefined && (!Number.isInteger(asOfMs) || asOfMs < 0)) v.add("as_of_ms", "must be a Unix time in ms, or 0 for now");
}

/** Undoes `rowsAfter` (one entity's rows after T, oldest first) on `state`, newest first. */
export function rewind<S>(state: S, rowsAfter: readonly Activity[], undo: (state: S, row: Activity) => S): S {
  let s = state;
  for (let i = rowsAfter.length - 1; i >= 0; i--) s = undo(s, rowsAfter[i] as Activity);
  return s;
}

/**
 * How many changes the rows stand for: one mutation writes all its rows at one clock reading, so distinct
 * times count mutations (two mutations of one entity within the same millisecond count once).
 */
export function changeCount(rows: readonly Activity[]): number {
  return new Set(rows.map((r) => r.atMs)).size;
}

/** Groups rows by entity id, keeping their order. */
export function byEntity(rows: readonly Activity[]): Map<string, Activity[]> {
  const out = new Map<string, Activity[]>();
  for (const row of rows) {
    const list = out.get(row.entityId);
    if (list) list.push(row);
    else out.set(row.entityId, [row]);
  }
  return out;
}

const statements = perDatabase((db) => ({
  lastChange: db.prepare<[string, number], { at: number; user_id: string }>(
    "SELECT at, user_id FROM activity_log WHERE entity_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1",
  ),
  lastAction: db.prepare<[string, string, number], { at: number; user_id: string }>(
    "SELECT at, user_id FROM activity_log WHERE entity_id = ? AND action = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1",
  ),
  lastFieldValue: db.prepare<[string, string, string, number], { at: number; user_id: string }>(
    "SELECT at, user_id FROM activity_log WHERE entity_id = ? AND field_name = ? AND new_value = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1",
  ),
}));

/** The newest audit row of an entity at or before `atMs` (optionally of one action): when and by whom. */
export function lastChangeAtOrBefore(db: Database, entityId: string, atMs: number, action?: string): { atMs: number; userId: string } | undefined {
  const row = action ? statements(db).lastAction.get(entityId, action, atMs) : statements(db).lastChange.get(entityId, atMs);
  return row && { atMs: row.at, userId: row.user_id };
}

/** When a field of an entity last took `value` at or before `atMs` (e.g. when a project was archived). */
export function lastSetAtOrBefore(db: Database, entityId: string, field: string, value: string, atMs: number): number | undefined {
  return statements(db).lastFieldValue.get(entityId, field, value, atMs)?.at;
}
