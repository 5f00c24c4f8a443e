import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";
import type { Sprint, SprintStatus } from "../domain/sprint.js";

interface SprintRow {
  id: string;
  project_id: string;
  name: string;
  goal: string;
  starts_at: number;
  ends_at: number;
  status: SprintStatus;
  started_at: number | null;
  completed_at: number | null;
  carry_over_sprint_id: string | null;
  version: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  deleted_at: number | null;
}

const COLUMNS = [
  "id",
  "project_id",
  "name",
  "goal",
  "starts_at",
  "ends_at",
  "status",
  "started_at",
  "completed_at",
  "carry_over_sprint_id",
  "version",
  "created_at",
  "created_by",
  "updated_at",
  "updated_by",
  "deleted_at",
] as const;
const SELECT = `SELECT ${COLUMNS.join(", ")} FROM sprints`;

const statements = perDatabase((db) => ({
  byId: db.prepare<[string], SprintRow>(`${SELECT} WHERE id = ? AND deleted_at IS NULL`),
  save: db.prepare(
    `INSERT INTO sprints (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => `@${c}`).join(", ")})
     ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== "id" && c !== "project_id" && c !== "created_at" && c !== "created_by")
       .map((c) => `${c} = excluded.${c}`)
       .join(", ")}`,
  ),
  byProject: db.prepare<[string, number, string, number], SprintRow>(
    `${SELECT} WHERE project_id = ? AND deleted_at IS NULL AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
  ),
  everyInProject: db.prepare<[string], SprintRow>(`${SELECT} WHERE project_id = ? ORDER BY created_at, id`),
  active: db.prepare<[string], SprintRow>(`${SELECT} WHERE project_id = ? AND status = 'active' AND deleted_at IS NULL`),
  lastCompleted: db.prepare<[string, number], SprintRow>(
    `${SELECT} WHERE project_id = ? AND status = 'completed' AND deleted_at IS NULL ORDER BY completed_at DESC, id DESC LIMIT ?`,
  ),
}));

const toSprint = (r: SprintRow): Sprint => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  goal: r.goal,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  status: r.status,
  startedAt: r.started_at,
  completedAt: r.completed_at,
  carryOverSprintId: r.carry_over_sprint_id,
  version: r.version,
  createdAt: r.created_at,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
  deletedAt: r.deleted_at,
});

/** SQL over the `sprints` table. */
export const sprintsRepo = {
  /** A live sprint. */
  findById(db: Database, id: string): Sprint | undefined {
    const row = statements(db).byId.get(id);
    return row && toSprint(row);
  },
  save(db: Database, s: Sprint): void {
    statements(db).save.run({
      id: s.id,
      project_id: s.projectId,
      name: s.name,
      goal: s.goal,
      starts_at: s.startsAt,
      ends_at: s.endsAt,
      status: s.status,
      started_at: s.startedAt,
      completed_at: s.completedAt,
      carry_over_sprint_id: s.carryOverSprintId,
      version: s.version,
      created_at: s.createdAt,
      created_by: s.createdBy,
      updated_at: s.updatedAt,
      updated_by: s.updatedBy,
      deleted_at: s.deletedAt,
    });
  },
  /** Up to `limit` of a project's sprints after (`createdAt`, `id`), oldest first. */
  /** Every sprint the project ever had, deleted ones included, oldest first ("as of" reads). */
  everyInProject(db: Database, projectId: string): Sprint[] {
    return statements(db).everyInProject.all(projectId).map(toSprint);
  },
  listForProject(db: Database, projectId: string, page: { after?: readonly [number, string]; limit: number }): Sprint[] {
    const [createdAt, id] = page.after ?? [-1, ""];
    return statements(db).byProject.all(projectId, createdAt, id, page.limit).map(toSprint);
  },
  activeIn(db: Database, projectId: string): Sprint | undefined {
    const row = statements(db).active.get(projectId);
    return row && toSprint(row);
  },
  /** The project's last `count` completed sprints, newest first. */
  lastCompleted(db: Database, projectId: string, count: number): Sprint[] {
    return statements(db).lastCompleted.all(projectId, count).map(toSprint);
  },
};
