import { startDomainService, type DomainServiceSpec, type RunningService, type SharedDependencies } from "@agileboard/kit";
import { WebhooksServiceService } from "@agileboard/proto";
import type { WebhooksConfig } from "./config.js";
import { buildWebhooks } from "./handlers/index.js";

/** webhooks as the kit starts it: its name, its gRPC service, its handlers, the event consumer and the delivery worker. */
export function webhooksServiceFor(config: WebhooksConfig): DomainServiceSpec<typeof WebhooksServiceService> {
  const built = buildWebhooks(config);
  return {
    service: "webhooks",
    grpcServiceName: "agileboard.v1.WebhooksService",
    definition: WebhooksServiceService,
    buildHandlers: built.handlers,
    consumers: built.consumers,
    workers: built.workers,
  };
}

/** Starts webhooks; `shared` lets the embedded default hand in its bus. */
export function startWebhooks(config: WebhooksConfig, shared?: SharedDependencies): Promise<RunningService> {
  return startDomainService(webhooksServiceFor(config), config, shared);
}
