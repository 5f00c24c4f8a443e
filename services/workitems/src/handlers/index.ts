import { listActivityHandler, type EventConsumerSpec, type ServiceHandlers, type ServiceRuntime } from "@agileboard/kit";
import { AccessLevel, type WorkItemsServiceService } from "@agileboard/proto";
import { addComment, deleteComment, listComments, updateComment } from "./comments.js";
import { createWorkItem } from "./create-work-item.js";
import { deleteWorkItem } from "./delete-work-item.js";
import { addDependency, listDependencies, removeDependency } from "./dependencies.js";
import { getWorkItem } from "./get-work-item.js";
import { listWorkItems } from "./list-work-items.js";
import { moveWorkItem } from "./move-work-item.js";
import { restoreWorkItem } from "./restore-work-item.js";
import type { WorkItemsDeps } from "./shared.js";
import { sprintEventsConsumer } from "./sprint-events.js";
import { deleteTimeEntry, listTimeEntries, logTime, startTimer, stopTimerHandler } from "./time-entries.js";
import { updateWorkItem } from "./update-work-item.js";
import { searchWorkItems } from "./search-work-items.js";

function depsOf(rt: ServiceRuntime): WorkItemsDeps {
  const { projectAccess, peers } = rt;
  if (!peers.tenancy) throw new Error("workitems needs TENANCY_ADDRS to check project access");
  if (!projectAccess) throw new Error("workitems needs TENANCY_ADDRS to check project access");
  if (!peers.sprints) throw new Error("workitems needs SPRINTS_ADDRS to look sprints up");
  return { pipeline: rt.pipeline, access: projectAccess, store: rt.store, sprints: peers.sprints, tenancy: peers.tenancy };
}

/** Every WorkItemsService RPC and its handler. */
export function buildHandlers(rt: ServiceRuntime): ServiceHandlers<typeof WorkItemsServiceService> {
  const deps = depsOf(rt);
  return {
    createWorkItem: createWorkItem(deps),
    updateWorkItem: updateWorkItem(deps),
    moveWorkItem: moveWorkItem(deps),
    deleteWorkItem: deleteWorkItem(deps),
    restoreWorkItem: restoreWorkItem(deps),
    getWorkItem: getWorkItem(deps),
    listWorkItems: listWorkItems(deps),
    addComment: addComment(deps),
    updateComment: updateComment(deps),
    deleteComment: deleteComment(deps),
    listComments: listComments(deps),
    startTimer: startTimer(deps),
    stopTimer: stopTimerHandler(deps),
    logTime: logTime(deps),
    deleteTimeEntry: deleteTimeEntry(deps),
    listTimeEntries: listTimeEntries(deps),
    addDependency: addDependency(deps),
    removeDependency: removeDependency(deps),
    listDependencies: listDependencies(deps),
    listActivity: listActivityHandler(rt.store, (call, projectId) => deps.access.require(call, projectId, AccessLevel.ACCESS_LEVEL_READ)),
    searchWorkItems: searchWorkItems(deps),
    ...rt.archive.handlers(),
  };
}

/** The events workitems reacts to. */
export function buildConsumers(rt: ServiceRuntime): EventConsumerSpec[] {
  return [sprintEventsConsumer(depsOf(rt))];
}
