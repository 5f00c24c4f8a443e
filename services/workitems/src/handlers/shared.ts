import type { Database } from "better-sqlite3";
import {
  checkExpectedVersion,
  checkId,
  ConflictError,
  NotFoundError,
  ViolationList,
  type CallContext,
  type Pipeline,
  type ProjectAccessChecker,
  type Transaction,
} from "@agileboard/kit";
import { AccessLevel } from "@agileboard/proto";
import { diffWorkItems, type WorkItem } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { renderValue, toFieldChanges, workItemToProto } from "../wire.js";

/** What every workitems handler is built from. */
export interface WorkItemsDeps {
  pipeline: Pipeline;
  access: ProjectAccessChecker;
}

/** The item, live or deleted; NOT_FOUND when it never existed. */
export function findItem(db: Database, id: string): WorkItem {
  const item = workItemsRepo.findById(db, id);
  if (!item) throw new NotFoundError(`work item '${id}' not found`);
  return item;
}

/** The live item; NOT_FOUND when missing or deleted. */
export function findLiveItem(db: Database, id: string): WorkItem {
  const item = findItem(db, id);
  if (item.deletedAt !== null) throw new NotFoundError(`work item '${id}' not found`);
  return item;
}

/**
 * Authorizes an action on an existing item: the item's project decides. A caller who cannot see the project
 * gets NOT_FOUND for the item, exactly as for an item that does not exist.
 */
export async function authorizeItem(
  deps: WorkItemsDeps,
  call: CallContext,
  db: () => Database,
  itemId: string,
  level: AccessLevel,
  opts: { allowDeleted?: boolean } = {},
): Promise<void> {
  const item = opts.allowDeleted ? findItem(db(), itemId) : findLiveItem(db(), itemId);
  await deps.access.require(call, item.projectId, level);
}

/** Validates the common shape of a request on one item at a version (delete, restore, ...). */
export function validateItemAtVersion(request: { workItemId: string; expectedVersion: number }): void {
  const v = new ViolationList();
  checkId(v, "work_item_id", request.workItemId);
  checkExpectedVersion(v, request.expectedVersion);
  v.throwIfAny();
}

/** CONFLICT with the current version unless the client saw the latest one. */
export function checkVersion(kind: string, id: string, current: number, expected: number): void {
  if (current !== expected) throw new ConflictError(`${kind} '${id}' is at version ${current}, not ${expected}`, current);
}

/** Writes a changed item with one activity row per changed field and a work_item_updated event. */
export function saveUpdatedItem(tx: Transaction, before: WorkItem, after: WorkItem): WorkItem {
  const diffs = diffWorkItems(before, after);
  if (diffs.length === 0) return before;
  workItemsRepo.update(tx.db, after);
  tx.recordActivity(
    diffs.map((d) => ({
      entityType: "work_item",
      entityId: after.id,
      projectId: after.projectId,
      action: "updated",
      fieldName: d.field,
      oldValue: renderValue(d.field, d.oldValue),
      newValue: renderValue(d.field, d.newValue),
    })),
  );
  tx.emit({
    projectId: after.projectId,
    entity: "work_item",
    change: { $case: "workItemUpdated", value: workItemToProto(after) },
    changes: toFieldChanges(diffs),
  });
  return after;
}

export { AccessLevel };
