import type { Logger } from "../log.js";
import type { EventBus } from "./event-bus.js";
import { MemoryEventBus } from "./memory-event-bus.js";
import { NatsEventBus } from "./nats-event-bus.js";

/** NATS when a URL is configured, else the in-process log (the embedded default). */
export function createEventBus(opts: { natsUrl: string | undefined; retentionMs: number; replicas?: number; name: string; logger: Logger }): EventBus {
  if (opts.natsUrl) {
    return new NatsEventBus({ servers: opts.natsUrl, name: opts.name, retentionMs: opts.retentionMs, replicas: opts.replicas ?? 1, logger: opts.logger });
  }
  return new MemoryEventBus({ retentionMs: opts.retentionMs });
}
