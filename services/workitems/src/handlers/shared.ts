import type { Database } from "better-sqlite3";
import {
  forwardedMetadata,
  checkExpectedVersion,
  checkId,
  ConflictError,
  FailedPreconditionError,
  NotFoundError,
  ViolationList,
  type CallContext,
  type Pipeline,
  type ProjectAccessChecker,
  type ReplicaRouter,
  type TenantStore,
  type Transaction,
} from "@agileboard/kit";
import { AccessLevel, SprintStatus, SprintsServiceService, type Sprint, type WorkItem as WorkItemProto } from "@agileboard/proto";
import { sprintAssignmentProblem, type SprintView } from "../domain/sprint-assignment.js";
import { sprintsViewRepo } from "../repo/sprints-view-repo.js";
import { diffWorkItems, type WorkItem } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { dependenciesRepo } from "../repo/dependencies-repo.js";
import { timeEntriesRepo } from "../repo/time-entries-repo.js";
import { renderValue, toFieldChanges, workItemToProto } from "../wire.js";

/** What every workitems handler is built from. */
export interface WorkItemsDeps {
  pipeline: Pipeline;
  access: ProjectAccessChecker;
  store: TenantStore;
  /** The sprints service, asked about a sprint whose events have not arrived yet. */
  sprints: ReplicaRouter;
  /** The tenancy service, asked which projects a caller can read (search across projects). */
  tenancy: ReplicaRouter;
}

const SPRINT_STATUS: Partial<Record<SprintStatus, SprintView["status"]>> = {
  [SprintStatus.SPRINT_STATUS_PLANNED]: "planned",
  [SprintStatus.SPRINT_STATUS_ACTIVE]: "active",
  [SprintStatus.SPRINT_STATUS_COMPLETED]: "completed",
  [SprintStatus.SPRINT_STATUS_CANCELLED]: "cancelled",
};

/** What workitems records of a sprint from its wire form. */
export function sprintViewOf(sprint: Sprint, status?: SprintView["status"]): SprintView {
  return { sprintId: sprint.id, projectId: sprint.projectId, status: status ?? SPRINT_STATUS[sprint.status] ?? "planned", version: sprint.version };
}

/**
 * Makes sure the sprint read model knows `sprintId` before a transaction checks an assignment: a sprint
 * created a moment ago may not have reached us through its event yet, so ask the sprints service once.
 */
export async function learnSprint(deps: WorkItemsDeps, call: CallContext, db: () => Database, sprintId: string): Promise<void> {
  if (sprintsViewRepo.find(db(), sprintId)) return;
  try {
    const sprint = await deps.sprints.call(call.tenantId, SprintsServiceService.getSprint, { sprintId }, forwardedMetadata(call));
    sprintsViewRepo.remember(db(), sprintViewOf(sprint), Date.now());
  } catch (err) {
    // Unknown there too: the transaction refuses the assignment with a clear message.
    if (!(err instanceof NotFoundError)) throw err;
  }
}

/** FAILED_PRECONDITION unless an item of `projectId` may join the sprint. */
export function checkSprintAssignment(db: Database, projectId: string, sprintId: string): void {
  const problem = sprintAssignmentProblem(projectId, sprintsViewRepo.find(db, sprintId));
  if (problem) throw new FailedPreconditionError(`'sprint_id' ${sprintId} ${problem}`);
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
  await deps.access.require(call, item.projectId, level, `work item '${itemId}'`);
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

/** Items as clients see them: with the time spent on each and whether an unfinished item blocks it. */
export function presentItems(db: Database, items: readonly WorkItem[]): WorkItemProto[] {
  if (items.length === 0) return [];
  const ids = items.map((i) => i.id);
  const spent = timeEntriesRepo.spentByItem(db, ids);
  const blocked = dependenciesRepo.blockedItems(db, ids);
  return items.map((i) => workItemToProto(i, { isBlocked: blocked.has(i.id), timeSpentMs: spent.get(i.id) ?? 0 }));
}

/** One item as clients see it. */
export function presentItem(db: Database, item: WorkItem): WorkItemProto {
  return presentItems(db, [item])[0] as WorkItemProto;
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
    change: { $case: "workItemUpdated", value: presentItem(tx.db, after) },
    changes: toFieldChanges(diffs),
  });
  return after;
}

export { AccessLevel };
