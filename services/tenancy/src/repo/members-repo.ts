import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";
import type { Member } from "../domain/membership.js";
import type { Role } from "../domain/permissions.js";

interface MemberRow {
  project_id: string;
  user_id: string;
  role: Role;
  version: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  deleted_at: number | null;
}

const COLUMNS = "project_id, user_id, role, version, created_at, created_by, updated_at, updated_by, deleted_at";

const statements = perDatabase((db) => ({
  find: db.prepare<[string, string], MemberRow>(`SELECT ${COLUMNS} FROM project_members WHERE project_id = ? AND user_id = ?`),
  upsert: db.prepare(
    `INSERT INTO project_members (${COLUMNS})
     VALUES (@project_id, @user_id, @role, @version, @created_at, @created_by, @updated_at, @updated_by, @deleted_at)
     ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role, version = excluded.version,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by, deleted_at = excluded.deleted_at`,
  ),
  list: db.prepare<[string, number, string, number], MemberRow>(
    `SELECT ${COLUMNS} FROM project_members WHERE project_id = ? AND deleted_at IS NULL AND (created_at, user_id) > (?, ?)
     ORDER BY created_at, user_id LIMIT ?`,
  ),
  everyInProject: db.prepare<[string], MemberRow>(`SELECT ${COLUMNS} FROM project_members WHERE project_id = ? ORDER BY created_at, user_id`),
  countAdmins: db
    .prepare<[string], number>("SELECT COUNT(*) FROM project_members WHERE project_id = ? AND role = 'admin' AND deleted_at IS NULL")
    .pluck(),
}));

function toMember(row: MemberRow): Member {
  return {
    projectId: row.project_id,
    userId: row.user_id,
    role: row.role,
    version: row.version,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    deletedAt: row.deleted_at,
  };
}

/** SQL over the `project_members` table of one tenant database. */
export const membersRepo = {
  /** The membership row, removed or not. */
  find(db: Database, projectId: string, userId: string): Member | undefined {
    const row = statements(db).find.get(projectId, userId);
    return row && toMember(row);
  },
  /** The live member's role, if any. */
  roleOf(db: Database, projectId: string, userId: string): Role | undefined {
    const row = statements(db).find.get(projectId, userId);
    return row && row.deleted_at === null ? row.role : undefined;
  },
  save(db: Database, m: Member): void {
    statements(db).upsert.run({
      project_id: m.projectId,
      user_id: m.userId,
      role: m.role,
      version: m.version,
      created_at: m.createdAt,
      created_by: m.createdBy,
      updated_at: m.updatedAt,
      updated_by: m.updatedBy,
      deleted_at: m.deletedAt,
    });
  },
  /** Up to `limit` live members after (`afterCreatedAt`, `afterUserId`), in the order they joined. */
  listLive(db: Database, projectId: string, page: { after?: readonly [number, string]; limit: number }): Member[] {
    const [createdAt, userId] = page.after ?? [-1, ""];
    return statements(db).list.all(projectId, createdAt, userId, page.limit).map(toMember);
  },
  /** Every membership row the project ever had, removed ones included, in joining order ("as of" reads). */
  everyInProject(db: Database, projectId: string): Member[] {
    return statements(db).everyInProject.all(projectId).map(toMember);
  },
  countAdmins(db: Database, projectId: string): number {
    return statements(db).countAdmins.get(projectId) ?? 0;
  },
};
