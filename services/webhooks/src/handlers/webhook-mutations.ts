import {
  checkExpectedVersion,
  checkId,
  eventChangeNames,
  newId,
  projectEventFilter,
  requireId,
  ViolationList,
  type RpcHandler,
  type Transaction,
} from "@agileboard/kit";
import {
  CreateWebhookRequest,
  DeleteWebhookRequest,
  TestWebhookRequest,
  UpdateWebhookRequest,
  Webhook as WebhookProto,
  WebhookDeliveryList,
} from "@agileboard/proto";
import { checkEventNames, checkSecret, checkUrl, type Webhook } from "../domain/webhook.js";
import { deliveriesRepo } from "../repo/deliveries-repo.js";
import { webhooksRepo } from "../repo/webhooks-repo.js";
import { deliveryToProto, webhookToProto } from "../wire.js";
import { AccessLevel, authorizeWebhook, checkEndpointAddress, checkVersion, findWebhook, type WebhooksDeps } from "./shared.js";

const KNOWN_EVENTS = eventChangeNames();

/** Writes a webhook change with its audit rows: one per changed field; the secret's value is never written down. */
function saveWebhook(tx: Transaction, webhook: Webhook, action: string, fields: readonly { field: string; oldValue: string; newValue: string }[] = []): WebhookProto {
  webhooksRepo.save(tx.db, webhook);
  const base = { entityType: "webhook", entityId: webhook.id, projectId: webhook.projectId, action };
  tx.recordActivity(fields.length === 0 ? [base] : fields.map((f) => ({ ...base, fieldName: f.field, oldValue: f.oldValue, newValue: f.newValue })));
  return webhookToProto(webhook);
}

/**
 * CreateWebhook: project admins register an endpoint. It receives the project's events from now on (its
 * place in the event log starts at the project's latest event).
 */
export function createWebhook(deps: WebhooksDeps): RpcHandler<CreateWebhookRequest, WebhookProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "CreateWebhook",
        requestType: CreateWebhookRequest,
        replyType: WebhookProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
          checkUrl(v, r.url);
          checkEventNames(v, r.events, KNOWN_EVENTS);
          checkSecret(v, r.secret);
          v.throwIfAny();
        },
        authorize: async (r, caller) => {
          await deps.access.require(caller, r.projectId, AccessLevel.ACCESS_LEVEL_ADMIN);
          await checkEndpointAddress(r.url, deps.allowedHosts);
          return (await deps.bus.bounds(projectEventFilter(caller.tenantId, r.projectId))).lastSequence;
        },
        execute: (r, tx, head) => {
          const webhook: Webhook = {
            id: newId(),
            projectId: r.projectId,
            url: r.url,
            events: [...r.events],
            secret: r.secret,
            active: true,
            deliveredThroughSequence: head,
            version: 1,
            createdAt: tx.now,
            createdBy: call.userId,
            updatedAt: tx.now,
            updatedBy: call.userId,
            deletedAt: null,
          };
          return saveWebhook(tx, webhook, "created", [{ field: "url", oldValue: "", newValue: webhook.url }]);
        },
      },
      request,
      call,
    );
}

/** UpdateWebhook: admins change the URL, the events, the secret, or pause and resume; only the fields present change. */
export function updateWebhook(deps: WebhooksDeps): RpcHandler<UpdateWebhookRequest, WebhookProto> {
  return async (request, call) => {
    const reply = await deps.pipeline.mutate(
      {
        operation: "UpdateWebhook",
        requestType: UpdateWebhookRequest,
        replyType: WebhookProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "webhook_id", r.webhookId);
          checkExpectedVersion(v, r.expectedVersion);
          if (r.url !== undefined) checkUrl(v, r.url);
          if (r.events !== undefined) checkEventNames(v, r.events.events, KNOWN_EVENTS);
          if (r.secret !== undefined) checkSecret(v, r.secret);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          await authorizeWebhook(deps, caller, db, r.webhookId);
          if (r.url !== undefined) await checkEndpointAddress(r.url, deps.allowedHosts);
        },
        execute: (r, tx) => {
          const before = findWebhook(tx.db, r.webhookId);
          checkVersion(before, r.expectedVersion);
          const after: Webhook = { ...before };
          const fields: { field: string; oldValue: string; newValue: string }[] = [];
          if (r.url !== undefined && r.url !== before.url) {
            after.url = r.url;
            fields.push({ field: "url", oldValue: before.url, newValue: r.url });
          }
          if (r.events !== undefined && r.events.events.join(",") !== before.events.join(",")) {
            after.events = [...r.events.events];
            fields.push({ field: "events", oldValue: before.events.join(","), newValue: after.events.join(",") });
          }
          if (r.secret !== undefined && r.secret !== before.secret) {
            after.secret = r.secret;
            fields.push({ field: "secret", oldValue: "(hidden)", newValue: "(hidden)" });
          }
          if (r.active !== undefined && r.active !== before.active) {
            after.active = r.active;
            fields.push({ field: "active", oldValue: String(before.active), newValue: String(r.active) });
          }
          if (fields.length === 0) return webhookToProto(before);
          return saveWebhook(tx, { ...after, version: before.version + 1, updatedAt: tx.now, updatedBy: call.userId }, "updated", fields);
        },
      },
      request,
      call,
    );
    deps.worker.kick(call.tenantId);
    return reply;
  };
}

/** DeleteWebhook: admins remove an endpoint (soft delete); nothing more is delivered to it. */
export function deleteWebhook(deps: WebhooksDeps): RpcHandler<DeleteWebhookRequest, WebhookProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "DeleteWebhook",
        requestType: DeleteWebhookRequest,
        replyType: WebhookProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "webhook_id", r.webhookId);
          checkExpectedVersion(v, r.expectedVersion);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          await authorizeWebhook(deps, caller, db, r.webhookId);
        },
        execute: (r, tx) => {
          const before = findWebhook(tx.db, r.webhookId);
          checkVersion(before, r.expectedVersion);
          return saveWebhook(tx, { ...before, version: before.version + 1, updatedAt: tx.now, updatedBy: call.userId, deletedAt: tx.now }, "deleted");
        },
      },
      request,
      call,
    );
}

/** TestWebhook: admins send a "webhook_test" delivery now, beside the project's events; the reply lists it. */
export function testWebhook(deps: WebhooksDeps): RpcHandler<TestWebhookRequest, WebhookDeliveryList> {
  return async (request, call) => {
    const reply = await deps.pipeline.mutate(
      {
        operation: "TestWebhook",
        requestType: TestWebhookRequest,
        replyType: WebhookDeliveryList,
        validate: (r) => requireId("webhook_id", r.webhookId),
        authorize: async (r, caller, db) => {
          await authorizeWebhook(deps, caller, db, r.webhookId);
        },
        execute: (r, tx) => {
          const webhook = findWebhook(tx.db, r.webhookId);
          const eventId = newId();
          const body = {
            tenantId: call.tenantId,
            projectId: webhook.projectId,
            test: true,
            webhookId: webhook.id,
            event: { eventId, projectId: webhook.projectId, actorUserId: call.userId, occurredAtMs: String(tx.now) },
          };
          const delivery = {
            id: newId(),
            webhookId: webhook.id,
            projectId: webhook.projectId,
            eventId,
            eventSequence: 0,
            eventType: "webhook_test",
            status: "pending" as const,
            attempts: 0,
            lastError: "",
            lastStatusCode: 0,
            createdAt: tx.now,
            lastAttemptAt: null,
            nextAttemptAt: tx.now,
            deliveredAt: null,
            payload: Buffer.from(JSON.stringify(body)),
          };
          deliveriesRepo.insert(tx.db, delivery);
          tx.recordActivity([{ entityType: "webhook", entityId: webhook.id, projectId: webhook.projectId, action: "tested" }]);
          return { deliveries: [deliveryToProto(delivery)], nextPageToken: "" };
        },
      },
      request,
      call,
    );
    deps.worker.kick(call.tenantId);
    return reply;
  };
}
