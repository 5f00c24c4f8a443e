import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";
import type { Project } from "../domain/project.js";

interface ProjectRow {
  id: string;
  project_key: string;
  name: string;
  description: string;
  archived_at: number | null;
  version: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

const COLUMNS = "id, project_key, name, description, archived_at, version, created_at, created_by, updated_at, updated_by";

const statements = perDatabase((db) => ({
  byId: db.prepare<[string], ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE id = ? AND deleted_at IS NULL`),
  byKey: db.prepare<[string], ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE project_key = ? AND deleted_at IS NULL`),
  insert: db.prepare(
    `INSERT INTO projects (${COLUMNS}) VALUES (@id, @project_key, @name, @description, @archived_at, @version, @created_at, @created_by, @updated_at, @updated_by)`,
  ),
  update: db.prepare(
    `UPDATE projects SET name = @name, description = @description, archived_at = @archived_at, version = @version,
       updated_at = @updated_at, updated_by = @updated_by WHERE id = @id`,
  ),
  // Pages in key order: keys after `?`, archived ones only when the flag is 1.
  all: db.prepare<[string, number, number], ProjectRow>(
    `SELECT ${COLUMNS} FROM projects WHERE deleted_at IS NULL AND project_key > ? AND (archived_at IS NULL OR ?)
     ORDER BY project_key LIMIT ?`,
  ),
  forUser: db.prepare<[string, string, number, number], ProjectRow>(
    `SELECT ${COLUMNS.split(", ").map((c) => `p.${c}`).join(", ")} FROM projects p
     JOIN project_members m ON m.project_id = p.id AND m.deleted_at IS NULL
     WHERE m.user_id = ? AND p.deleted_at IS NULL AND p.project_key > ? AND (p.archived_at IS NULL OR ?)
     ORDER BY p.project_key LIMIT ?`,
  ),
}));

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    key: row.project_key,
    name: row.name,
    description: row.description,
    archivedAt: row.archived_at,
    version: row.version,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function toRow(p: Project): ProjectRow {
  return {
    id: p.id,
    project_key: p.key,
    name: p.name,
    description: p.description,
    archived_at: p.archivedAt,
    version: p.version,
    created_at: p.createdAt,
    created_by: p.createdBy,
    updated_at: p.updatedAt,
    updated_by: p.updatedBy,
  };
}

/** Which page of projects to read. */
export interface ProjectPage {
  /** Keys after this one ("" = from the first). */
  afterKey: string;
  includeArchived: boolean;
  limit: number;
}

/** SQL over the `projects` table of one tenant database. */
export const projectsRepo = {
  findById(db: Database, id: string): Project | undefined {
    const row = statements(db).byId.get(id);
    return row && toProject(row);
  },
  findByKey(db: Database, key: string): Project | undefined {
    const row = statements(db).byKey.get(key);
    return row && toProject(row);
  },
  insert(db: Database, project: Project): void {
    statements(db).insert.run(toRow(project));
  },
  update(db: Database, project: Project): void {
    statements(db).update.run(toRow(project));
  },
  /** Up to `limit` projects with keys after `afterKey` ("" = from the start), in key order (tenant admins: all). */
  listAll(db: Database, page: ProjectPage): Project[] {
    return statements(db).all.all(page.afterKey, page.includeArchived ? 1 : 0, page.limit).map(toProject);
  },
  /** Up to `limit` projects where the user is a member, with keys after `afterKey`, in key order. */
  listForMember(db: Database, userId: string, page: ProjectPage): Project[] {
    return statements(db).forUser.all(userId, page.afterKey, page.includeArchived ? 1 : 0, page.limit).map(toProject);
  },
};
