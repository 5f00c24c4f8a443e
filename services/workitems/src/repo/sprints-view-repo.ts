import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";
import type { SprintView } from "../domain/sprint-assignment.js";

const statements = perDatabase((db) => ({
  find: db.prepare<[string], { sprint_id: string; project_id: string; status: SprintView["status"]; version: number }>(
    "SELECT sprint_id, project_id, status, version FROM sprints_view WHERE sprint_id = ?",
  ),
  upsert: db.prepare(
    `INSERT INTO sprints_view (sprint_id, project_id, status, version, updated_at) VALUES (@sprint_id, @project_id, @status, @version, @updated_at)
     ON CONFLICT (sprint_id) DO UPDATE SET project_id = excluded.project_id, status = excluded.status, version = excluded.version,
       updated_at = excluded.updated_at
     WHERE excluded.version >= sprints_view.version`,
  ),
}));

/** SQL over workitems' read model of sprints. */
export const sprintsViewRepo = {
  find(db: Database, sprintId: string): SprintView | undefined {
    const row = statements(db).find.get(sprintId);
    return row && { sprintId: row.sprint_id, projectId: row.project_id, status: row.status, version: row.version };
  },
  /** Records what is known of a sprint, unless something newer is known already. */
  remember(db: Database, view: SprintView, now: number): void {
    statements(db).upsert.run({ sprint_id: view.sprintId, project_id: view.projectId, status: view.status, version: view.version, updated_at: now });
  },
};
