import {
  checkEnum,
  checkId,
  checkOptionalId,
  InvalidArgumentError,
  newId,
  ViolationList,
  type RpcHandler,
} from "@agileboard/kit";
import { CreateWorkItemRequest, WorkItem as WorkItemProto } from "@agileboard/proto";
import { parentProblem } from "../domain/hierarchy.js";
import { rankBetween } from "../domain/rank.js";
import { checkEditableFields, normalizeLabels, type WorkItem } from "../domain/work-item.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import {
  ITEM_TYPE_VALUES,
  itemTypeFromProto,
  PRIORITY_VALUES,
  priorityFromProto,
  STATUS_VALUES,
  statusFromProto,
} from "../wire.js";
import { AccessLevel, checkSprintAssignment, learnSprint, presentItem, type WorkItemsDeps } from "./shared.js";

/** CreateWorkItem: editors add an item at the bottom of the project's order. */
export function createWorkItem(deps: WorkItemsDeps): RpcHandler<CreateWorkItemRequest, WorkItemProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "CreateWorkItem",
        requestType: CreateWorkItemRequest,
        replyType: WorkItemProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
          checkEnum(v, "item_type", r.itemType, ITEM_TYPE_VALUES);
          checkEnum(v, "priority", r.priority, PRIORITY_VALUES, { required: false });
          checkEnum(v, "status", r.status, STATUS_VALUES, { required: false });
          checkOptionalId(v, "parent_id", r.parentId);
          checkOptionalId(v, "sprint_id", r.sprintId);
          checkEditableFields(v, { title: r.title, description: r.description, assigneeId: r.assigneeId, storyPoints: r.storyPoints, labels: r.labels });
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          await deps.access.require(caller, r.projectId, AccessLevel.ACCESS_LEVEL_WRITE);
          if (r.sprintId) await learnSprint(deps, caller, db, r.sprintId);
        },
        execute: (r, tx) => {
          const itemType = itemTypeFromProto(r.itemType) ?? "task";
          if (r.parentId) {
            const parent = workItemsRepo.findById(tx.db, r.parentId);
            const problem = parentProblem(
              { itemType, projectId: r.projectId },
              parent && { id: parent.id, itemType: parent.itemType, projectId: parent.projectId, deleted: parent.deletedAt !== null },
            );
            if (problem) throw new InvalidArgumentError(`'parent_id' ${problem}`, [{ field: "parent_id", description: problem }]);
          }
          if (r.sprintId) checkSprintAssignment(tx.db, r.projectId, r.sprintId);
          const item: WorkItem = {
            id: newId(),
            projectId: r.projectId,
            number: workItemsRepo.nextNumber(tx.db, r.projectId),
            itemType,
            parentId: r.parentId || null,
            title: r.title.trim(),
            description: r.description,
            status: statusFromProto(r.status) ?? "backlog",
            priority: priorityFromProto(r.priority) ?? "medium",
            assigneeId: r.assigneeId || null,
            storyPoints: r.storyPoints ?? null,
            sprintId: r.sprintId || null,
            rank: rankBetween(workItemsRepo.maxRank(tx.db, r.projectId), null),
            labels: normalizeLabels(r.labels),
            version: 1,
            createdAt: tx.now,
            createdBy: call.userId,
            updatedAt: tx.now,
            updatedBy: call.userId,
            deletedAt: null,
          };
          workItemsRepo.insert(tx.db, item);
          tx.recordActivity([{ entityType: "work_item", entityId: item.id, projectId: item.projectId, action: "created" }]);
          const reply = presentItem(tx.db, item);
          tx.emit({ projectId: item.projectId, entity: "work_item", change: { $case: "workItemCreated", value: reply } });
          return reply;
        },
      },
      request,
      call,
    );
}
