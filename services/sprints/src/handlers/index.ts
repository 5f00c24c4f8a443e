import { unimplemented, type ServiceHandlers, type ServiceRuntime } from "@agileboard/kit";
import type { SprintsServiceService } from "@agileboard/proto";

/** Every SprintsService RPC and its handler. */
export function buildHandlers(_rt: ServiceRuntime): ServiceHandlers<typeof SprintsServiceService> {
  // TODO(#4): sprints, reports and activity.
  return {
    createSprint: unimplemented("create_sprint"),
    updateSprint: unimplemented("update_sprint"),
    startSprint: unimplemented("start_sprint"),
    completeSprint: unimplemented("complete_sprint"),
    deleteSprint: unimplemented("delete_sprint"),
    cancelSprint: unimplemented("cancel_sprint"),
    listSprints: unimplemented("list_sprints"),
    getSprintReport: unimplemented("get_sprint_report"),
    listActivity: unimplemented("list_activity"),
  };
}
