import type { Database } from "better-sqlite3";
import { activitySince, byEntity, lastChangeAtOrBefore } from "@agileboard/kit";
import type { WorkItem as WorkItemProto } from "@agileboard/proto";
import { commentAsOf, dependencyExistedAt, itemAsOf, timeEntryAsOf, type AsOfLookups } from "../domain/as-of.js";
import type { Comment } from "../domain/comment.js";
import type { TimeEntry } from "../domain/time-entry.js";
import type { WorkItem } from "../domain/work-item.js";
import { commentsRepo } from "../repo/comments-repo.js";
import { dependenciesRepo, type DependencyRow } from "../repo/dependencies-repo.js";
import { timeEntriesRepo, type TimeEntryFilter } from "../repo/time-entries-repo.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { parseValue, workItemToProto } from "../wire.js";

/**
 * Reads workitems' data as it was at one time, by the rules of `domain/as-of.ts`: rows now, rewound with the
 * activity rows written since. One reader per request; it remembers the items it rebuilt.
 */
export class AsOfReader {
  private readonly items = new Map<string, WorkItem | undefined>();
  private readonly lookups: AsOfLookups;

  constructor(
    private readonly db: Database,
    /** The time asked about, Unix ms. */
    readonly asOfMs: number,
  ) {
    this.lookups = {
      lastChange: (id) => lastChangeAtOrBefore(db, id, asOfMs),
      lastDeletedAt: (id) => lastChangeAtOrBefore(db, id, asOfMs, "deleted")?.atMs,
    };
  }

  /** One item then (deleted ones included, as deleted); undefined when it did not exist yet. */
  item(id: string): WorkItem | undefined {
    if (this.items.has(id)) return this.items.get(id);
    const now = workItemsRepo.findById(this.db, id);
    const then = now && itemAsOf(now, activitySince(this.db, { entityType: "work_item", entityIds: [id], afterMs: this.asOfMs }), this.asOfMs, this.lookups, parseValue);
    this.items.set(id, then);
    return then;
  }

  /** Every item of the project then, deleted ones included, in the rank order of that time. */
  projectItems(projectId: string): WorkItem[] {
    const rows = byEntity(activitySince(this.db, { entityType: "work_item", projectId, afterMs: this.asOfMs }));
    const out: WorkItem[] = [];
    for (const now of workItemsRepo.everyInProject(this.db, projectId)) {
      const then = itemAsOf(now, rows.get(now.id) ?? [], this.asOfMs, this.lookups, parseValue);
      this.items.set(now.id, then);
      if (then) out.push(then);
    }
    return out.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The item's comments then (live at that time), oldest first. */
  comments(workItemId: string): Comment[] {
    const rows = byEntity(
      activitySince(this.db, { entityType: "comment", entityIds: commentsRepo.everyForItem(this.db, workItemId).map((c) => c.id), afterMs: this.asOfMs }),
    );
    return commentsRepo
      .everyForItem(this.db, workItemId)
      .map((c) => commentAsOf(c, rows.get(c.id) ?? [], this.asOfMs, this.lookups))
      .filter((c): c is Comment => c !== undefined && c.deletedAt === null);
  }

  /** Time entries by item and/or user that existed then, oldest first. */
  timeEntries(filter: TimeEntryFilter): TimeEntry[] {
    return timeEntriesRepo
      .everything(this.db, filter)
      .map((e) => timeEntryAsOf(e, this.asOfMs))
      .filter((e): e is TimeEntry => e !== undefined);
  }

  /** Dependencies touching the item that existed then, oldest first. */
  dependenciesOf(workItemId: string): DependencyRow[] {
    return dependenciesRepo.touchingEver(this.db, workItemId).filter((d) => dependencyExistedAt(d, this.asOfMs));
  }

  /** Dependencies of the project that existed then, oldest first. */
  dependenciesOfProject(projectId: string): DependencyRow[] {
    return dependenciesRepo.ofProjectEver(this.db, projectId).filter((d) => dependencyExistedAt(d, this.asOfMs));
  }

  /** Items as clients see them, with is_blocked and time_spent_ms of that time too. */
  present(items: readonly WorkItem[]): WorkItemProto[] {
    return items.map((item) => workItemToProto(item, { isBlocked: this.isBlocked(item.id), timeSpentMs: this.timeSpent(item.id) }));
  }

  private isBlocked(id: string): boolean {
    return this.dependenciesOf(id).some((d) => {
      if (d.kind !== "blocks" || d.blocked_item_id !== id) return false;
      const blocking = this.item(d.blocking_item_id);
      return blocking !== undefined && blocking.deletedAt === null && blocking.status !== "done";
    });
  }

  private timeSpent(id: string): number {
    return this.timeEntries({ workItemId: id })
      .filter((e) => e.endedAt !== null)
      .reduce((sum, e) => sum + e.durationMs, 0);
  }
}
