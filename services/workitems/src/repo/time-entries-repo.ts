import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";
import type { TimeEntry } from "../domain/time-entry.js";

interface TimeEntryRow {
  id: string;
  work_item_id: string;
  project_id: string;
  user_id: string;
  started_at: number;
  ended_at: number | null;
  duration_ms: number;
  note: string;
  version: number;
  created_at: number;
  deleted_at: number | null;
}

const COLUMNS = "id, work_item_id, project_id, user_id, started_at, ended_at, duration_ms, note, version, created_at, deleted_at";

const statements = perDatabase((db) => ({
  byId: db.prepare<[string], TimeEntryRow>(`SELECT ${COLUMNS} FROM time_entries WHERE id = ?`),
  running: db.prepare<[string], TimeEntryRow>(`SELECT ${COLUMNS} FROM time_entries WHERE user_id = ? AND ended_at IS NULL AND deleted_at IS NULL`),
  save: db.prepare(
    `INSERT INTO time_entries (${COLUMNS})
     VALUES (@id, @work_item_id, @project_id, @user_id, @started_at, @ended_at, @duration_ms, @note, @version, @created_at, @deleted_at)
     ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, duration_ms = excluded.duration_ms, note = excluded.note,
       version = excluded.version, deleted_at = excluded.deleted_at`,
  ),
  // One statement for the three filters: an empty filter value matches every row.
  page: db.prepare<[string, string, string, string, number, string, number], TimeEntryRow>(
    `SELECT ${COLUMNS} FROM time_entries
     WHERE (? = '' OR work_item_id = ?) AND (? = '' OR user_id = ?) AND deleted_at IS NULL AND (started_at, id) > (?, ?)
     ORDER BY started_at, id LIMIT ?`,
  ),
  everything: db.prepare<[string, string, string, string], TimeEntryRow>(
    `SELECT ${COLUMNS} FROM time_entries WHERE (? = '' OR work_item_id = ?) AND (? = '' OR user_id = ?) ORDER BY started_at, id`,
  ),
  totalsByProject: db.prepare<[number, string, string, string, string], { project_id: string; total: number }>(
    `SELECT project_id, SUM(CASE WHEN ended_at IS NULL THEN MAX(0, ? - started_at) ELSE duration_ms END) AS total FROM time_entries
     WHERE (? = '' OR work_item_id = ?) AND (? = '' OR user_id = ?) AND deleted_at IS NULL GROUP BY project_id`,
  ),
  spentByItems: db.prepare<[string], { work_item_id: string; spent: number }>(
    `SELECT work_item_id, SUM(duration_ms) AS spent FROM time_entries
     WHERE work_item_id IN (SELECT value FROM json_each(?)) AND ended_at IS NOT NULL AND deleted_at IS NULL GROUP BY work_item_id`,
  ),
}));

const toEntry = (r: TimeEntryRow): TimeEntry => ({
  id: r.id,
  workItemId: r.work_item_id,
  projectId: r.project_id,
  userId: r.user_id,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  durationMs: r.duration_ms,
  note: r.note,
  version: r.version,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

/** Which entries to list: by item, by user, or both. */
export interface TimeEntryFilter {
  workItemId?: string;
  userId?: string;
}

/** SQL over the `time_entries` table. */
export const timeEntriesRepo = {
  findById(db: Database, id: string): TimeEntry | undefined {
    const row = statements(db).byId.get(id);
    return row && toEntry(row);
  },
  /** The user's running timer in this tenant, if any (at most one, by a unique index). */
  runningFor(db: Database, userId: string): TimeEntry | undefined {
    const row = statements(db).running.get(userId);
    return row && toEntry(row);
  },
  save(db: Database, e: TimeEntry): void {
    statements(db).save.run({
      id: e.id,
      work_item_id: e.workItemId,
      project_id: e.projectId,
      user_id: e.userId,
      started_at: e.startedAt,
      ended_at: e.endedAt,
      duration_ms: e.durationMs,
      note: e.note,
      version: e.version,
      created_at: e.createdAt,
      deleted_at: e.deletedAt,
    });
  },
  /** Up to `limit` live entries by item and/or user (at least one given), after (`startedAt`, `id`), oldest first. */
  list(db: Database, filter: TimeEntryFilter, page: { after?: readonly [number, string]; limit: number }): TimeEntry[] {
    const item = filter.workItemId ?? "";
    const user = filter.userId ?? "";
    if (!item && !user) return [];
    const [startedAt, id] = page.after ?? [Number.MIN_SAFE_INTEGER, ""];
    return statements(db).page.all(item, item, user, user, startedAt, id, page.limit).map(toEntry);
  },
  /** Every entry by item and/or user, deleted ones included, oldest first ("as of" reads). */
  everything(db: Database, filter: TimeEntryFilter): TimeEntry[] {
    const item = filter.workItemId ?? "";
    const user = filter.userId ?? "";
    if (!item && !user) return [];
    return statements(db).everything.all(item, item, user, user).map(toEntry);
  },
  /** Time of every live entry matching the filter, per project (running timers count until `now`). */
  totalsByProject(db: Database, filter: TimeEntryFilter, now: number): Map<string, number> {
    const item = filter.workItemId ?? "";
    const user = filter.userId ?? "";
    if (!item && !user) return new Map();
    return new Map(statements(db).totalsByProject.all(now, item, item, user, user).map((r) => [r.project_id, r.total]));
  },
  /** Finished time per item, for the items given. */
  spentByItem(db: Database, itemIds: readonly string[]): Map<string, number> {
    return new Map(statements(db).spentByItems.all(JSON.stringify(itemIds)).map((r) => [r.work_item_id, r.spent]));
  },
};
