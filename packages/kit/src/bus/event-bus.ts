/** An event on its way to the log: the encoded `agileboard.v1.Event` and where it goes. */
export interface OutboundEvent {
  /** The Event's id; the log drops a second copy with the same id (de-duplication window). */
  eventId: string;
  subject: string;
  payload: Uint8Array;
  /** "<gateway>/<connection>" of the request that caused it ("" when none), so that connection gets no echo. */
  origin: string;
}

/** An event as the log stored it. */
export interface LoggedEvent extends OutboundEvent {
  /** Position in the log: strictly increasing, not contiguous per project. */
  sequence: number;
}

/** A message seen live (stored event or transient announcement). */
export interface LiveMessage {
  subject: string;
  payload: Uint8Array;
  origin: string;
}

/** What the log holds for a subject filter. */
export interface LogBounds {
  /** Sequence of the newest stored event matching the filter; 0 when there is none. */
  lastSequence: number;
  /** Oldest sequence still retained in the whole log; events before it are gone. */
  firstSequence: number;
}

/** A running subscription. */
export interface Subscription {
  close(): void;
}

/**
 * The event bus behind one interface: NATS JetStream in production, an in-process log for the embedded
 * default. Both number events with a log-wide sequence, keep them for resume, and de-duplicate by event id.
 */
export interface EventBus {
  readonly kind: "nats" | "memory";
  /** False while the bus is disconnected (readiness). */
  isHealthy(): boolean;
  /**
   * Stores events in order; resolves once the log acknowledged every one, rejects if any was not (the
   * caller retries the whole batch: de-duplication makes that safe).
   */
  publish(events: readonly OutboundEvent[]): Promise<void>;
  /** The newest sequence matching `filter`, and the log's oldest retained sequence. */
  bounds(filter: string): Promise<LogBounds>;
  /** Stored events matching `filter` with `afterSequence < sequence <= upToSequence`, in order (at most `limit`). */
  read(filter: string, afterSequence: number, upToSequence: number, limit?: number): Promise<LoggedEvent[]>;
  /** Every stored event matching `filter` after `afterSequence`, in order, then live as they are stored. */
  follow(filter: string, afterSequence: number, onEvent: (event: LoggedEvent) => void): Promise<Subscription>;
  /** Live messages on a subject pattern (stored events and announcements alike), without replay. */
  listen(pattern: string, onMessage: (message: LiveMessage) => void): Subscription;
  /**
   * A durable consumer: every stored event matching `filter` from the start of the log, at least once, in
   * log order, across restarts. `handle` resolving acknowledges the event; rejecting makes it come again
   * later. Processes using the same `name` share one consumer (each event goes to one of them).
   */
  consume(name: string, filter: string, handle: (event: LoggedEvent) => Promise<void>): Promise<Subscription>;
  /** A transient message, not stored (presence). */
  announce(subject: string, payload: Uint8Array): void;
  /** Drains and disconnects. */
  close(): Promise<void>;
}
