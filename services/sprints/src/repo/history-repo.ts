import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";
import type { ItemVersion } from "../domain/report.js";

interface HistoryRow {
  item_id: string;
  version: number;
  sprint_id: string | null;
  status: string;
  story_points: number | null;
  deleted: number;
  at: number;
}

const statements = perDatabase((db) => ({
  insert: db.prepare(
    `INSERT OR IGNORE INTO work_item_history (item_id, version, project_id, sprint_id, status, story_points, deleted, at, stream_seq)
     VALUES (@item_id, @version, @project_id, @sprint_id, @status, @story_points, @deleted, @at, @stream_seq)`,
  ),
  forSprint: db.prepare<[string], HistoryRow>(
    `SELECT item_id, version, sprint_id, status, story_points, deleted, at FROM work_item_history
     WHERE item_id IN (SELECT DISTINCT item_id FROM work_item_history WHERE sprint_id = ?) ORDER BY item_id, version`,
  ),
  clear: db.prepare("DELETE FROM work_item_history"),
  lastSequence: db.prepare<[string], number>("SELECT COALESCE(MAX(stream_seq), 0) FROM work_item_history WHERE project_id = ?").pluck(),
}));

/** SQL over the sprints service's work item history (its read model). */
export const historyRepo = {
  /** Records one version of an item; a version already known is left as it is. */
  record(db: Database, row: ItemVersion & { projectId: string; streamSequence: number }): void {
    statements(db).insert.run({
      item_id: row.itemId,
      version: row.version,
      project_id: row.projectId,
      sprint_id: row.sprintId,
      status: row.status,
      story_points: row.storyPoints,
      deleted: row.deleted ? 1 : 0,
      at: row.at,
      stream_seq: row.streamSequence,
    });
  },
  /** The newest event log position recorded for a project (0 when none). */
  lastSequence(db: Database, projectId: string): number {
    return statements(db).lastSequence.get(projectId) ?? 0;
  },
  /** Every version of every item that was ever in the sprint. */
  forSprint(db: Database, sprintId: string): ItemVersion[] {
    return statements(db)
      .forSprint.all(sprintId)
      .map((r) => ({
        itemId: r.item_id,
        version: r.version,
        sprintId: r.sprint_id,
        status: r.status,
        storyPoints: r.story_points,
        deleted: r.deleted === 1,
        at: r.at,
      }));
  },
  /** Forgets the whole read model (before a rebuild). */
  clear(db: Database): void {
    statements(db).clear.run();
  },
};
