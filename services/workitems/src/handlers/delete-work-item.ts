import { FailedPreconditionError, type RpcHandler } from "@agileboard/kit";
import { DeleteWorkItemRequest, WorkItem as WorkItemProto } from "@agileboard/proto";
import { touch } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { AccessLevel, authorizeItem, checkVersion, findLiveItem, validateItemAtVersion, presentItem, type WorkItemsDeps } from "./shared.js";

/** DeleteWorkItem: soft delete; an item with live children keeps them from being orphaned and is refused. */
export function deleteWorkItem(deps: WorkItemsDeps): RpcHandler<DeleteWorkItemRequest, WorkItemProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "DeleteWorkItem",
        requestType: DeleteWorkItemRequest,
        replyType: WorkItemProto,
        validate: validateItemAtVersion,
        authorize: (r, caller, db) => authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const item = findLiveItem(tx.db, r.workItemId);
          checkVersion("work item", item.id, item.version, r.expectedVersion);
          const children = workItemsRepo.countLiveChildren(tx.db, item.id);
          if (children > 0) {
            throw new FailedPreconditionError(`work item '${item.id}' has ${children} live child item(s); delete or re-parent them first`);
          }
          const deleted = touch(item, { deletedAt: tx.now }, call.userId, tx.now);
          workItemsRepo.update(tx.db, deleted);
          tx.recordActivity([{ entityType: "work_item", entityId: item.id, projectId: item.projectId, action: "deleted" }]);
          const reply = presentItem(tx.db, deleted);
          tx.emit({ projectId: item.projectId, entity: "work_item", change: { $case: "workItemDeleted", value: reply } });
          return reply;
        },
      },
      request,
      call,
    );
}
