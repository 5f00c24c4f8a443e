import type { Database } from "better-sqlite3";
import {
  newId,
  NotOwnerError,
  projectEventFilter,
  toProto3Json,
  type EventBus,
  type LoggedEvent,
  type Logger,
  type ServiceWorker,
  type TenantLeases,
  type TenantStore,
} from "@agileboard/kit";
import { Event } from "@agileboard/proto";
import { afterFailure, type RetryPolicy } from "../domain/retry.js";
import { signatureHeader } from "../domain/signature.js";
import { wantsEvent, type Webhook } from "../domain/webhook.js";
import { deliveriesRepo, type Delivery } from "../repo/deliveries-repo.js";
import { webhooksRepo } from "../repo/webhooks-repo.js";
import type { WebhookSender } from "./http-sender.js";

/** Events read from the log per round trip while a webhook catches up. */
const READ_BATCH = 64;
/** Most attempts under way at once, over every tenant. */
const MAX_CONCURRENT_SENDS = 32;
/** Finished deliveries stay in the log this long. */
export const DELIVERY_LOG_RETENTION_MS = 7 * 24 * 3600_000;
/** How often a tenant's old deliveries are purged. */
const PURGE_EVERY_MS = 3600_000;

/** The X-Agileboard-Event name of an event: its Event.change case in snake_case ("work_item_updated"). */
export function eventTypeOf(event: Event): string {
  return (event.change?.$case ?? "unknown").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The body of a delivery: the event in the proto3 JSON mapping, with its tenant and project. */
export function deliveryBody(tenantId: string, event: Event): string {
  return JSON.stringify({ tenantId, projectId: event.projectId, event: toProto3Json("Event", event) });
}

/** Options of the delivery worker. */
export interface DeliveryWorkerOptions {
  store: TenantStore;
  bus: EventBus;
  leases: TenantLeases;
  logger: Logger;
  sender: WebhookSender;
  policy: RetryPolicy;
  /** How often every tenant is looked at without a nudge, ms. */
  pollIntervalMs: number;
  clock?: () => number;
}

/**
 * Delivers each project's events to its webhooks: in log order, one at a time per webhook, at least once.
 * A webhook's place in its project's event log (delivered_through_sequence) lives in the tenant's file, so
 * nothing is lost or reordered across restarts: the head delivery is retried with exponential backoff until
 * the endpoint answers 2xx or the retry window passes (then it is marked failed and the next event goes), and
 * only then does the place move on. Test deliveries go beside the line, not behind it. Only the replica that
 * holds the tenant's lease delivers its webhooks. Nudged by the durable event consumer, by mutations, by
 * retry timers, and by a periodic sweep.
 */
export class DeliveryWorker implements ServiceWorker {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly wakeTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly purgedAt = new Map<string, number>();
  private pollTimer: NodeJS.Timeout | undefined;
  private sends = 0;
  private readonly waitingForSend: (() => void)[] = [];
  private stopped = false;
  private readonly clock: () => number;

  constructor(private readonly opts: DeliveryWorkerOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  start(): void {
    void this.sweep();
    this.pollTimer = setInterval(() => void this.sweep(), this.opts.pollIntervalMs);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    for (const { timer } of this.wakeTimers.values()) clearTimeout(timer);
    this.wakeTimers.clear();
    await this.opts.sender.close();
    await Promise.allSettled([...this.running.values()]);
  }

  /** The tenant has news (an event, a new webhook, a test): look at its webhooks soon. */
  kick(tenantId: string): void {
    if (this.stopped) return;
    if (this.running.has(tenantId)) {
      this.again.add(tenantId);
      return;
    }
    const pass = this.pass(tenantId)
      .catch((err: unknown) => this.opts.logger.warn({ err, tenant_id: tenantId }, "webhook pass failed"))
      .finally(() => {
        this.running.delete(tenantId);
        if (this.again.delete(tenantId)) this.kick(tenantId);
      });
    this.running.set(tenantId, pass);
  }

  /**
   * Every tenant with webhook data that nobody else owns: its webhooks get a pass; a tenant with no active
   * webhook is given back (as the outbox sweep does), so idle tenants hold no lease.
   */
  private async sweep(): Promise<void> {
    for (const tenantId of this.opts.store.tenantIds()) {
      if (this.stopped) return;
      try {
        const wasHeld = this.opts.leases.holds(tenantId);
        if (!(await this.opts.leases.tryAcquire(tenantId))) continue;
        if (webhooksRepo.listActive(this.opts.store.open(tenantId)).length > 0) this.kick(tenantId);
        else if (!wasHeld && this.opts.leases.enforced) await this.opts.leases.release(tenantId);
      } catch (err) {
        this.opts.logger.warn({ err, tenant_id: tenantId }, "webhook sweep skipped a tenant");
      }
    }
  }

  private async pass(tenantId: string): Promise<void> {
    try {
      await this.opts.leases.ensure(tenantId);
    } catch (err) {
      if (err instanceof NotOwnerError) return;
      throw err;
    }
    const db = () => this.opts.store.open(tenantId);
    const now = this.clock();
    if (now - (this.purgedAt.get(tenantId) ?? 0) > PURGE_EVERY_MS) {
      deliveriesRepo.purgeFinished(db(), now - DELIVERY_LOG_RETENTION_MS);
      this.purgedAt.set(tenantId, now);
    }
    const wakes = await Promise.all(webhooksRepo.listActive(db()).map((w) => this.pump(tenantId, w.id)));
    this.wakeAt(tenantId, Math.min(Number.POSITIVE_INFINITY, ...wakes));
  }

  /** Works through one webhook's line until it is empty or waiting; returns when to look again (ms, or ∞). */
  private async pump(tenantId: string, webhookId: string): Promise<number> {
    const db = () => this.opts.store.open(tenantId);
    let wake = Number.POSITIVE_INFINITY;
    for (const test of deliveriesRepo.pendingTests(db(), webhookId)) {
      const webhook = this.current(db(), webhookId);
      if (!webhook || this.stopped) return Number.POSITIVE_INFINITY;
      if ((test.nextAttemptAt ?? 0) > this.clock()) wake = Math.min(wake, test.nextAttemptAt ?? 0);
      else {
        const after = await this.attempt(tenantId, webhook, test, test.payload?.toString("utf8") ?? "{}");
        if (after.status === "pending") wake = Math.min(wake, after.nextAttemptAt ?? 0);
      }
    }
    for (;;) {
      const webhook = this.current(db(), webhookId);
      if (!webhook || this.stopped) return Number.POSITIVE_INFINITY;
      let head = deliveriesRepo.head(db(), webhookId);
      let event: LoggedEvent | undefined;
      if (!head) {
        event = await this.nextWantedEvent(tenantId, webhook);
        if (!event) return wake;
        if (!this.opts.leases.holds(tenantId)) return Number.POSITIVE_INFINITY;
        head = this.newDelivery(webhook, event, Event.decode(event.payload));
        deliveriesRepo.insert(db(), head);
        head = deliveriesRepo.head(db(), webhookId);
        if (!head) return wake;
      }
      if ((head.nextAttemptAt ?? 0) > this.clock()) return Math.min(wake, head.nextAttemptAt ?? 0);
      const body = await this.bodyOf(tenantId, webhook, head, event);
      if (body === undefined) {
        this.finish(tenantId, webhook, { ...head, status: "failed", lastError: "the event is no longer in the event log (older than EVENTS_RETENTION_MS)", nextAttemptAt: null });
        continue;
      }
      const after = await this.attempt(tenantId, webhook, head, body);
      if (after.status === "pending") return Math.min(wake, after.nextAttemptAt ?? 0);
    }
  }

  /** The webhook as stored now, if it is still live and active. */
  private current(db: Database, id: string): Webhook | undefined {
    const webhook = webhooksRepo.findById(db, id);
    return webhook && webhook.deletedAt === null && webhook.active ? webhook : undefined;
  }

  /** The next event after the webhook's place that it wants; events it does not want move the place on. */
  private async nextWantedEvent(tenantId: string, webhook: Webhook): Promise<LoggedEvent | undefined> {
    const filter = projectEventFilter(tenantId, webhook.projectId);
    let after = webhook.deliveredThroughSequence;
    for (;;) {
      const batch = await this.opts.bus.read(filter, after, Number.MAX_SAFE_INTEGER, READ_BATCH);
      if (batch.length === 0) return undefined;
      for (const event of batch) {
        if (wantsEvent(webhook, eventTypeOf(Event.decode(event.payload)))) return event;
        after = event.sequence;
      }
      if (!this.opts.leases.holds(tenantId)) return undefined;
      webhooksRepo.advance(this.opts.store.open(tenantId), webhook.id, after);
    }
  }

  private newDelivery(webhook: Webhook, logged: LoggedEvent, event: Event): Delivery {
    return {
      id: newId(),
      webhookId: webhook.id,
      projectId: webhook.projectId,
      eventId: logged.eventId || event.eventId,
      eventSequence: logged.sequence,
      eventType: eventTypeOf(event),
      status: "pending",
      attempts: 0,
      lastError: "",
      lastStatusCode: 0,
      createdAt: this.clock(),
      lastAttemptAt: null,
      nextAttemptAt: this.clock(),
      deliveredAt: null,
      payload: null,
    };
  }

  /** The JSON body of an event delivery, from the log (with its sequence); undefined when it is gone. */
  private async bodyOf(tenantId: string, webhook: Webhook, delivery: Delivery, known?: LoggedEvent): Promise<string | undefined> {
    const logged =
      known?.sequence === delivery.eventSequence
        ? known
        : (await this.opts.bus.read(projectEventFilter(tenantId, webhook.projectId), delivery.eventSequence - 1, delivery.eventSequence, 1))[0];
    if (!logged || logged.sequence !== delivery.eventSequence) return undefined;
    return deliveryBody(tenantId, { ...Event.decode(logged.payload), sequence: logged.sequence });
  }

  /** One attempt and its outcome, recorded; returns the delivery as it is afterwards. */
  private async attempt(tenantId: string, webhook: Webhook, delivery: Delivery, body: string): Promise<Delivery> {
    await this.acquireSend();
    let result;
    try {
      result = await this.opts.sender.send(webhook.url, body, {
        "x-agileboard-event": delivery.eventType,
        "x-agileboard-delivery": delivery.id,
        "x-agileboard-signature": signatureHeader(webhook.secret, body, this.clock()),
      });
    } finally {
      this.releaseSend();
    }
    const now = this.clock();
    const tried = { ...delivery, attempts: delivery.attempts + 1, lastAttemptAt: now, lastStatusCode: result.statusCode, lastError: result.error };
    if (this.stopped && !result.ok) return { ...delivery, status: "pending", nextAttemptAt: now };
    if (result.ok) return this.finish(tenantId, webhook, { ...tried, status: "delivered", deliveredAt: now, nextAttemptAt: null });
    const next = afterFailure(this.opts.policy, tried, now);
    if (next.giveUp) {
      this.opts.logger.warn({ tenant_id: tenantId, webhook_id: webhook.id, delivery_id: delivery.id, attempts: tried.attempts, error: result.error }, "webhook delivery given up");
      return this.finish(tenantId, webhook, { ...tried, status: "failed", nextAttemptAt: null });
    }
    const pending = { ...tried, status: "pending" as const, nextAttemptAt: next.nextAttemptAt };
    if (this.opts.leases.holds(tenantId)) deliveriesRepo.update(this.opts.store.open(tenantId), pending);
    return pending;
  }

  /** Records a delivered or failed delivery and, for an event, moves the webhook's place past it, together. */
  private finish(tenantId: string, webhook: Webhook, delivery: Delivery): Delivery {
    // A lease lost during the attempt: the new owner sends it again (at least once), and this replica writes nothing.
    if (!this.opts.leases.holds(tenantId)) return { ...delivery, status: "pending" };
    const db = this.opts.store.open(tenantId);
    db.transaction(() => {
      deliveriesRepo.update(db, delivery);
      if (delivery.eventSequence > 0) webhooksRepo.advance(db, webhook.id, delivery.eventSequence);
    })();
    return delivery;
  }

  private wakeAt(tenantId: string, at: number): void {
    if (!Number.isFinite(at) || this.stopped) return;
    const existing = this.wakeTimers.get(tenantId);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.wakeTimers.delete(tenantId);
      this.kick(tenantId);
    }, Math.max(0, at - this.clock()));
    timer.unref();
    this.wakeTimers.set(tenantId, { at, timer });
  }

  private async acquireSend(): Promise<void> {
    if (this.sends < MAX_CONCURRENT_SENDS) {
      this.sends++;
      return;
    }
    await new Promise<void>((resolve) => this.waitingForSend.push(resolve));
    this.sends++;
  }

  private releaseSend(): void {
    this.sends--;
    this.waitingForSend.shift()?.();
  }
}
