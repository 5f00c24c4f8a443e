import { checkAsOf, rowsAfterCursor, checkEnum, checkId, checkListLength, checkOptionalId, checkPageRequest, checkUserId, cutPage, decodePageToken, ViolationList, type RpcHandler } from "@agileboard/kit";
import { WorkItem, type ListWorkItemsRequest, type WorkItemList } from "@agileboard/proto";
import type { ItemType, Status } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { ITEM_TYPE_VALUES, itemTypeFromProto, STATUS_VALUES, statusFromProto } from "../wire.js";
import { AccessLevel, presentItems, type WorkItemsDeps } from "./shared.js";
import { AsOfReader } from "./as-of.js";
import type { Database } from "better-sqlite3";
import type { PageCursor } from "@agileboard/kit";
import type { WorkItem as DomainItem } from "../domain/work-item.js";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;
/** Most values one enum filter may list. */
const MAX_FILTER_VALUES = 16;

/** ListWorkItems: a project's items in rank order, filtered, one page at a time. */
export function listWorkItems(deps: WorkItemsDeps): RpcHandler<ListWorkItemsRequest, WorkItemList> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
          // Checked before walked: a filter names each value at most once or twice, never thousands.
          if (checkListLength(v, "statuses", r.statuses, MAX_FILTER_VALUES)) for (const s of r.statuses) checkEnum(v, "statuses", s, STATUS_VALUES);
          if (checkListLength(v, "item_types", r.itemTypes, MAX_FILTER_VALUES)) for (const t of r.itemTypes) checkEnum(v, "item_types", t, ITEM_TYPE_VALUES);
          checkOptionalId(v, "sprint_id", r.sprintId);
          checkUserId(v, "assignee_id", r.assigneeId, { required: false });
          checkOptionalId(v, "parent_id", r.parentId);
          checkPageRequest(v, r, MAX_PAGE_SIZE, 2);
          checkAsOf(v, r.asOfMs);
          v.throwIfAny();
        },
        authorize: async (r, caller) => {
          await deps.access.require(caller, r.projectId, AccessLevel.ACCESS_LEVEL_READ);
        },
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_PAGE_SIZE;
          const after = decodePageToken(r.pageToken, 2);
          if (r.asOfMs) return listAsOf(db, r, limit, after);
          const rows = workItemsRepo.list(db, {
            projectId: r.projectId,
            statuses: r.statuses.map(statusFromProto).filter((s): s is Status => s !== undefined),
            itemTypes: r.itemTypes.map(itemTypeFromProto).filter((t): t is ItemType => t !== undefined),
            ...(r.assigneeId ? { assigneeId: r.assigneeId } : {}),
            ...(r.sprintId ? { sprintId: r.sprintId } : {}),
            ...(r.parentId ? { parentId: r.parentId } : {}),
            backlogOnly: r.backlogOnly,
            includeDeleted: r.includeDeleted,
            ...(after ? { after: { rank: String(after[0]), id: String(after[1]) } } : {}),
            limit: limit + 1,
          });
          const { page, nextPageToken } = cutPage(presentItems(db, rows), limit, (item) => WorkItem.encode(item).finish().length, (item) => [item.rank, item.id]);
          return { items: page, nextPageToken };
        },
      },
      request,
      call,
    );
}

/** The board as it was at `as_of_ms`: every item of the project rebuilt, then filtered by the values of then. */
function listAsOf(db: Database, r: ListWorkItemsRequest, limit: number, after: PageCursor | undefined): WorkItemList {
  const reader = new AsOfReader(db, r.asOfMs ?? 0);
  const statuses = new Set(r.statuses.map(statusFromProto));
  const types = new Set(r.itemTypes.map(itemTypeFromProto));
  const matches = (i: DomainItem) =>
    (r.includeDeleted || i.deletedAt === null) &&
    (statuses.size === 0 || statuses.has(i.status)) &&
    (types.size === 0 || types.has(i.itemType)) &&
    (!r.assigneeId || i.assigneeId === r.assigneeId) &&
    (!r.sprintId || i.sprintId === r.sprintId) &&
    (!r.backlogOnly || i.sprintId === null) &&
    (!r.parentId || i.parentId === r.parentId);
  const rows = rowsAfterCursor(reader.projectItems(r.projectId).filter(matches), (i) => [i.rank, i.id], after).slice(0, limit + 1);
  const { page, nextPageToken } = cutPage(reader.present(rows), limit, (item) => WorkItem.encode(item).finish().length, (item) => [item.rank, item.id]);
  return { items: page, nextPageToken };
}
