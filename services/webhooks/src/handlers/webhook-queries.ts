import {
  checkId,
  checkPageRequest,
  cutPage,
  decodePageToken,
  listActivityHandler,
  PermissionDeniedError,
  validateActivityRequest,
  ViolationList,
  type RpcHandler,
} from "@agileboard/kit";
import { Webhook as WebhookProto, WebhookDelivery as DeliveryProto, type ActivityList, type ListActivityRequest, type ListWebhookDeliveriesRequest, type ListWebhooksRequest, type WebhookDeliveryList, type WebhookList } from "@agileboard/proto";
import { deliveriesRepo } from "../repo/deliveries-repo.js";
import { webhooksRepo } from "../repo/webhooks-repo.js";
import { deliveryToProto, webhookToProto } from "../wire.js";
import { AccessLevel, authorizeWebhook, type WebhooksDeps } from "./shared.js";

const DEFAULT_WEBHOOK_PAGE_SIZE = 100;
const MAX_WEBHOOK_PAGE_SIZE = 500;
const DEFAULT_DELIVERY_PAGE_SIZE = 50;
const MAX_DELIVERY_PAGE_SIZE = 200;

/** ListWebhooks: a project's endpoints, oldest first, for its admins. */
export function listWebhooks(deps: WebhooksDeps): RpcHandler<ListWebhooksRequest, WebhookList> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
          checkPageRequest(v, r, MAX_WEBHOOK_PAGE_SIZE, 2);
          v.throwIfAny();
        },
        authorize: async (r, caller) => {
          await deps.access.require(caller, r.projectId, AccessLevel.ACCESS_LEVEL_ADMIN);
        },
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_WEBHOOK_PAGE_SIZE;
          const after = decodePageToken(r.pageToken, 2);
          const rows = webhooksRepo.listForProject(db, r.projectId, { ...(after ? { after: [Number(after[0]), String(after[1])] as const } : {}), limit: limit + 1 });
          const { page, nextPageToken } = cutPage(rows.map(webhookToProto), limit, (w) => WebhookProto.encode(w).finish().length, (w) => [w.createdAtMs, w.id]);
          return { webhooks: page, nextPageToken };
        },
      },
      request,
      call,
    );
}

/** ListWebhookDeliveries: the delivery log of one endpoint, newest first: status, attempts, last error. */
export function listWebhookDeliveries(deps: WebhooksDeps): RpcHandler<ListWebhookDeliveriesRequest, WebhookDeliveryList> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "webhook_id", r.webhookId);
          checkPageRequest(v, r, MAX_DELIVERY_PAGE_SIZE, 2);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          await authorizeWebhook(deps, caller, db, r.webhookId);
        },
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_DELIVERY_PAGE_SIZE;
          const before = decodePageToken(r.pageToken, 2);
          const rows = deliveriesRepo.listForWebhook(db, r.webhookId, { ...(before ? { before: [Number(before[0]), String(before[1])] as const } : {}), limit: limit + 1 });
          const { page, nextPageToken } = cutPage(rows.map(deliveryToProto), limit, (d) => DeliveryProto.encode(d).finish().length, (d) => [d.createdAtMs, d.id]);
          return { deliveries: page, nextPageToken };
        },
      },
      request,
      call,
    );
}

/**
 * ListActivity over webhook changes, for project admins only (URLs may carry tokens): a project's other
 * members get no rows from here rather than an error, so the merged activity list still answers them.
 */
export function listWebhookActivity(deps: WebhooksDeps): RpcHandler<ListActivityRequest, ActivityList> {
  const base = listActivityHandler(deps.store, (call, projectId) => deps.access.require(call, projectId, AccessLevel.ACCESS_LEVEL_ADMIN));
  return async (request, call) => {
    validateActivityRequest(request);
    if (!deps.store.exists(call.tenantId)) return { entries: [], nextPageToken: "" };
    if (request.projectId) {
      try {
        await deps.access.require(call, request.projectId, AccessLevel.ACCESS_LEVEL_ADMIN);
      } catch (err) {
        if (err instanceof PermissionDeniedError) return { entries: [], nextPageToken: "" };
        throw err;
      }
    }
    return base(request, call);
  };
}

