import { requireId, type RpcHandler } from "@agileboard/kit";
import type { GetWorkItemRequest, WorkItem as WorkItemProto } from "@agileboard/proto";
import { AccessLevel, authorizeItem, findItem, presentItem, type WorkItemsDeps } from "./shared.js";

/** GetWorkItem: one item, deleted ones included (deleted_at_ms tells), for anyone who can read its project. */
export function getWorkItem(deps: WorkItemsDeps): RpcHandler<GetWorkItemRequest, WorkItemProto> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => requireId("work_item_id", r.workItemId),
        authorize: (r, caller, db) => authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_READ, { allowDeleted: true }),
        read: (r, db) => presentItem(db, findItem(db, r.workItemId)),
      },
      request,
      call,
    );
}
