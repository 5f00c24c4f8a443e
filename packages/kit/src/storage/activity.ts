import type { Database, Statement } from "better-sqlite3";
import type { Activity } from "@agileboard/proto";
import { newId } from "../ids.js";
import { perDatabase } from "./per-database.js";

/** One audit row to write: who did what to which entity, field by field for updates. */
export interface ActivityEntry {
  entityType: string;
  entityId: string;
  projectId: string;
  action: string;
  /** Proto field name when action is "updated". */
  fieldName?: string;
  oldValue?: string;
  newValue?: string;
  userId: string;
  at: number;
}

/** The filters of an activity query (at least one id is set) and its page. */
export interface ActivityQuery {
  projectId?: string;
  entityId?: string;
  userId?: string;
  /** Only rows at or after this time, Unix ms. */
  sinceMs?: number;
  /** Only rows at or before this time, Unix ms. */
  untilMs?: number;
  limit: number;
  /** Exclusive cursor: rows strictly older than (at, id). */
  before?: { at: number; id: string };
}

interface ActivityRow {
  id: string;
  entity_type: string;
  entity_id: string;
  project_id: string;
  action: string;
  field_name: string | null;
  old_value: string | null;
  new_value: string | null;
  user_id: string;
  at: number;
}

const statements = perDatabase((db) => ({
  /** Query statements by SQL text: a handful of filter shapes, each prepared once. */
  queries: new Map<string, Statement<unknown[], ActivityRow>>(),
  insert: db.prepare(
    `INSERT INTO activity_log (id, entity_type, entity_id, project_id, action, field_name, old_value, new_value, user_id, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
}));

/** Writes audit rows; call inside the change's transaction. */
export function recordActivity(db: Database, entries: readonly ActivityEntry[]): void {
  const insert = statements(db).insert;
  for (const e of entries) {
    insert.run(newId(), e.entityType, e.entityId, e.projectId, e.action, e.fieldName ?? null, e.oldValue ?? null, e.newValue ?? null, e.userId, e.at);
  }
}

/** Activity rows newest first, one page (`limit` rows at most). */
export function queryActivity(db: Database, query: ActivityQuery): Activity[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.projectId) {
    where.push("project_id = ?");
    params.push(query.projectId);
  }
  if (query.entityId) {
    where.push("entity_id = ?");
    params.push(query.entityId);
  }
  if (query.userId) {
    where.push("user_id = ?");
    params.push(query.userId);
  }
  if (query.sinceMs) {
    where.push("at >= ?");
    params.push(query.sinceMs);
  }
  if (query.untilMs) {
    where.push("at <= ?");
    params.push(query.untilMs);
  }
  if (query.before) {
    where.push("(at < ? OR (at = ? AND id < ?))");
    params.push(query.before.at, query.before.at, query.before.id);
  }
  const sql = `SELECT * FROM activity_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY at DESC, id DESC LIMIT ?`;
  return prepared(db, sql).all(...params, query.limit).map(activityOfRow);
}

/** A query statement by its SQL text: a handful of filter shapes, each prepared once per database. */
function prepared(db: Database, sql: string): Statement<unknown[], ActivityRow> {
  const cache = statements(db).queries;
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare<unknown[], ActivityRow>(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/** Which rows `activitySince` reads: one entity type, and one project or some entities. */
export interface ActivitySinceQuery {
  entityType: string;
  projectId?: string;
  entityIds?: readonly string[];
  /** Rows strictly after this time, Unix ms. */
  afterMs: number;
}

/**
 * The audit rows written after a time, oldest first (in time order, then id order: ids are UUID v7, so one
 * mutation's rows keep the order they were written in). What an "as of" read undoes, newest first, to get
 * from the state now back to the state then.
 */
export function activitySince(db: Database, query: ActivitySinceQuery): Activity[] {
  const where = ["entity_type = ?", "at > ?"];
  const params: (string | number)[] = [query.entityType, query.afterMs];
  if (query.projectId) {
    where.push("project_id = ?");
    params.push(query.projectId);
  }
  if (query.entityIds) {
    where.push("entity_id IN (SELECT value FROM json_each(?))");
    params.push(JSON.stringify(query.entityIds));
  }
  return prepared(db, `SELECT * FROM activity_log WHERE ${where.join(" AND ")} ORDER BY at, id`)
    .all(...params)
    .map(activityOfRow);
}

function activityOfRow(r: ActivityRow): Activity {
  return {
    id: r.id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    projectId: r.project_id,
    action: r.action,
    fieldName: r.field_name ?? "",
    oldValue: r.old_value ?? "",
    newValue: r.new_value ?? "",
    userId: r.user_id,
    atMs: r.at,
  };
}
