import type { Database } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";

/** A dependency edge. */
export interface DependencyRow {
  id: string;
  blocking_item_id: string;
  blocked_item_id: string;
  kind: "blocks" | "relates_to";
  project_id: string;
  created_at: number;
  created_by: string;
  deleted_at: number | null;
}

const COLUMNS = "id, blocking_item_id, blocked_item_id, kind, project_id, created_at, created_by, deleted_at";

const statements = perDatabase((db) => ({
  byId: db.prepare<[string], DependencyRow>(`SELECT ${COLUMNS} FROM dependencies WHERE id = ?`),
  insert: db.prepare(
    `INSERT INTO dependencies (${COLUMNS}) VALUES (@id, @blocking_item_id, @blocked_item_id, @kind, @project_id, @created_at, @created_by, @deleted_at)`,
  ),
  markDeleted: db.prepare("UPDATE dependencies SET deleted_at = ? WHERE id = ?"),
  between: db.prepare<[string, string, string], DependencyRow>(
    `SELECT ${COLUMNS} FROM dependencies WHERE blocking_item_id = ? AND blocked_item_id = ? AND kind = ? AND deleted_at IS NULL`,
  ),
  blockedBy: db
    .prepare<[string], string>("SELECT blocked_item_id FROM dependencies WHERE blocking_item_id = ? AND kind = 'blocks' AND deleted_at IS NULL")
    .pluck(),
  touching: db.prepare<[string, string, number, string, number], DependencyRow>(
    `SELECT ${COLUMNS} FROM dependencies WHERE (blocking_item_id = ? OR blocked_item_id = ?) AND deleted_at IS NULL
       AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
  ),
  touchingEver: db.prepare<[string, string], DependencyRow>(
    `SELECT ${COLUMNS} FROM dependencies WHERE blocking_item_id = ? OR blocked_item_id = ? ORDER BY created_at, id`,
  ),
  ofProject: db.prepare<[string, number, string, number], DependencyRow>(
    `SELECT ${COLUMNS} FROM dependencies WHERE project_id = ? AND deleted_at IS NULL AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
  ),
  ofProjectEver: db.prepare<[string], DependencyRow>(`SELECT ${COLUMNS} FROM dependencies WHERE project_id = ? ORDER BY created_at, id`),
  blockedItems: db
    .prepare<[string], string>(
      `SELECT DISTINCT d.blocked_item_id FROM dependencies d JOIN work_items b ON b.id = d.blocking_item_id
       WHERE d.blocked_item_id IN (SELECT value FROM json_each(?)) AND d.kind = 'blocks' AND d.deleted_at IS NULL
         AND b.deleted_at IS NULL AND b.status <> 'done'`,
    )
    .pluck(),
}));

/** SQL over the `dependencies` table. */
export const dependenciesRepo = {
  findById(db: Database, id: string): DependencyRow | undefined {
    return statements(db).byId.get(id);
  },
  insert(db: Database, row: DependencyRow): void {
    statements(db).insert.run(row);
  },
  markDeleted(db: Database, id: string, at: number): void {
    statements(db).markDeleted.run(at, id);
  },
  /** The live edge blocking → blocked of this kind, if any. */
  findLive(db: Database, blockingId: string, blockedId: string, kind: DependencyRow["kind"]): DependencyRow | undefined {
    return statements(db).between.get(blockingId, blockedId, kind);
  },
  /** Items that `itemId` blocks (live "blocks" edges). */
  blockedBy(db: Database, itemId: string): string[] {
    return statements(db).blockedBy.all(itemId);
  },
  /** Up to `limit` live edges where the item blocks or is blocked, after (`createdAt`, `id`), oldest first. */
  touching(db: Database, itemId: string, page: { after?: readonly [number, string]; limit: number }): DependencyRow[] {
    const [createdAt, id] = page.after ?? [-1, ""];
    return statements(db).touching.all(itemId, itemId, createdAt, id, page.limit);
  },
  /** Every edge that ever touched the item, removed ones included, oldest first ("as of" reads). */
  touchingEver(db: Database, itemId: string): DependencyRow[] {
    return statements(db).touchingEver.all(itemId, itemId);
  },
  /** Up to `limit` live edges of a project (the blocked item's), after (`createdAt`, `id`), oldest first. */
  ofProject(db: Database, projectId: string, page: { after?: readonly [number, string]; limit: number }): DependencyRow[] {
    const [createdAt, id] = page.after ?? [-1, ""];
    return statements(db).ofProject.all(projectId, createdAt, id, page.limit);
  },
  /** Every edge the project ever had, removed ones included, oldest first. */
  ofProjectEver(db: Database, projectId: string): DependencyRow[] {
    return statements(db).ofProjectEver.all(projectId);
  },
  /** Of the items given, those blocked by a live, unfinished item. */
  blockedItems(db: Database, itemIds: readonly string[]): Set<string> {
    return new Set(statements(db).blockedItems.all(JSON.stringify(itemIds)));
  },
};
