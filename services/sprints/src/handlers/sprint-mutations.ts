import type { Database } from "better-sqlite3";
import {
  checkId,
  checkOptionalId,
  FailedPreconditionError,
  InvalidArgumentError,
  newId,
  ViolationList,
  type RpcHandler,
} from "@agileboard/kit";
import {
  CancelSprintRequest,
  CompleteSprintRequest,
  CreateSprintRequest,
  DeleteSprintRequest,
  Sprint as SprintProto,
  StartSprintRequest,
  UpdateSprintRequest,
} from "@agileboard/proto";
import { checkSprintFields, datesProblem, transitionProblem, type Sprint, type SprintOperation } from "../domain/sprint.js";
import { sprintsRepo } from "../repo/sprints-repo.js";
import { sprintToProto, statusName } from "../wire.js";
import {
  AccessLevel,
  authorizeSprint,
  checkVersion,
  findSprint,
  saveSprint,
  validateSprintAtVersion,
  type SprintChange,
  type SprintsDeps,
} from "./shared.js";

function refuseTransition(operation: SprintOperation, sprint: Sprint): void {
  const problem = transitionProblem(operation, sprint.status);
  if (problem) throw new FailedPreconditionError(`sprint '${sprint.id}': ${problem}`);
}

/** The sprint a lifecycle request names, checked: it exists, is at the expected version and may take this step. */
function sprintFor(db: Database, request: { sprintId: string; expectedVersion: number }, operation: SprintOperation): Sprint {
  const sprint = findSprint(db, request.sprintId);
  checkVersion(sprint, request.expectedVersion);
  refuseTransition(operation, sprint);
  return sprint;
}

/** The next version of a sprint: the changes, stamped with who changed it and when. */
function revised(before: Sprint, changes: Partial<Sprint>, now: number, userId: string): Sprint {
  return { ...before, ...changes, version: before.version + 1, updatedAt: now, updatedBy: userId };
}

function statusChange(before: Sprint, after: Sprint): SprintChange {
  return { field: "status", oldValue: statusName(before.status), newValue: statusName(after.status) };
}

/** CreateSprint: editors plan a sprint in their project. */
export function createSprint(deps: SprintsDeps): RpcHandler<CreateSprintRequest, SprintProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "CreateSprint",
        requestType: CreateSprintRequest,
        replyType: SprintProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
          checkSprintFields(v, { name: r.name, goal: r.goal, startsAtMs: r.startsAtMs, endsAtMs: r.endsAtMs });
          const dates = datesProblem(r.startsAtMs, r.endsAtMs);
          if (dates) v.add("ends_at_ms", dates);
          v.throwIfAny();
        },
        authorize: async (r, caller) => {
          await deps.access.require(caller, r.projectId, AccessLevel.ACCESS_LEVEL_WRITE);
        },
        execute: (r, tx) => {
          const sprint: Sprint = {
            id: newId(),
            projectId: r.projectId,
            name: r.name.trim(),
            goal: r.goal,
            startsAt: r.startsAtMs,
            endsAt: r.endsAtMs,
            status: "planned",
            startedAt: null,
            completedAt: null,
            carryOverSprintId: null,
            version: 1,
            createdAt: tx.now,
            createdBy: call.userId,
            updatedAt: tx.now,
            updatedBy: call.userId,
            deletedAt: null,
          };
          return saveSprint(tx, sprint, "created", (value) => ({ $case: "sprintCreated", value }));
        },
      },
      request,
      call,
    );
}

/** UpdateSprint: name, goal and planned dates of a planned or active sprint; only the fields present change. */
export function updateSprint(deps: SprintsDeps): RpcHandler<UpdateSprintRequest, SprintProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "UpdateSprint",
        requestType: UpdateSprintRequest,
        replyType: SprintProto,
        validate: (r) => {
          const v = validateSprintAtVersion(r);
          checkSprintFields(v, { name: r.name, goal: r.goal, startsAtMs: r.startsAtMs, endsAtMs: r.endsAtMs });
          v.throwIfAny();
        },
        authorize: (r, caller, db) => authorizeSprint(deps, caller, db, r.sprintId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const before = sprintFor(tx.db, r, "update");
          const after: Sprint = {
            ...before,
            name: r.name !== undefined ? r.name.trim() : before.name,
            goal: r.goal ?? before.goal,
            startsAt: r.startsAtMs ?? before.startsAt,
            endsAt: r.endsAtMs ?? before.endsAt,
          };
          const dates = datesProblem(after.startsAt, after.endsAt);
          if (dates) throw new InvalidArgumentError(`'ends_at_ms' ${dates}`, [{ field: "ends_at_ms", description: dates }]);
          const fields: SprintChange[] = [];
          if (after.name !== before.name) fields.push({ field: "name", oldValue: before.name, newValue: after.name });
          if (after.goal !== before.goal) fields.push({ field: "goal", oldValue: before.goal, newValue: after.goal });
          if (after.startsAt !== before.startsAt) fields.push({ field: "starts_at_ms", oldValue: String(before.startsAt), newValue: String(after.startsAt) });
          if (after.endsAt !== before.endsAt) fields.push({ field: "ends_at_ms", oldValue: String(before.endsAt), newValue: String(after.endsAt) });
          if (fields.length === 0) return sprintToProto(before);
          const next = revised(before, after, tx.now, call.userId);
          return saveSprint(tx, next, "updated", (value) => ({ $case: "sprintUpdated", value }), fields);
        },
      },
      request,
      call,
    );
}

/** StartSprint: a planned sprint becomes the project's one active sprint. */
export function startSprint(deps: SprintsDeps): RpcHandler<StartSprintRequest, SprintProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "StartSprint",
        requestType: StartSprintRequest,
        replyType: SprintProto,
        validate: (r) => validateSprintAtVersion(r).throwIfAny(),
        authorize: (r, caller, db) => authorizeSprint(deps, caller, db, r.sprintId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const before = sprintFor(tx.db, r, "start");
          const active = sprintsRepo.activeIn(tx.db, before.projectId);
          if (active) throw new FailedPreconditionError(`sprint '${active.name}' (${active.id}) is already active in this project; complete it first`);
          const after = revised(before, { status: "active", startedAt: tx.now, startsAt: before.startsAt || tx.now }, tx.now, call.userId);
          return saveSprint(tx, after, "updated", (value) => ({ $case: "sprintStarted", value }), [statusChange(before, after)]);
        },
      },
      request,
      call,
    );
}

/**
 * CompleteSprint: the active sprint ends. Its unfinished items go to `carry_over_sprint_id` (a planned sprint
 * of the project) or to the backlog — moved by workitems when the sprint_completed event reaches it.
 */
export function completeSprint(deps: SprintsDeps): RpcHandler<CompleteSprintRequest, SprintProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "CompleteSprint",
        requestType: CompleteSprintRequest,
        replyType: SprintProto,
        validate: (r) => {
          const v = validateSprintAtVersion(r);
          checkOptionalId(v, "carry_over_sprint_id", r.carryOverSprintId);
          if (r.carryOverSprintId && r.carryOverSprintId === r.sprintId) v.add("carry_over_sprint_id", "must be another sprint");
          v.throwIfAny();
        },
        authorize: (r, caller, db) => authorizeSprint(deps, caller, db, r.sprintId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const before = sprintFor(tx.db, r, "complete");
          if (r.carryOverSprintId) {
            const next = sprintsRepo.findById(tx.db, r.carryOverSprintId);
            if (!next || next.projectId !== before.projectId || next.status !== "planned") {
              throw new FailedPreconditionError(`'carry_over_sprint_id' ${r.carryOverSprintId} must be a planned sprint of the same project`);
            }
          }
          const after = revised(before, { status: "completed", completedAt: tx.now, carryOverSprintId: r.carryOverSprintId || null }, tx.now, call.userId);
          return saveSprint(tx, after, "updated", (value) => ({ $case: "sprintCompleted", value }), [statusChange(before, after)]);
        },
      },
      request,
      call,
    );
}

/** CancelSprint: a planned or active sprint is called off; its unfinished items go back to the backlog. */
export function cancelSprint(deps: SprintsDeps): RpcHandler<CancelSprintRequest, SprintProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "CancelSprint",
        requestType: CancelSprintRequest,
        replyType: SprintProto,
        validate: (r) => validateSprintAtVersion(r).throwIfAny(),
        authorize: (r, caller, db) => authorizeSprint(deps, caller, db, r.sprintId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const before = sprintFor(tx.db, r, "cancel");
          const after = revised(before, { status: "cancelled", completedAt: tx.now }, tx.now, call.userId);
          return saveSprint(tx, after, "updated", (value) => ({ $case: "sprintCancelled", value }), [statusChange(before, after)]);
        },
      },
      request,
      call,
    );
}

/** DeleteSprint: planned sprints only (soft delete); their items go back to the backlog. */
export function deleteSprint(deps: SprintsDeps): RpcHandler<DeleteSprintRequest, SprintProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "DeleteSprint",
        requestType: DeleteSprintRequest,
        replyType: SprintProto,
        validate: (r) => validateSprintAtVersion(r).throwIfAny(),
        authorize: (r, caller, db) => authorizeSprint(deps, caller, db, r.sprintId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const before = sprintFor(tx.db, r, "delete");
          const after = revised(before, { deletedAt: tx.now }, tx.now, call.userId);
          return saveSprint(tx, after, "deleted", (value) => ({ $case: "sprintDeleted", value }));
        },
      },
      request,
      call,
    );
}
