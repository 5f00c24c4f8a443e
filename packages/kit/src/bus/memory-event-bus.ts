import type { EventBus, LiveMessage, LogBounds, LoggedEvent, OutboundEvent, Subscription } from "./event-bus.js";
import { parseSubject, subjectMatches } from "./subjects.js";

/** Options of the in-process bus. */
export interface MemoryEventBusOptions {
  /** Events older than this are dropped (EVENTS_RETENTION_MS). */
  retentionMs: number;
  /** At most this many events are kept. Default 200 000. */
  maxEvents?: number;
  /** A second event with the same id inside this window is dropped. Default 2 min, as JetStream's. */
  duplicateWindowMs?: number;
  /** Clock. Default Date.now. */
  now?: () => number;
}

interface StoredEvent extends LoggedEvent {
  storedAt: number;
}

interface Durable {
  filter: string;
  /** Sequence of the last event handled. */
  cursor: number;
  handle: (event: LoggedEvent) => Promise<void>;
  busy: boolean;
  stopped: boolean;
}

/** Wait before handing a consumer an event its handler refused. */
const REDELIVERY_DELAY_MS = 1_000;

interface Follower {
  filter: string;
  lastDelivered: number;
  onEvent: (event: LoggedEvent) => void;
}

/**
 * The embedded default's event log: everything JetStream does for agileboard, in one process's memory.
 * Sequences start from the clock (µs), so a restarted process never reuses a sequence an old client holds:
 * its resume point is then older than the new log, and it is told to resync.
 */
export class MemoryEventBus implements EventBus {
  readonly kind = "memory" as const;
  private readonly events: StoredEvent[] = [];
  /** Index of the oldest retained event in `events` (trimming is amortised). */
  private head = 0;
  private nextSequence: number;
  private readonly recentIds = new Map<string, number>();
  private readonly lastByProject = new Map<string, number>();
  private readonly followers = new Set<Follower>();
  private readonly listeners = new Set<{ pattern: string; onMessage: (m: LiveMessage) => void }>();
  private readonly durables = new Map<string, Durable>();
  private readonly now: () => number;
  private readonly maxEvents: number;
  private readonly duplicateWindowMs: number;
  private closed = false;

  constructor(private readonly opts: MemoryEventBusOptions) {
    this.now = opts.now ?? Date.now;
    this.maxEvents = opts.maxEvents ?? 200_000;
    this.duplicateWindowMs = opts.duplicateWindowMs ?? 120_000;
    this.nextSequence = this.now() * 1000;
  }

  isHealthy(): boolean {
    return !this.closed;
  }

  async publish(events: readonly OutboundEvent[]): Promise<void> {
    if (this.closed) throw new Error("event bus is closed");
    const now = this.now();
    const stored: StoredEvent[] = [];
    for (const event of events) {
      const seenAt = this.recentIds.get(event.eventId);
      if (seenAt !== undefined && now - seenAt < this.duplicateWindowMs) continue;
      this.recentIds.set(event.eventId, now);
      const entry: StoredEvent = { ...event, sequence: ++this.nextSequence, storedAt: now };
      this.events.push(entry);
      stored.push(entry);
      const parts = parseSubject(event.subject);
      if (parts) this.lastByProject.set(`${parts.tenantId}.${parts.projectId}`, entry.sequence);
    }
    this.trim(now);
    // Deliver after the caller's turn, as a network bus would; microtasks keep publish order.
    if (stored.length > 0) queueMicrotask(() => this.deliver(stored));
  }

  async bounds(filter: string): Promise<LogBounds> {
    return { lastSequence: this.lastSequenceOf(filter), firstSequence: this.firstSequence() };
  }

  async read(filter: string, afterSequence: number, upToSequence: number, limit = Number.POSITIVE_INFINITY): Promise<LoggedEvent[]> {
    const out: LoggedEvent[] = [];
    for (let i = this.indexAfter(afterSequence); i < this.events.length && out.length < limit; i++) {
      const event = this.events[i];
      if (!event || event.sequence > upToSequence) break;
      if (subjectMatches(filter, event.subject)) out.push(event);
    }
    return out;
  }

  async follow(filter: string, afterSequence: number, onEvent: (event: LoggedEvent) => void): Promise<Subscription> {
    const follower: Follower = { filter, lastDelivered: afterSequence, onEvent };
    for (let i = this.indexAfter(afterSequence); i < this.events.length; i++) {
      const event = this.events[i];
      if (!event) break;
      follower.lastDelivered = event.sequence;
      if (subjectMatches(filter, event.subject)) onEvent(event);
    }
    this.followers.add(follower);
    return { close: () => this.followers.delete(follower) };
  }

  async consume(name: string, filter: string, handle: (event: LoggedEvent) => Promise<void>): Promise<Subscription> {
    const existing = this.durables.get(name);
    const durable: Durable = { filter, cursor: existing?.cursor ?? 0, handle, busy: false, stopped: false };
    if (existing) existing.stopped = true;
    this.durables.set(name, durable);
    this.pump(durable);
    return {
      close: () => {
        durable.stopped = true;
      },
    };
  }

  listen(pattern: string, onMessage: (message: LiveMessage) => void): Subscription {
    const listener = { pattern, onMessage };
    this.listeners.add(listener);
    return { close: () => this.listeners.delete(listener) };
  }

  announce(subject: string, payload: Uint8Array): void {
    if (this.closed) return;
    queueMicrotask(() => {
      for (const l of this.listeners) if (subjectMatches(l.pattern, subject)) l.onMessage({ subject, payload, origin: "" });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.followers.clear();
    this.listeners.clear();
    for (const durable of this.durables.values()) durable.stopped = true;
  }

  private deliver(batch: readonly StoredEvent[]): void {
    for (const durable of this.durables.values()) this.pump(durable);
    for (const event of batch) {
      for (const follower of this.followers) {
        // A follower that caught up from the log at registration has already seen this one.
        if (event.sequence <= follower.lastDelivered) continue;
        follower.lastDelivered = event.sequence;
        if (subjectMatches(follower.filter, event.subject)) follower.onEvent(event);
      }
      for (const l of this.listeners) {
        if (subjectMatches(l.pattern, event.subject)) {
          l.onMessage({ subject: event.subject, payload: event.payload, origin: event.origin });
        }
      }
    }
  }

  /** Hands a durable consumer its next events one at a time, retrying an event its handler refused. */
  private pump(durable: Durable): void {
    if (durable.busy || durable.stopped) return;
    durable.busy = true;
    void (async () => {
      while (!durable.stopped && !this.closed) {
        let next: StoredEvent | undefined;
        for (let i = this.indexAfter(durable.cursor); i < this.events.length && !next; i++) {
          const candidate = this.events[i];
          if (candidate && subjectMatches(durable.filter, candidate.subject)) next = candidate;
          // Events that do not match move the cursor too, so they are never scanned again.
          else if (candidate) durable.cursor = candidate.sequence;
        }
        if (!next) break;
        try {
          await durable.handle(next);
          durable.cursor = next.sequence;
        } catch {
          await new Promise((r) => setTimeout(r, REDELIVERY_DELAY_MS));
        }
      }
      durable.busy = false;
    })();
  }

  private lastSequenceOf(filter: string): number {
    const parts = filter.endsWith(".>") ? parseSubject(filter.slice(0, -2) + ".x") : undefined;
    if (parts && parts.entity === "x" && !filter.includes("*")) {
      return this.lastByProject.get(`${parts.tenantId}.${parts.projectId}`) ?? 0;
    }
    for (let i = this.events.length - 1; i >= this.head; i--) {
      const event = this.events[i];
      if (event && subjectMatches(filter, event.subject)) return event.sequence;
    }
    return 0;
  }

  private firstSequence(): number {
    return this.events[this.head]?.sequence ?? this.nextSequence + 1;
  }

  /** Index of the first retained event with a sequence above `sequence` (binary search). */
  private indexAfter(sequence: number): number {
    let lo = this.head;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.events[mid]?.sequence ?? Infinity) <= sequence) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private trim(now: number): void {
    const oldestKept = now - this.opts.retentionMs;
    while (this.head < this.events.length) {
      const event = this.events[this.head];
      if (!event) break;
      const tooMany = this.events.length - this.head > this.maxEvents;
      if (!tooMany && event.storedAt >= oldestKept) break;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events.splice(0, this.head);
      this.head = 0;
    }
    for (const [id, at] of this.recentIds) {
      if (now - at < this.duplicateWindowMs) break; // insertion order = time order
      this.recentIds.delete(id);
    }
  }
}
