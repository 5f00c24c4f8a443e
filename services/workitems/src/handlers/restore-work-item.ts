import { FailedPreconditionError, type RpcHandler } from "@agileboard/kit";
import { RestoreWorkItemRequest, WorkItem as WorkItemProto } from "@agileboard/proto";
import { rankBetween } from "../domain/rank.js";
import { touch } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { AccessLevel, authorizeItem, checkVersion, findItem, validateItemAtVersion, presentItem, type WorkItemsDeps } from "./shared.js";

/** RestoreWorkItem: brings a soft-deleted item back where it was in the order (or next to it). */
export function restoreWorkItem(deps: WorkItemsDeps): RpcHandler<RestoreWorkItemRequest, WorkItemProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "RestoreWorkItem",
        requestType: RestoreWorkItemRequest,
        replyType: WorkItemProto,
        validate: validateItemAtVersion,
        authorize: (r, caller, db) =>
          authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_WRITE, { allowDeleted: true }),
        execute: (r, tx) => {
          const item = findItem(tx.db, r.workItemId);
          checkVersion("work item", item.id, item.version, r.expectedVersion);
          if (item.deletedAt === null) throw new FailedPreconditionError(`work item '${item.id}' is not deleted`);
          if (item.parentId && workItemsRepo.findById(tx.db, item.parentId)?.deletedAt !== null) {
            throw new FailedPreconditionError(`work item '${item.id}' has a deleted parent; restore the parent first`);
          }
          // Another card may have taken the old rank meanwhile: then sit just after it.
          const rank = workItemsRepo.isRankTaken(tx.db, item.projectId, item.rank)
            ? rankBetween(item.rank, workItemsRepo.rankAfter(tx.db, item.projectId, item.rank, item.id))
            : item.rank;
          const restored = touch(item, { deletedAt: null, rank }, call.userId, tx.now);
          workItemsRepo.update(tx.db, restored);
          const base = { entityType: "work_item", entityId: item.id, projectId: item.projectId };
          // A new rank is a changed field like any other: the audit trail (and "as of" reads) must know it.
          tx.recordActivity([
            { ...base, action: "restored" },
            ...(rank !== item.rank ? [{ ...base, action: "updated", fieldName: "rank", oldValue: item.rank, newValue: rank }] : []),
          ]);
          const reply = presentItem(tx.db, restored);
          tx.emit({ projectId: item.projectId, entity: "work_item", change: { $case: "workItemRestored", value: reply } });
          return reply;
        },
      },
      request,
      call,
    );
}
