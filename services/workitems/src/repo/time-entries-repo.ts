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
  byItem: db.prepare<[string], TimeEntryRow>(`SELECT ${COLUMNS} FROM time_entries WHERE work_item_id = ? AND deleted_at IS NULL ORDER BY started_at, id`),
  byUser: db.prepare<[string], TimeEntryRow>(`SELECT ${COLUMNS} FROM time_entries WHERE user_id = ? AND deleted_at IS NULL ORDER BY started_at, id`),
  byItemAndUser: db.prepare<[string, string], TimeEntryRow>(
    `SELECT ${COLUMNS} FROM time_entries WHERE work_item_id = ? AND user_id = ? AND deleted_at IS NULL ORDER BY started_at, id`,
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
  /** Live entries, oldest first, by item and/or user. */
  list(db: Database, filter: { workItemId?: string; userId?: string }): TimeEntry[] {
    const s = statements(db);
    if (filter.workItemId && filter.userId) return s.byItemAndUser.all(filter.workItemId, filter.userId).map(toEntry);
    if (filter.workItemId) return s.byItem.all(filter.workItemId).map(toEntry);
    if (filter.userId) return s.byUser.all(filter.userId).map(toEntry);
    return [];
  },
  /** Finished time per item, for the items given. */
  spentByItem(db: Database, itemIds: readonly string[]): Map<string, number> {
    return new Map(statements(db).spentByItems.all(JSON.stringify(itemIds)).map((r) => [r.work_item_id, r.spent]));
  },
};
