import {
  checkEnum,
  checkExpectedVersion,
  checkId,
  checkOptionalId,
  InvalidArgumentError,
  ViolationList,
  type RpcHandler,
} from "@agileboard/kit";
import { UpdateWorkItemRequest, WorkItem as WorkItemProto } from "@agileboard/proto";
import { parentProblem } from "../domain/hierarchy.js";
import { checkEditableFields, normalizeLabels, touch, type WorkItem } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { PRIORITY_VALUES, priorityFromProto, STATUS_VALUES, statusFromProto } from "../wire.js";
import {
  AccessLevel,
  authorizeItem,
  checkSprintAssignment,
  checkVersion,
  findLiveItem,
  learnSprint,
  presentItem,
  saveUpdatedItem,
  type WorkItemsDeps,
} from "./shared.js";

/** UpdateWorkItem: editors change the fields present in the request; an empty id field clears it. */
export function updateWorkItem(deps: WorkItemsDeps): RpcHandler<UpdateWorkItemRequest, WorkItemProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "UpdateWorkItem",
        requestType: UpdateWorkItemRequest,
        replyType: WorkItemProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "work_item_id", r.workItemId);
          checkExpectedVersion(v, r.expectedVersion);
          if (r.status !== undefined) checkEnum(v, "status", r.status, STATUS_VALUES);
          if (r.priority !== undefined) checkEnum(v, "priority", r.priority, PRIORITY_VALUES);
          checkOptionalId(v, "parent_id", r.parentId);
          checkOptionalId(v, "sprint_id", r.sprintId);
          if (r.storyPoints !== undefined && r.clearStoryPoints) v.add("story_points", "cannot be set together with clear_story_points");
          checkEditableFields(v, {
            title: r.title,
            description: r.description,
            assigneeId: r.assigneeId,
            storyPoints: r.storyPoints,
            labels: r.labels?.labels,
          });
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          await authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_WRITE);
          if (r.sprintId) await learnSprint(deps, caller, db, r.sprintId);
        },
        execute: (r, tx) => {
          const before = findLiveItem(tx.db, r.workItemId);
          checkVersion("work item", before.id, before.version, r.expectedVersion);
          const changes: Partial<WorkItem> = {};
          if (r.title !== undefined) changes.title = r.title.trim();
          if (r.description !== undefined) changes.description = r.description;
          if (r.status !== undefined) changes.status = statusFromProto(r.status) ?? before.status;
          if (r.priority !== undefined) changes.priority = priorityFromProto(r.priority) ?? before.priority;
          if (r.assigneeId !== undefined) changes.assigneeId = r.assigneeId || null;
          if (r.storyPoints !== undefined) changes.storyPoints = r.storyPoints;
          if (r.clearStoryPoints) changes.storyPoints = null;
          if (r.labels !== undefined) changes.labels = normalizeLabels(r.labels.labels);
          if (r.sprintId !== undefined && (r.sprintId || null) !== before.sprintId) {
            if (r.sprintId) checkSprintAssignment(tx.db, before.projectId, r.sprintId);
            changes.sprintId = r.sprintId || null;
          }
          if (r.parentId !== undefined && (r.parentId || null) !== before.parentId) {
            if (r.parentId) checkNewParent(tx.db, before, r.parentId);
            changes.parentId = r.parentId || null;
          }
          const after = saveUpdatedItem(tx, before, touch(before, changes, call.userId, tx.now));
          return presentItem(tx.db, after);
        },
      },
      request,
      call,
    );
}

/** Refuses a parent that breaks the hierarchy rules or would make a cycle. */
function checkNewParent(db: Parameters<typeof workItemsRepo.findById>[0], item: WorkItem, parentId: string): void {
  const parent = workItemsRepo.findById(db, parentId);
  const ancestors: string[] = [];
  for (let cursor = parent?.parentId ?? null; cursor && ancestors.length < 64; ) {
    ancestors.push(cursor);
    cursor = workItemsRepo.findById(db, cursor)?.parentId ?? null;
  }
  const problem = parentProblem(
    { id: item.id, itemType: item.itemType, projectId: item.projectId },
    parent && { id: parent.id, itemType: parent.itemType, projectId: parent.projectId, deleted: parent.deletedAt !== null },
    ancestors,
  );
  if (problem) throw new InvalidArgumentError(`'parent_id' ${problem}`, [{ field: "parent_id", description: problem }]);
}
