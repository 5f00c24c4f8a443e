import { WebhookDeliveryStatus, type Webhook as WebhookProto, type WebhookDelivery as DeliveryProto } from "@agileboard/proto";
import { secretHint, type Webhook } from "./domain/webhook.js";
import type { Delivery, DeliveryStatus } from "./repo/deliveries-repo.js";

const STATUS_TO_PROTO: Record<DeliveryStatus, WebhookDeliveryStatus> = {
  pending: WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_PENDING,
  delivered: WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED,
  failed: WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_FAILED,
};

/** A webhook as clients see it: never its secret, only the secret's last four characters. */
export function webhookToProto(w: Webhook): WebhookProto {
  return {
    id: w.id,
    projectId: w.projectId,
    url: w.url,
    events: w.events,
    active: w.active,
    version: w.version,
    createdAtMs: w.createdAt,
    createdBy: w.createdBy,
    updatedAtMs: w.updatedAt,
    updatedBy: w.updatedBy,
    secretHint: secretHint(w.secret),
    deletedAtMs: w.deletedAt ?? 0,
  };
}

export function deliveryToProto(d: Delivery): DeliveryProto {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: STATUS_TO_PROTO[d.status],
    attempts: d.attempts,
    lastError: d.lastError,
    lastStatusCode: d.lastStatusCode,
    createdAtMs: d.createdAt,
    lastAttemptAtMs: d.lastAttemptAt ?? 0,
    nextAttemptAtMs: d.status === "pending" ? (d.nextAttemptAt ?? 0) : 0,
    deliveredAtMs: d.deliveredAt ?? 0,
    eventSequence: d.eventSequence,
    projectId: d.projectId,
  };
}
