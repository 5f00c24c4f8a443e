import { startDomainService, type DomainServiceSpec, type RunningService, type SharedDependencies } from "@agileboard/kit";
import { SprintsServiceService } from "@agileboard/proto";
import type { SprintsConfig } from "./config.js";
import { buildConsumers, buildHandlers } from "./handlers/index.js";

/** sprints as the kit starts it: its name, its gRPC service and its handlers. */
export const sprintsService: DomainServiceSpec<typeof SprintsServiceService> = {
  service: "sprints",
  grpcServiceName: "agileboard.v1.SprintsService",
  definition: SprintsServiceService,
  buildHandlers,
  consumers: buildConsumers,
};

/** Starts sprints; `shared` lets the embedded default hand in its bus. */
export function startSprints(config: SprintsConfig, shared?: SharedDependencies): Promise<RunningService> {
  return startDomainService(sprintsService, config, shared);
}
