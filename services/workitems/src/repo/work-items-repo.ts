import type { Database, Statement } from "better-sqlite3";
import { perDatabase } from "@agileboard/kit";
import type { ItemType, Priority, Status, WorkItem } from "../domain/work-item.js";

interface WorkItemRow {
  id: string;
  project_id: string;
  item_number: number;
  item_type: ItemType;
  parent_id: string | null;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  assignee_id: string | null;
  story_points: number | null;
  sprint_id: string | null;
  rank: string;
  labels: string;
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
  "item_number",
  "item_type",
  "parent_id",
  "title",
  "description",
  "status",
  "priority",
  "assignee_id",
  "story_points",
  "sprint_id",
  "rank",
  "labels",
  "version",
  "created_at",
  "created_by",
  "updated_at",
  "updated_by",
  "deleted_at",
] as const;

const SELECT = `SELECT ${COLUMNS.join(", ")} FROM work_items`;

/** Filters of a list query; all optional, combined with AND. */
export interface WorkItemFilter {
  projectId: string;
  statuses?: readonly Status[];
  itemTypes?: readonly ItemType[];
  assigneeId?: string;
  sprintId?: string;
  parentId?: string;
  backlogOnly?: boolean;
  includeDeleted?: boolean;
  /** Exclusive cursor in (rank, id) order. */
  after?: { rank: string; id: string };
  limit: number;
}

const statements = perDatabase((db) => ({
  byId: db.prepare<[string], WorkItemRow>(`${SELECT} WHERE id = ?`),
  insert: db.prepare(`INSERT INTO work_items (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => `@${c}`).join(", ")})`),
  update: db.prepare(
    `UPDATE work_items SET ${COLUMNS.filter((c) => c !== "id" && c !== "project_id" && c !== "item_number" && c !== "created_at" && c !== "created_by")
      .map((c) => `${c} = @${c}`)
      .join(", ")} WHERE id = @id`,
  ),
  nextNumber: db.prepare<[string], number>("SELECT COALESCE(MAX(item_number), 0) + 1 FROM work_items WHERE project_id = ?").pluck(),
  maxRank: db.prepare<[string], string>("SELECT MAX(rank) FROM work_items WHERE project_id = ? AND deleted_at IS NULL").pluck(),
  rankAfter: db
    .prepare<[string, string, string], string>(
      "SELECT MIN(rank) FROM work_items WHERE project_id = ? AND deleted_at IS NULL AND rank > ? AND id != ?",
    )
    .pluck(),
  rankBefore: db
    .prepare<[string, string, string], string>(
      "SELECT MAX(rank) FROM work_items WHERE project_id = ? AND deleted_at IS NULL AND rank < ? AND id != ?",
    )
    .pluck(),
  rankTaken: db
    .prepare<[string, string], number>("SELECT COUNT(*) FROM work_items WHERE project_id = ? AND rank = ? AND deleted_at IS NULL")
    .pluck(),
  liveChildren: db.prepare<[string], number>("SELECT COUNT(*) FROM work_items WHERE parent_id = ? AND deleted_at IS NULL").pluck(),
  unfinishedInSprint: db.prepare<[string], WorkItemRow>(`${SELECT} WHERE sprint_id = ? AND deleted_at IS NULL AND status <> 'done'`),
  allInSprint: db.prepare<[string], WorkItemRow>(`${SELECT} WHERE sprint_id = ? AND deleted_at IS NULL`),
  byNumber: db.prepare<[string, number], WorkItemRow>(`${SELECT} WHERE project_id = ? AND item_number = ?`),
  everyInProject: db.prepare<[string], WorkItemRow>(`${SELECT} WHERE project_id = ? ORDER BY rank, id`),
  /** List statements by SQL text: one per filter shape in use. */
  lists: new Map<string, Statement<unknown[], WorkItemRow>>(),
}));

function toWorkItem(row: WorkItemRow): WorkItem {
  return {
    id: row.id,
    projectId: row.project_id,
    number: row.item_number,
    itemType: row.item_type,
    parentId: row.parent_id,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    assigneeId: row.assignee_id,
    storyPoints: row.story_points,
    sprintId: row.sprint_id,
    rank: row.rank,
    labels: JSON.parse(row.labels) as string[],
    version: row.version,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    deletedAt: row.deleted_at,
  };
}

function toRow(w: WorkItem): WorkItemRow {
  return {
    id: w.id,
    project_id: w.projectId,
    item_number: w.number,
    item_type: w.itemType,
    parent_id: w.parentId,
    title: w.title,
    description: w.description,
    status: w.status,
    priority: w.priority,
    assignee_id: w.assigneeId,
    story_points: w.storyPoints,
    sprint_id: w.sprintId,
    rank: w.rank,
    labels: JSON.stringify(w.labels),
    version: w.version,
    created_at: w.createdAt,
    created_by: w.createdBy,
    updated_at: w.updatedAt,
    updated_by: w.updatedBy,
    deleted_at: w.deletedAt,
  };
}

/** SQL over the `work_items` table of one tenant database. */
export const workItemsRepo = {
  /** The item, deleted or not. */
  findById(db: Database, id: string): WorkItem | undefined {
    const row = statements(db).byId.get(id);
    return row && toWorkItem(row);
  },
  /** The item numbered `number` in the project (PAY-42), deleted or not. */
  findByNumber(db: Database, projectId: string, number: number): WorkItem | undefined {
    const row = statements(db).byNumber.get(projectId, number);
    return row && toWorkItem(row);
  },
  /** Every item the project ever had, deleted ones included, in rank order (what an "as of" read rewinds). */
  everyInProject(db: Database, projectId: string): WorkItem[] {
    return statements(db).everyInProject.all(projectId).map(toWorkItem);
  },
  insert(db: Database, item: WorkItem): void {
    statements(db).insert.run(toRow(item));
  },
  update(db: Database, item: WorkItem): void {
    statements(db).update.run(toRow(item));
  },
  /** The number the project's next item gets (numbers are never reused). */
  nextNumber(db: Database, projectId: string): number {
    return statements(db).nextNumber.get(projectId) ?? 1;
  },
  /** The greatest live rank of the project, null when it has no items. */
  maxRank(db: Database, projectId: string): string | null {
    return statements(db).maxRank.get(projectId) ?? null;
  },
  /** The smallest live rank above `rank`, ignoring item `exceptId` (the one being moved). */
  rankAfter(db: Database, projectId: string, rank: string, exceptId: string): string | null {
    return statements(db).rankAfter.get(projectId, rank, exceptId) ?? null;
  },
  /** The greatest live rank below `rank`, ignoring item `exceptId`. */
  rankBefore(db: Database, projectId: string, rank: string, exceptId: string): string | null {
    return statements(db).rankBefore.get(projectId, rank, exceptId) ?? null;
  },
  isRankTaken(db: Database, projectId: string, rank: string): boolean {
    return (statements(db).rankTaken.get(projectId, rank) ?? 0) > 0;
  },
  countLiveChildren(db: Database, id: string): number {
    return statements(db).liveChildren.get(id) ?? 0;
  },
  /** Live items of a sprint: all of them, or only those not done. */
  inSprint(db: Database, sprintId: string, opts: { unfinishedOnly: boolean }): WorkItem[] {
    const s = statements(db);
    return (opts.unfinishedOnly ? s.unfinishedInSprint : s.allInSprint).all(sprintId).map(toWorkItem);
  },
  /** One page of items in rank order. */
  list(db: Database, f: WorkItemFilter): WorkItem[] {
    const where = ["project_id = ?"];
    const params: unknown[] = [f.projectId];
    if (!f.includeDeleted) where.push("deleted_at IS NULL");
    if (f.statuses?.length) {
      where.push(`status IN (${f.statuses.map(() => "?").join(", ")})`);
      params.push(...f.statuses);
    }
    if (f.itemTypes?.length) {
      where.push(`item_type IN (${f.itemTypes.map(() => "?").join(", ")})`);
      params.push(...f.itemTypes);
    }
    if (f.assigneeId) {
      where.push("assignee_id = ?");
      params.push(f.assigneeId);
    }
    if (f.sprintId) {
      where.push("sprint_id = ?");
      params.push(f.sprintId);
    }
    if (f.backlogOnly) where.push("sprint_id IS NULL");
    if (f.parentId) {
      where.push("parent_id = ?");
      params.push(f.parentId);
    }
    if (f.after) {
      where.push("(rank > ? OR (rank = ? AND id > ?))");
      params.push(f.after.rank, f.after.rank, f.after.id);
    }
    const sql = `${SELECT} WHERE ${where.join(" AND ")} ORDER BY rank, id LIMIT ?`;
    const lists = statements(db).lists;
    let statement = lists.get(sql);
    if (!statement) {
      statement = db.prepare<unknown[], WorkItemRow>(sql);
      lists.set(sql, statement);
    }
    return statement.all(...params, f.limit).map(toWorkItem);
  },
};
