import { startDomainService, type DomainServiceSpec, type RunningService, type SharedDependencies } from "@agileboard/kit";
import { TenancyServiceService } from "@agileboard/proto";
import type { TenancyConfig } from "./config.js";
import { buildHandlers } from "./handlers/index.js";

/** tenancy as the kit starts it: its name, its gRPC service and its handlers. */
export const tenancyService: DomainServiceSpec<typeof TenancyServiceService> = {
  service: "tenancy",
  grpcServiceName: "agileboard.v1.TenancyService",
  definition: TenancyServiceService,
  buildHandlers,
};

/** Starts tenancy; `shared` lets the embedded default hand in its bus. */
export function startTenancy(config: TenancyConfig, shared?: SharedDependencies): Promise<RunningService> {
  return startDomainService(tenancyService, config, shared);
}
