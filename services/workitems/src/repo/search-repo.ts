import type { Database } from "better-sqlite3";
import type { ItemType, Priority, Status, WorkItem } from "../domain/work-item.js";
import { workItemsRepo } from "./work-items-repo.js";

/** What one search reads: the full-text expression (if any) and the filters, all combined with AND. */
export interface SearchFilter {
  /** FTS5 match expression over titles and descriptions; undefined = no full-text condition. */
  match?: string;
  projectIds: readonly string[];
  statuses: readonly Status[];
  types: readonly ItemType[];
  priorities: readonly Priority[];
  assignees: readonly string[];
  sprints: readonly string[];
  labels: readonly string[];
  parents: readonly string[];
  /** Items by (project, number). */
  numbers: readonly { projectId: string; number: number }[];
}

/** One hit: the item and the matched text with [brackets] around the matches. */
export interface SearchRow {
  item: WorkItem;
  snippet: string;
}

/** Characters of a description shown when the query has no words. */
const PLAIN_SNIPPET_CHARS = 160;

function conditions(f: SearchFilter): { where: string[]; params: unknown[] } {
  const where = ["w.deleted_at IS NULL", "w.project_id IN (SELECT value FROM json_each(?))"];
  const params: unknown[] = [JSON.stringify(f.projectIds)];
  const any = (column: string, values: readonly unknown[]) => {
    if (values.length === 0) return;
    where.push(`${column} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(values));
  };
  any("w.status", f.statuses);
  any("w.item_type", f.types);
  any("w.priority", f.priorities);
  any("w.assignee_id", f.assignees);
  any("w.sprint_id", f.sprints);
  any("w.parent_id", f.parents);
  if (f.labels.length > 0) {
    where.push("EXISTS (SELECT 1 FROM json_each(w.labels) l WHERE l.value IN (SELECT value FROM json_each(?)))");
    params.push(JSON.stringify(f.labels));
  }
  if (f.numbers.length > 0) {
    where.push(`(${f.numbers.map(() => "(w.project_id = ? AND w.item_number = ?)").join(" OR ")})`);
    for (const n of f.numbers) params.push(n.projectId, n.number);
  }
  if (f.match !== undefined) {
    where.push("work_items_search MATCH ?");
    params.push(f.match);
  }
  return { where, params };
}

/** SQL of the search: the FTS5 index joined to work_items. */
export const searchRepo = {
  /** One page of hits from `offset`: best matches first (titles weigh 3 times more), else board order. */
  search(db: Database, f: SearchFilter, page: { offset: number; limit: number }): SearchRow[] {
    const { where, params } = conditions(f);
    const columns = `w.id AS id, ${f.match !== undefined ? "snippet(work_items_search, -1, '[', ']', '…', 16)" : `substr(w.description, 1, ${PLAIN_SNIPPET_CHARS})`} AS snippet`;
    const from = f.match !== undefined ? "work_items_search JOIN work_items w ON w.rowid = work_items_search.rowid" : "work_items w";
    const order = f.match !== undefined ? "bm25(work_items_search, 3.0, 1.0), w.id" : "w.project_id, w.rank, w.id";
    const rows = db
      .prepare<unknown[], { id: string; snippet: string }>(`SELECT ${columns} FROM ${from} WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, page.limit, page.offset);
    return rows.flatMap((r) => {
      const item = workItemsRepo.findById(db, r.id);
      return item ? [{ item, snippet: r.snippet }] : [];
    });
  },
  /** How many items match, on all pages. */
  count(db: Database, f: SearchFilter): number {
    const { where, params } = conditions(f);
    const from = f.match !== undefined ? "work_items_search JOIN work_items w ON w.rowid = work_items_search.rowid" : "work_items w";
    return Number(db.prepare(`SELECT COUNT(*) FROM ${from} WHERE ${where.join(" AND ")}`).pluck().get(...params));
  },
};
