import { activitySince, byEntity, checkAsOf, lastChangeAtOrBefore, rowsAfterCursor, checkId, checkPageRequest, cutPage, decodePageToken, requireId, ViolationList, type RpcHandler } from "@agileboard/kit";
import { Sprint as SprintProto, type GetSprintReportRequest, type GetSprintRequest, type ListSprintsRequest, type SprintList, type SprintReport } from "@agileboard/proto";
import { sprintFigures } from "../domain/report.js";
import { historyRepo } from "../repo/history-repo.js";
import { sprintsRepo } from "../repo/sprints-repo.js";
import { sprintToProto, statusFromName } from "../wire.js";
import { sprintAsOf } from "../domain/as-of.js";
import type { Sprint } from "../domain/sprint.js";
import type { Database } from "better-sqlite3";
import { AccessLevel, authorizeSprint, findSprint, type SprintsDeps } from "./shared.js";
import { catchUpProject } from "./work-item-events.js";

const DEFAULT_PAGE_SIZE = 200;
const MAX_PAGE_SIZE = 500;

/** How many completed sprints the velocity chart shows. */
export const VELOCITY_SPRINTS = 5;

/** ListSprints: a project's sprints, oldest first. */
export function listSprints(deps: SprintsDeps): RpcHandler<ListSprintsRequest, SprintList> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
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
          const rows = r.asOfMs
            ? rowsAfterCursor(sprintsAsOf(db, r.projectId, r.asOfMs), (s) => [s.createdAt, s.id], after).slice(0, limit + 1)
            : sprintsRepo.listForProject(db, r.projectId, { ...(after ? { after: [Number(after[0]), String(after[1])] as const } : {}), limit: limit + 1 });
          const { page, nextPageToken } = cutPage(rows, limit, (s) => SprintProto.encode(sprintToProto(s)).finish().length, (s) => [s.createdAt, s.id]);
          return { sprints: page.map(sprintToProto), nextPageToken };
        },
      },
      request,
      call,
    );
}

/** GetSprint: one sprint. */
export function getSprint(deps: SprintsDeps): RpcHandler<GetSprintRequest, SprintProto> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => requireId("sprint_id", r.sprintId),
        authorize: (r, caller, db) => authorizeSprint(deps, caller, db, r.sprintId, AccessLevel.ACCESS_LEVEL_READ),
        read: (r, db) => sprintToProto(findSprint(db, r.sprintId)),
      },
      request,
      call,
    );
}

/**
 * GetSprintReport: committed and completed points, the burndown, and velocity over the project's last
 * completed sprints — all from this service's own read model of work item events.
 */
export function getSprintReport(deps: SprintsDeps): RpcHandler<GetSprintReportRequest, SprintReport> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => requireId("sprint_id", r.sprintId),
        authorize: async (r, caller, db) => {
          await authorizeSprint(deps, caller, db, r.sprintId, AccessLevel.ACCESS_LEVEL_READ);
          await catchUpProject(deps.bus, db, caller.tenantId, findSprint(db(), r.sprintId).projectId);
        },
        read: (r, db) => {
          const now = Date.now();
          const sprint = findSprint(db, r.sprintId);
          const figures = sprintFigures(sprint, historyRepo.forSprint(db, sprint.id), now);
          const velocity = sprintsRepo
            .lastCompleted(db, sprint.projectId, VELOCITY_SPRINTS)
            .reverse()
            .map((done) => {
              const f = done.id === sprint.id ? figures : sprintFigures(done, historyRepo.forSprint(db, done.id), now);
              return { sprintId: done.id, sprintName: done.name, committedPoints: f.committedPoints, completedPoints: f.completedPoints };
            });
          return {
            sprintId: sprint.id,
            burndown: figures.burndown,
            committedPoints: figures.committedPoints,
            completedPoints: figures.completedPoints,
            velocity,
          };
        },
      },
      request,
      call,
    );
}

/** The project's sprints as they were at `asOfMs` (those that existed and were not deleted then). */
function sprintsAsOf(db: Database, projectId: string, asOfMs: number): Sprint[] {
  const rows = byEntity(activitySince(db, { entityType: "sprint", projectId, afterMs: asOfMs }));
  return sprintsRepo
    .everyInProject(db, projectId)
    .map((s) => sprintAsOf(s, rows.get(s.id) ?? [], asOfMs, lastChangeAtOrBefore(db, s.id, asOfMs), statusFromName))
    .filter((s): s is Sprint => s !== undefined && s.deletedAt === null);
}
