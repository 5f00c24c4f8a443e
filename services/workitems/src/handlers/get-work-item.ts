import { checkAsOf, checkId, NotFoundError, ViolationList, type RpcHandler } from "@agileboard/kit";
import type { GetWorkItemRequest, WorkItem as WorkItemProto } from "@agileboard/proto";
import type { Database } from "better-sqlite3";
import type { WorkItem } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { AsOfReader } from "./as-of.js";
import { AccessLevel, findItem, presentItem, type WorkItemsDeps } from "./shared.js";

/** The item a request names: by id, or by project and number; NOT_FOUND when there is none. */
function findRequested(db: Database, r: GetWorkItemRequest): WorkItem {
  if (r.workItemId) return findItem(db, r.workItemId);
  const item = workItemsRepo.findByNumber(db, r.projectId ?? "", r.number ?? 0);
  if (!item) throw new NotFoundError(`work item number ${r.number} not found in project '${r.projectId}'`);
  return item;
}

/**
 * GetWorkItem: one item, deleted ones included (deleted_at_ms tells), for anyone who can read its project; by
 * id or by project and number, now or as it was at `as_of_ms`.
 */
export function getWorkItem(deps: WorkItemsDeps): RpcHandler<GetWorkItemRequest, WorkItemProto> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          if (r.workItemId) {
            checkId(v, "work_item_id", r.workItemId);
            if (r.projectId || r.number) v.add("work_item_id", "cannot be given together with project_id and number");
          } else {
            checkId(v, "project_id", r.projectId ?? "");
            if (r.number === undefined || !Number.isInteger(r.number) || r.number < 1) v.add("number", "is required with project_id (1 or more), or give work_item_id");
          }
          checkAsOf(v, r.asOfMs);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          const subject = r.workItemId ? `work item '${r.workItemId}'` : `work item number ${r.number} in project '${r.projectId}'`;
          let item: WorkItem;
          try {
            item = findRequested(db(), r);
          } catch (err) {
            // A project the caller cannot see answers exactly as a missing item.
            if (err instanceof NotFoundError && !r.workItemId) await deps.access.require(caller, r.projectId ?? "", AccessLevel.ACCESS_LEVEL_READ, subject);
            throw err;
          }
          await deps.access.require(caller, item.projectId, AccessLevel.ACCESS_LEVEL_READ, subject);
        },
        read: (r, db) => {
          const item = findRequested(db, r);
          if (!r.asOfMs) return presentItem(db, item);
          const reader = new AsOfReader(db, r.asOfMs);
          const then = reader.item(item.id);
          if (!then) throw new NotFoundError(`work item '${item.id}' did not exist at ${new Date(r.asOfMs).toISOString()}`);
          return reader.present([then])[0] as WorkItemProto;
        },
      },
      request,
      call,
    );
}
