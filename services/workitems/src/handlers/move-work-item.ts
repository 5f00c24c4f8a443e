import {
  checkEnum,
  checkExpectedVersion,
  checkId,
  checkOptionalId,
  InvalidArgumentError,
  ViolationList,
  type RpcHandler,
} from "@agileboard/kit";
import { MoveWorkItemRequest, WorkItem as WorkItemProto } from "@agileboard/proto";
import type { Database } from "better-sqlite3";
import { orderNeighbours, rankBetween } from "../domain/rank.js";
import { touch, type WorkItem } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { STATUS_VALUES, statusFromProto } from "../wire.js";
import { AccessLevel, authorizeItem, checkVersion, findLiveItem, saveUpdatedItem, presentItem, type WorkItemsDeps } from "./shared.js";

/** MoveWorkItem: drag and drop into a column (status), between two neighbours; rewrites one row. */
export function moveWorkItem(deps: WorkItemsDeps): RpcHandler<MoveWorkItemRequest, WorkItemProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "MoveWorkItem",
        requestType: MoveWorkItemRequest,
        replyType: WorkItemProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "work_item_id", r.workItemId);
          checkExpectedVersion(v, r.expectedVersion);
          checkEnum(v, "status", r.status, STATUS_VALUES, { required: false });
          checkOptionalId(v, "before_id", r.beforeId);
          checkOptionalId(v, "after_id", r.afterId);
          if (r.beforeId && r.beforeId === r.workItemId) v.add("before_id", "cannot be the moved item");
          if (r.afterId && r.afterId === r.workItemId) v.add("after_id", "cannot be the moved item");
          if (r.beforeId && r.beforeId === r.afterId) v.add("after_id", "must differ from before_id");
          v.throwIfAny();
        },
        authorize: (r, caller, db) => authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const before = findLiveItem(tx.db, r.workItemId);
          checkVersion("work item", before.id, before.version, r.expectedVersion);
          const rank = rankForMove(tx.db, before, r.beforeId, r.afterId);
          const status = statusFromProto(r.status) ?? before.status;
          const after = saveUpdatedItem(tx, before, touch(before, { status, rank }, call.userId, tx.now));
          return presentItem(tx.db, after);
        },
      },
      request,
      call,
    );
}

/**
 * A rank that sorts just below `aboveId` and just above `belowId`. The bounds are tightened to the ranks
 * adjacent in the whole project, so the new rank is unique and lands between the named cards in any column.
 */
function rankForMove(db: Database, item: WorkItem, aboveId: string, belowId: string): string {
  const { above, below } = orderNeighbours({
    above: aboveId ? neighbourRank(db, item, aboveId, "before_id") : null,
    below: belowId ? neighbourRank(db, item, belowId, "after_id") : null,
  });
  if (above === null && below === null) {
    // No neighbour named: the bottom of the column.
    const last = workItemsRepo.maxRank(db, item.projectId);
    if (last === item.rank) return item.rank;
    return rankBetween(last, null);
  }
  if (above !== null) {
    const next = workItemsRepo.rankAfter(db, item.projectId, above, item.id);
    const upper = below !== null && (next === null || below < next) ? below : next;
    return rankBetween(above, upper);
  }
  const lower = workItemsRepo.rankBefore(db, item.projectId, below as string, item.id);
  return rankBetween(lower, below);
}

function neighbourRank(db: Database, item: WorkItem, id: string, field: string): string {
  const neighbour = workItemsRepo.findById(db, id);
  if (!neighbour || neighbour.deletedAt !== null || neighbour.projectId !== item.projectId) {
    throw new InvalidArgumentError(`'${field}' must name a live work item of the same project`, [
      { field, description: "must name a live work item of the same project" },
    ]);
  }
  return neighbour.rank;
}
