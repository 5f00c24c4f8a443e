import { parseSubject, type EventConsumerSpec, type ServiceHandlers, type ServiceRuntime, type ServiceWorker } from "@agileboard/kit";
import type { WebhooksServiceService } from "@agileboard/proto";
import type { WebhooksConfig } from "../config.js";
import { WebhookSender } from "../delivery/http-sender.js";
import { DeliveryWorker } from "../delivery/worker.js";
import type { WebhooksDeps } from "./shared.js";
import { createWebhook, deleteWebhook, testWebhook, updateWebhook } from "./webhook-mutations.js";
import { listWebhookActivity, listWebhookDeliveries, listWebhooks } from "./webhook-queries.js";

/** The durable consumer that drives deliveries: any event of a tenant with webhooks wakes that tenant's worker. */
export const EVENTS_CONSUMER = "webhooks-events";

/** Handlers, consumer and worker of one running webhooks service, sharing one delivery worker. */
export function buildWebhooks(config: WebhooksConfig): {
  handlers(rt: ServiceRuntime): ServiceHandlers<typeof WebhooksServiceService>;
  consumers(rt: ServiceRuntime): EventConsumerSpec[];
  workers(rt: ServiceRuntime): ServiceWorker[];
} {
  const built = new WeakMap<ServiceRuntime, WebhooksDeps>();
  const depsOf = (rt: ServiceRuntime): WebhooksDeps => {
    let deps = built.get(rt);
    if (!deps) {
      if (!rt.projectAccess) throw new Error("webhooks needs TENANCY_ADDRS to check project access");
      const worker = new DeliveryWorker({
        store: rt.store,
        bus: rt.bus,
        leases: rt.leases,
        logger: rt.logger,
        sender: new WebhookSender({ timeoutMs: config.WEBHOOK_TIMEOUT_MS, allowedHosts: config.WEBHOOK_ALLOWED_HOSTS }),
        policy: { minDelayMs: config.WEBHOOK_RETRY_MIN_DELAY_MS, maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS, windowMs: config.WEBHOOK_RETRY_WINDOW_MS },
        pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
      });
      deps = { pipeline: rt.pipeline, access: rt.projectAccess, store: rt.store, bus: rt.bus, worker, allowedHosts: config.WEBHOOK_ALLOWED_HOSTS };
      built.set(rt, deps);
    }
    return deps;
  };
  return {
    handlers: (rt) => {
      const deps = depsOf(rt);
      return {
        createWebhook: createWebhook(deps),
        updateWebhook: updateWebhook(deps),
        deleteWebhook: deleteWebhook(deps),
        listWebhooks: listWebhooks(deps),
        listWebhookDeliveries: listWebhookDeliveries(deps),
        testWebhook: testWebhook(deps),
        listActivity: listWebhookActivity(deps),
        ...rt.archive.handlers(),
      };
    },
    consumers: (rt) => {
      const deps = depsOf(rt);
      return [
        {
          name: EVENTS_CONSUMER,
          filter: "agileboard.evt.>",
          handle: async (event) => {
            const parts = parseSubject(event.subject);
            // A tenant without a webhooks file has no webhooks: nothing to wake, and no file is made for it.
            if (!parts || !rt.store.exists(parts.tenantId)) return;
            // Not the owner: refused, the event comes back (to the owner, in time); the sweep is the safety net.
            await rt.leases.ensure(parts.tenantId);
            deps.worker.kick(parts.tenantId);
          },
        },
      ];
    },
    workers: (rt) => [depsOf(rt).worker],
  };
}
