import { unimplemented, type ServiceHandlers, type ServiceRuntime } from "@agileboard/kit";
import type { WorkItemsServiceService } from "@agileboard/proto";
import { createWorkItem } from "./create-work-item.js";
import { deleteWorkItem } from "./delete-work-item.js";
import { getWorkItem } from "./get-work-item.js";
import { listWorkItems } from "./list-work-items.js";
import { moveWorkItem } from "./move-work-item.js";
import { restoreWorkItem } from "./restore-work-item.js";
import type { WorkItemsDeps } from "./shared.js";
import { updateWorkItem } from "./update-work-item.js";

/** Every WorkItemsService RPC and its handler. */
export function buildHandlers(rt: ServiceRuntime): ServiceHandlers<typeof WorkItemsServiceService> {
  if (!rt.projectAccess) throw new Error("workitems needs TENANCY_ADDRS to check project access");
  const deps: WorkItemsDeps = { pipeline: rt.pipeline, access: rt.projectAccess };
  return {
    createWorkItem: createWorkItem(deps),
    updateWorkItem: updateWorkItem(deps),
    moveWorkItem: moveWorkItem(deps),
    deleteWorkItem: deleteWorkItem(deps),
    restoreWorkItem: restoreWorkItem(deps),
    getWorkItem: getWorkItem(deps),
    listWorkItems: listWorkItems(deps),
    // TODO(#4): comments, time tracking, dependencies and activity.
    addComment: unimplemented("add_comment"),
    updateComment: unimplemented("update_comment"),
    deleteComment: unimplemented("delete_comment"),
    listComments: unimplemented("list_comments"),
    startTimer: unimplemented("start_timer"),
    stopTimer: unimplemented("stop_timer"),
    logTime: unimplemented("log_time"),
    deleteTimeEntry: unimplemented("delete_time_entry"),
    listTimeEntries: unimplemented("list_time_entries"),
    addDependency: unimplemented("add_dependency"),
    removeDependency: unimplemented("remove_dependency"),
    listDependencies: unimplemented("list_dependencies"),
    listActivity: unimplemented("list_activity"),
  };
}
