import { listActivityHandler, type EventConsumerSpec, type ServiceHandlers, type ServiceRuntime } from "@agileboard/kit";
import { AccessLevel, type SprintsServiceService } from "@agileboard/proto";
import { rebuildReportModel } from "./rebuild.js";
import type { SprintsDeps } from "./shared.js";
import { cancelSprint, completeSprint, createSprint, deleteSprint, startSprint, updateSprint } from "./sprint-mutations.js";
import { getSprint, getSprintReport, listSprints } from "./sprint-queries.js";
import { workItemEventsConsumer } from "./work-item-events.js";

function depsOf(rt: ServiceRuntime): SprintsDeps {
  if (!rt.projectAccess) throw new Error("sprints needs TENANCY_ADDRS to check project access");
  return { pipeline: rt.pipeline, access: rt.projectAccess, store: rt.store, bus: rt.bus };
}

/** Every SprintsService RPC and its handler. */
export function buildHandlers(rt: ServiceRuntime): ServiceHandlers<typeof SprintsServiceService> {
  const deps = depsOf(rt);
  return {
    createSprint: createSprint(deps),
    updateSprint: updateSprint(deps),
    startSprint: startSprint(deps),
    completeSprint: completeSprint(deps),
    deleteSprint: deleteSprint(deps),
    cancelSprint: cancelSprint(deps),
    listSprints: listSprints(deps),
    getSprintReport: getSprintReport(deps),
    getSprint: getSprint(deps),
    rebuildReportModel: rebuildReportModel(deps),
    listActivity: listActivityHandler(rt.store, (call, projectId) => deps.access.require(call, projectId, AccessLevel.ACCESS_LEVEL_READ)),
    ...rt.archive.handlers(),
  };
}

/** The events sprints keeps its report read model from. */
export function buildConsumers(rt: ServiceRuntime): EventConsumerSpec[] {
  return [workItemEventsConsumer(rt.pipeline)];
}
