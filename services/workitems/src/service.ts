import { startDomainService, type DomainServiceSpec, type RunningService, type SharedDependencies } from "@agileboard/kit";
import { WorkItemsServiceService } from "@agileboard/proto";
import type { WorkitemsConfig } from "./config.js";
import { buildConsumers, buildHandlers } from "./handlers/index.js";

/** workitems as the kit starts it: its name, its gRPC service and its handlers. */
export const workitemsService: DomainServiceSpec<typeof WorkItemsServiceService> = {
  service: "workitems",
  grpcServiceName: "agileboard.v1.WorkItemsService",
  definition: WorkItemsServiceService,
  buildHandlers,
  consumers: buildConsumers,
};

/** Starts workitems; `shared` lets the embedded default hand in its bus. */
export function startWorkitems(config: WorkitemsConfig, shared?: SharedDependencies): Promise<RunningService> {
  return startDomainService(workitemsService, config, shared);
}
