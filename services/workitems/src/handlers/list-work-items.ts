import { checkEnum, checkId, checkListLength, checkUserId, checkOptionalId, InvalidArgumentError, ViolationList, type RpcHandler } from "@agileboard/kit";
import type { ListWorkItemsRequest, WorkItemList } from "@agileboard/proto";
import type { ItemType, Status } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { ITEM_TYPE_VALUES, itemTypeFromProto, STATUS_VALUES, statusFromProto } from "../wire.js";
import { AccessLevel, presentItems, type WorkItemsDeps } from "./shared.js";

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
          if (r.pageSize < 0 || r.pageSize > MAX_PAGE_SIZE) v.add("page_size", `must be from 0 to ${MAX_PAGE_SIZE}`);
          if (r.pageToken) decodePageToken(r.pageToken, v);
          v.throwIfAny();
        },
        authorize: async (r, caller) => {
          await deps.access.require(caller, r.projectId, AccessLevel.ACCESS_LEVEL_READ);
        },
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_PAGE_SIZE;
          const after = r.pageToken ? decodePageToken(r.pageToken) : undefined;
          const items = workItemsRepo.list(db, {
            projectId: r.projectId,
            statuses: r.statuses.map(statusFromProto).filter((s): s is Status => s !== undefined),
            itemTypes: r.itemTypes.map(itemTypeFromProto).filter((t): t is ItemType => t !== undefined),
            ...(r.assigneeId ? { assigneeId: r.assigneeId } : {}),
            ...(r.sprintId ? { sprintId: r.sprintId } : {}),
            ...(r.parentId ? { parentId: r.parentId } : {}),
            backlogOnly: r.backlogOnly,
            includeDeleted: r.includeDeleted,
            ...(after ? { after } : {}),
            limit: limit + 1,
          });
          const page = items.slice(0, limit);
          const last = page[page.length - 1];
          return {
            items: presentItems(db, page),
            nextPageToken: items.length > limit && last ? encodePageToken({ rank: last.rank, id: last.id }) : "",
          };
        },
      },
      request,
      call,
    );
}

function encodePageToken(cursor: { rank: string; id: string }): string {
  return Buffer.from(JSON.stringify([cursor.rank, cursor.id])).toString("base64url");
}

function decodePageToken(token: string, violations?: ViolationList): { rank: string; id: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && typeof parsed[1] === "string") {
      return { rank: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  if (violations) violations.add("page_token", "is not a token this service issued");
  else throw new InvalidArgumentError("'page_token' is not a token this service issued");
  return undefined;
}
