import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Database } from "better-sqlite3";
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  type CallContext,
  type EventBus,
  type Pipeline,
  type ProjectAccessChecker,
  type TenantStore,
} from "@agileboard/kit";
import { AccessLevel } from "@agileboard/proto";
import { addressProblem, isAllowListed } from "../domain/address-policy.js";
import type { Webhook } from "../domain/webhook.js";
import type { DeliveryWorker } from "../delivery/worker.js";
import { webhooksRepo } from "../repo/webhooks-repo.js";

/** How long registration waits for a name to resolve before it leaves the check to the deliveries, ms. */
const REGISTRATION_LOOKUP_TIMEOUT_MS = 2_000;

/** What every webhooks handler is built from. */
export interface WebhooksDeps {
  pipeline: Pipeline;
  access: ProjectAccessChecker;
  store: TenantStore;
  bus: EventBus;
  worker: DeliveryWorker;
  /** WEBHOOK_ALLOWED_HOSTS. */
  allowedHosts: readonly string[];
}

/** The live webhook; NOT_FOUND when missing or deleted. */
export function findWebhook(db: Database, id: string): Webhook {
  const webhook = webhooksRepo.findById(db, id);
  if (!webhook || webhook.deletedAt !== null) throw new NotFoundError(`webhook '${id}' not found`);
  return webhook;
}

/**
 * Webhooks are the project admins' business: the webhook's project decides, and a caller who cannot see
 * the project gets NOT_FOUND for the webhook, as for one that does not exist.
 */
export async function authorizeWebhook(deps: WebhooksDeps, call: CallContext, db: () => Database, webhookId: string): Promise<Webhook> {
  const webhook = findWebhook(db(), webhookId);
  await deps.access.require(call, webhook.projectId, AccessLevel.ACCESS_LEVEL_ADMIN, `webhook '${webhookId}'`);
  return webhook;
}

export function checkVersion(webhook: Webhook, expected: number): void {
  if (webhook.version !== expected) throw new ConflictError(`webhook '${webhook.id}' is at version ${webhook.version}, not ${expected}`, webhook.version);
}

/**
 * Refuses, at registration, an endpoint that points at a loopback, private or reserved address (as an IP, or
 * by what its name resolves to now) unless its host:port is allow-listed. Deliveries check again at every
 * connection; this only tells the admin early. A name that does not resolve yet is accepted.
 */
export async function checkEndpointAddress(url: string, allowedHosts: readonly string[]): Promise<void> {
  const parsed = new URL(url);
  if (isAllowListed(parsed, allowedHosts)) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      // Bounded, so a slow resolver never outlasts the caller's deadline: deliveries check again anyway.
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("lookup timed out")), REGISTRATION_LOOKUP_TIMEOUT_MS);
      });
      addresses = (await Promise.race([lookup(host, { all: true }), timeout])).map((a) => a.address);
    } catch {
      return;
    } finally {
      clearTimeout(timer);
    }
  }
  const problem = addresses.map(addressProblem).find((p) => p !== undefined);
  if (problem) {
    const description = `points to ${problem}; such endpoints are refused unless ${parsed.host} is listed in WEBHOOK_ALLOWED_HOSTS`;
    throw new InvalidArgumentError(`'url' ${description}`, [{ field: "url", description }]);
  }
}

export { AccessLevel };
