import type { EventBus } from "./bus/event-bus.js";
import type { Logger } from "./log.js";
import { outboxSize, readOutbox, removeFromOutbox } from "./storage/outbox.js";
import type { TenantStore } from "./storage/tenant-store.js";
import { LocalLeases, type TenantLeases } from "./leases.js";

/** Events published per round trip to the log. */
const BATCH_SIZE = 256;
/** First and longest wait before retrying a tenant whose publish failed. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

/**
 * Moves committed events from each tenant's outbox to the bus, in commit order, after commit. A handler
 * calls `notify(tenant)` once its transaction committed; start-up sweeps every tenant file so that events
 * committed just before a crash are published when the process comes back. A failed publish leaves the
 * events in the outbox and retries with backoff; re-publishing is safe because the log drops duplicate ids.
 */
export class OutboxRelay {
  private readonly pending = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly store: TenantStore,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly leases: TenantLeases = new LocalLeases(),
  ) {}

  /**
   * Publishes what every tenant file has left in its outbox (start-up). With leases, only tenants nobody else
   * owns are looked at (their owner publishes its own); a tenant with nothing waiting is given back.
   */
  async sweep(): Promise<void> {
    let waiting = 0;
    for (const tenantId of this.store.tenantIds()) {
      try {
        const wasHeld = this.leases.holds(tenantId);
        if (!(await this.leases.tryAcquire(tenantId))) continue;
        if (outboxSize(this.store.open(tenantId)) > 0) {
          waiting++;
          this.notify(tenantId);
        } else if (!wasHeld && this.leases.enforced) {
          await this.leases.release(tenantId);
        }
      } catch (err) {
        this.logger.warn({ err, tenant_id: tenantId }, "outbox sweep skipped a tenant");
      }
    }
    if (waiting > 0) this.logger.info({ tenants: waiting }, "outbox sweep found unpublished events");
  }

  /** The tenant has committed events: publish them soon. */
  notify(tenantId: string): void {
    if (this.stopped) return;
    this.pending.add(tenantId);
    if (this.running.has(tenantId) || this.retryTimers.has(tenantId)) return;
    this.run(tenantId);
  }

  /** Number of tenants with events waiting (metrics, tests). */
  get backlog(): number {
    return this.pending.size + this.retryTimers.size;
  }

  /** Waits for the publishes under way, then stops; events left stay in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.allSettled(this.running.values());
  }

  private run(tenantId: string): void {
    const work = this.drain(tenantId).finally(() => {
      this.running.delete(tenantId);
      // A notify that arrived while draining (and found it running) is served now.
      if (this.pending.has(tenantId) && !this.retryTimers.has(tenantId) && !this.stopped) this.run(tenantId);
    });
    this.running.set(tenantId, work);
  }

  private async drain(tenantId: string): Promise<void> {
    this.pending.delete(tenantId);
    try {
      for (;;) {
        // Another replica owns the tenant now: it publishes the outbox.
        if (!this.leases.holds(tenantId)) break;
        // Re-open each round: the LRU may have closed the handle during the await.
        const batch = readOutbox(this.store.open(tenantId), BATCH_SIZE);
        if (batch.events.length === 0) break;
        await this.bus.publish(batch.events);
        removeFromOutbox(this.store.open(tenantId), batch.lastId);
      }
      this.failures.delete(tenantId);
    } catch (err) {
      const failures = (this.failures.get(tenantId) ?? 0) + 1;
      this.failures.set(tenantId, failures);
      const delayMs = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures - 1, 10));
      this.logger.warn({ err, tenant_id: tenantId, attempt: failures, retry_in_ms: delayMs }, "relay retry");
      this.pending.add(tenantId);
      if (!this.stopped) {
        this.retryTimers.set(
          tenantId,
          setTimeout(() => {
            this.retryTimers.delete(tenantId);
            if (!this.running.has(tenantId)) this.run(tenantId);
          }, delayMs),
        );
      }
    }
  }
}
