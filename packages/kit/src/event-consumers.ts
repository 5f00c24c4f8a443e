import type { EventBus, LoggedEvent, Subscription } from "./bus/event-bus.js";
import type { Logger } from "./log.js";

/** A durable consumer a service runs: which events, and what to do with each. */
export interface EventConsumerSpec {
  /** Durable name, shared by the service's replicas, e.g. "workitems-sprint-events". */
  name: string;
  /** Subject filter, e.g. "agileboard.evt.*.*.sprint". */
  filter: string;
  /** Applies one event; throwing makes it come again later. Must be idempotent (Pipeline.applyEvent is). */
  handle(event: LoggedEvent): Promise<void> | void;
}

/** How long to wait before trying again to attach a consumer (bus down at start-up). */
const ATTACH_RETRY_MS = 2_000;

/**
 * Runs a service's durable consumers for as long as the service runs. Attaching waits for the bus and
 * retries, so a service starts (and serves) while NATS is still down.
 */
export class EventConsumers {
  private readonly subscriptions: Subscription[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  start(specs: readonly EventConsumerSpec[]): void {
    for (const spec of specs) this.attach(spec);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const s of this.subscriptions) s.close();
  }

  private attach(spec: EventConsumerSpec): void {
    if (this.stopped) return;
    this.bus
      .consume(spec.name, spec.filter, async (event) => {
        await spec.handle(event);
      })
      .then(
        (subscription) => {
          if (this.stopped) subscription.close();
          else this.subscriptions.push(subscription);
          this.logger.info({ consumer: spec.name, filter: spec.filter }, "event consumer attached");
        },
        (err: unknown) => {
          this.logger.warn({ err, consumer: spec.name }, "event consumer not attached yet, retrying");
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.attach(spec);
          }, ATTACH_RETRY_MS);
          this.timers.add(timer);
        },
      );
  }
}
