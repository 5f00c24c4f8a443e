import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";
import type { Comment } from "../domain/comment.js";

interface CommentRow {
  id: string;
  work_item_id: string;
  project_id: string;
  author_id: string;
  body: string;
  version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

const COLUMNS = "id, work_item_id, project_id, author_id, body, version, created_at, updated_at, deleted_at";

const statements = perDatabase((db) => ({
  byId: db.prepare<[string], CommentRow>(`SELECT ${COLUMNS} FROM comments WHERE id = ?`),
  save: db.prepare(
    `INSERT INTO comments (${COLUMNS}) VALUES (@id, @work_item_id, @project_id, @author_id, @body, @version, @created_at, @updated_at, @deleted_at)
     ON CONFLICT (id) DO UPDATE SET body = excluded.body, version = excluded.version, updated_at = excluded.updated_at, deleted_at = excluded.deleted_at`,
  ),
  everyForItem: db.prepare<[string], CommentRow>(`SELECT ${COLUMNS} FROM comments WHERE work_item_id = ? ORDER BY created_at, id`),
  byItem: db.prepare<[string, number, string, number], CommentRow>(
    `SELECT ${COLUMNS} FROM comments WHERE work_item_id = ? AND deleted_at IS NULL AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
  ),
}));

const toComment = (r: CommentRow): Comment => ({
  id: r.id,
  workItemId: r.work_item_id,
  projectId: r.project_id,
  authorId: r.author_id,
  body: r.body,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

/** SQL over the `comments` table. */
export const commentsRepo = {
  findById(db: Database, id: string): Comment | undefined {
    const row = statements(db).byId.get(id);
    return row && toComment(row);
  },
  save(db: Database, c: Comment): void {
    statements(db).save.run({
      id: c.id,
      work_item_id: c.workItemId,
      project_id: c.projectId,
      author_id: c.authorId,
      body: c.body,
      version: c.version,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      deleted_at: c.deletedAt,
    });
  },
  /** Every comment the item ever had, deleted ones included, oldest first ("as of" reads). */
  everyForItem(db: Database, workItemId: string): Comment[] {
    return statements(db).everyForItem.all(workItemId).map(toComment);
  },
  /** Up to `limit` live comments of an item after (`createdAt`, `id`), oldest first. */
  listForItem(db: Database, workItemId: string, page: { after?: readonly [number, string]; limit: number }): Comment[] {
    const [createdAt, id] = page.after ?? [-1, ""];
    return statements(db).byItem.all(workItemId, createdAt, id, page.limit).map(toComment);
  },
};
