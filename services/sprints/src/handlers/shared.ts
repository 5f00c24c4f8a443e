import type { Database } from "better-sqlite3";
import {
  checkExpectedVersion,
  checkId,
  ConflictError,
  NotFoundError,
  ViolationList,
  type CallContext,
  type EventDraft,
  type EventBus,
  type Pipeline,
  type ProjectAccessChecker,
  type TenantStore,
  type Transaction,
} from "@agileboard/kit";
import { AccessLevel, type Sprint as SprintProto } from "@agileboard/proto";
import type { Sprint } from "../domain/sprint.js";
import { sprintsRepo } from "../repo/sprints-repo.js";
import { sprintToProto } from "../wire.js";

/** What every sprints handler is built from. */
export interface SprintsDeps {
  pipeline: Pipeline;
  access: ProjectAccessChecker;
  store: TenantStore;
  bus: EventBus;
}

/** The live sprint; NOT_FOUND when missing or deleted. */
export function findSprint(db: Database, id: string): Sprint {
  const sprint = sprintsRepo.findById(db, id);
  if (!sprint) throw new NotFoundError(`sprint '${id}' not found`);
  return sprint;
}

/** The sprint's project decides; a caller who cannot see it gets NOT_FOUND, as for a missing sprint. */
export async function authorizeSprint(deps: SprintsDeps, call: CallContext, db: () => Database, sprintId: string, level: AccessLevel): Promise<void> {
  await deps.access.require(call, findSprint(db(), sprintId).projectId, level, `sprint '${sprintId}'`);
}

export function checkVersion(sprint: Sprint, expected: number): void {
  if (sprint.version !== expected) throw new ConflictError(`sprint '${sprint.id}' is at version ${sprint.version}, not ${expected}`, sprint.version);
}

/** Validates `{ sprint_id, expected_version }`. */
export function validateSprintAtVersion(r: { sprintId: string; expectedVersion: number }, v = new ViolationList()): ViolationList {
  checkId(v, "sprint_id", r.sprintId);
  checkExpectedVersion(v, r.expectedVersion);
  return v;
}

/** One changed field of a sprint, by proto field name. */
export interface SprintChange {
  field: string;
  oldValue: string;
  newValue: string;
}

/** Saves a sprint change with one activity row per field (or one for the action) and its event. */
export function saveSprint(
  tx: Transaction,
  sprint: Sprint,
  action: string,
  change: (value: SprintProto) => EventDraft["change"],
  fields: readonly SprintChange[] = [],
): SprintProto {
  sprintsRepo.save(tx.db, sprint);
  const base = { entityType: "sprint", entityId: sprint.id, projectId: sprint.projectId, action };
  tx.recordActivity(fields.length === 0 ? [base] : fields.map((f) => ({ ...base, fieldName: f.field, oldValue: f.oldValue, newValue: f.newValue })));
  const value = sprintToProto(sprint);
  tx.emit({ projectId: sprint.projectId, entity: "sprint", change: change(value), ...(fields.length ? { changes: [...fields] } : {}) });
  return value;
}

export { AccessLevel };
