import {
  AckPolicy,
  connect,
  DeliverPolicy,
  DiscardPolicy,
  headers as natsHeaders,
  nanos,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type KV,
  type MsgHdrs,
  type NatsConnection,
  type Subscription as NatsSubscription,
} from "nats";
import type { Logger } from "../log.js";
import type { EventBus, LiveMessage, LogBounds, LoggedEvent, OutboundEvent, Subscription } from "./event-bus.js";
import { EVENT_SUBJECT_PREFIX } from "./subjects.js";

/** The JetStream stream over `agileboard.evt.>`. */
export const EVENT_STREAM = "AGILEBOARD_EVENTS";
/** Header carrying OutboundEvent.origin. */
const ORIGIN_HEADER = "Agileboard-Origin";
/** Window in which JetStream drops a second publish of the same event id. */
const DUPLICATE_WINDOW_MS = 120_000;
/** How long publish and log reads wait for the server. */
const REQUEST_TIMEOUT_MS = 5_000;
/** How long a durable consumer's unacknowledged event waits before redelivery (e.g. to a restarted replica). */
const CONSUMER_ACK_WAIT_MS = 5_000;
/** How long an operation waits for the first connection before failing. */
const READY_TIMEOUT_MS = 5_000;

/** Options of the NATS bus. */
export interface NatsEventBusOptions {
  /** NATS_URL: one URL or several, comma-separated. */
  servers: string;
  /** Connection name shown by the server, e.g. "workitems". */
  name: string;
  /** Max age of stored events (EVENTS_RETENTION_MS). */
  retentionMs: number;
  /** Replicas of the stream and of key-value buckets (NATS_REPLICAS). Default 1. */
  replicas?: number;
  logger: Logger;
}

/**
 * The production bus: events are stored in one JetStream stream (de-duplicated by event id, kept for
 * resume), project feeds are ordered consumers, and transient messages use core NATS. It connects in the
 * background and reconnects forever; while down it reports unhealthy and its operations fail fast, so the
 * outbox keeps the events and nothing else stops.
 */
export class NatsEventBus implements EventBus {
  readonly kind = "nats" as const;
  private connection: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private connected = false;
  private closing = false;
  private readonly ready: Promise<void>;
  private readonly listeners = new Set<{ pattern: string; onMessage: (m: LiveMessage) => void; sub?: NatsSubscription }>();

  constructor(private readonly opts: NatsEventBusOptions) {
    this.ready = this.start();
    this.ready.catch((err: unknown) => opts.logger.error({ err }, "nats bus failed to start"));
  }

  /** Resolves once connected and the stream exists (or rejects after `timeoutMs`). */
  async waitUntilReady(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`event bus not connected to ${this.opts.servers}`)), timeoutMs);
    });
    try {
      await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  isHealthy(): boolean {
    return this.connected && !this.closing;
  }

  async publish(events: readonly OutboundEvent[]): Promise<void> {
    const js = await this.jetstream();
    await Promise.all(
      events.map((event) => {
        const h = natsHeaders();
        if (event.origin) h.set(ORIGIN_HEADER, event.origin);
        return js.publish(event.subject, event.payload, { msgID: event.eventId, headers: h, timeout: REQUEST_TIMEOUT_MS });
      }),
    );
  }

  async bounds(filter: string): Promise<LogBounds> {
    const jsm = await this.manager();
    const [last, info] = await Promise.all([
      jsm.streams.getMessage(EVENT_STREAM, { last_by_subj: filter }).then(
        (m) => m.seq,
        (err: unknown) => {
          if (isNotFound(err)) return 0;
          throw err;
        },
      ),
      jsm.streams.info(EVENT_STREAM),
    ]);
    return { lastSequence: last, firstSequence: info.state.first_seq };
  }

  async read(filter: string, afterSequence: number, upToSequence: number, limit = Number.POSITIVE_INFINITY): Promise<LoggedEvent[]> {
    const jsm = await this.manager();
    const out: LoggedEvent[] = [];
    let cursor = afterSequence + 1;
    while (cursor <= upToSequence && out.length < limit) {
      let stored;
      try {
        // The server accepts next_by_subj (first message at or after seq on a subject filter); nats.js's
        // MsgRequest type omits it but sends the query as given.
        const query = { seq: cursor, next_by_subj: filter } as unknown as { seq: number };
        stored = await jsm.streams.getMessage(EVENT_STREAM, query);
      } catch (err) {
        if (isNotFound(err)) break;
        throw err;
      }
      if (stored.seq > upToSequence) break;
      out.push({
        sequence: stored.seq,
        subject: stored.subject,
        payload: stored.data,
        eventId: stored.header.get("Nats-Msg-Id"),
        origin: stored.header.get(ORIGIN_HEADER),
      });
      cursor = stored.seq + 1;
    }
    return out;
  }

  async follow(filter: string, afterSequence: number, onEvent: (event: LoggedEvent) => void): Promise<Subscription> {
    const js = await this.jetstream();
    // An ordered consumer: the client recreates it at the right sequence after a gap or a reconnect.
    const consumer = await js.consumers.get(EVENT_STREAM, {
      filterSubjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: afterSequence + 1,
    });
    const messages = await consumer.consume({
      callback: (m: JsMsg) =>
        onEvent({
          sequence: m.seq,
          subject: m.subject,
          payload: m.data,
          eventId: headerOf(m.headers, "Nats-Msg-Id"),
          origin: headerOf(m.headers, ORIGIN_HEADER),
        }),
    });
    return {
      close: () => {
        messages.close().catch(() => undefined);
      },
    };
  }

  async consume(name: string, filter: string, handle: (event: LoggedEvent) => Promise<void>): Promise<Subscription> {
    const jsm = await this.manager();
    const config = {
      durable_name: name,
      filter_subject: filter,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      // An event handed to a process that died comes back after this; handlers take milliseconds.
      ack_wait: nanos(CONSUMER_ACK_WAIT_MS),
      max_ack_pending: 256,
    };
    try {
      const info = await jsm.consumers.info(EVENT_STREAM, name);
      if (info.config.filter_subject !== filter || info.config.ack_wait !== config.ack_wait) {
        await jsm.consumers.update(EVENT_STREAM, name, { filter_subject: filter, ack_wait: config.ack_wait });
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await jsm.consumers.add(EVENT_STREAM, config);
    }
    const consumer = await (await this.jetstream()).consumers.get(EVENT_STREAM, name);
    const messages = await consumer.consume({ max_messages: 64 });
    let stopped = false;
    void (async () => {
      // One at a time, in log order; a refused event comes back after the others, later.
      for await (const m of messages) {
        if (stopped) break;
        try {
          await handle({
            sequence: m.seq,
            subject: m.subject,
            payload: m.data,
            eventId: headerOf(m.headers, "Nats-Msg-Id"),
            origin: headerOf(m.headers, ORIGIN_HEADER),
          });
          m.ack();
        } catch (err) {
          this.opts.logger.warn({ err, consumer: name, sequence: m.seq }, "event handling failed, will retry");
          m.nak(1_000);
        }
      }
    })();
    return {
      close: () => {
        stopped = true;
        messages.close().catch(() => undefined);
      },
    };
  }

  /** A key-value bucket on this connection (created when missing), entries expiring `ttlMs` after their last write. */
  async keyValue(bucket: string, ttlMs: number): Promise<KV> {
    const js = await this.jetstream();
    return js.views.kv(bucket, { ttl: ttlMs, history: 1, replicas: this.opts.replicas ?? 1 });
  }

  listen(pattern: string, onMessage: (message: LiveMessage) => void): Subscription {
    const listener: { pattern: string; onMessage: (m: LiveMessage) => void; sub?: NatsSubscription } = { pattern, onMessage };
    this.listeners.add(listener);
    if (this.connection) this.attach(this.connection, listener);
    return {
      close: () => {
        this.listeners.delete(listener);
        listener.sub?.unsubscribe();
      },
    };
  }

  announce(subject: string, payload: Uint8Array): void {
    if (!this.connection || !this.connected) return;
    this.connection.publish(subject, payload);
  }

  async close(): Promise<void> {
    this.closing = true;
    const connection = this.connection;
    if (!connection) return;
    await connection.drain().catch(() => connection.close());
  }

  private async start(): Promise<void> {
    // waitOnFirstConnect: keep trying until the server is up, as later reconnects do.
    const connection = await connect({
      servers: this.opts.servers.split(",").map((s) => s.trim()),
      name: this.opts.name,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      pingInterval: 10_000,
    });
    this.connection = connection;
    this.watchStatus(connection);
    for (const listener of this.listeners) this.attach(connection, listener);
    this.jsm = await connection.jetstreamManager();
    this.js = connection.jetstream();
    await this.ensureStream(this.jsm);
    this.connected = true;
    this.opts.logger.info({ servers: this.opts.servers }, "event bus connected");
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const config = {
      name: EVENT_STREAM,
      subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(this.opts.retentionMs),
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: this.opts.replicas ?? 1,
    };
    try {
      const info = await jsm.streams.info(EVENT_STREAM);
      if (info.config.max_age !== config.max_age) await jsm.streams.update(EVENT_STREAM, { max_age: config.max_age });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await jsm.streams.add(config);
      } catch (addErr) {
        // Another process created it first.
        if (!String(addErr).includes("already in use")) throw addErr;
      }
    }
  }

  private watchStatus(connection: NatsConnection): void {
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === "disconnect") {
          this.connected = false;
          this.opts.logger.warn({ server: status.data }, "event bus disconnected");
        } else if (status.type === "reconnect") {
          this.connected = true;
          this.opts.logger.info({ server: status.data }, "event bus reconnected");
        }
      }
    })();
  }

  private attach(connection: NatsConnection, listener: { pattern: string; onMessage: (m: LiveMessage) => void; sub?: NatsSubscription }): void {
    listener.sub = connection.subscribe(listener.pattern, {
      callback: (err, m) => {
        if (err) return;
        listener.onMessage({ subject: m.subject, payload: m.data, origin: headerOf(m.headers, ORIGIN_HEADER) });
      },
    });
  }

  /** Resolves when connected: waits for the first connection (a few seconds), fails fast once it was lost. */
  async ensureConnected(): Promise<void> {
    if (!this.js || !this.connected) await this.waitUntilReady();
    if (!this.connected || !this.js) throw new Error("event bus is disconnected");
  }

  private async jetstream(): Promise<JetStreamClient> {
    await this.ensureConnected();
    if (!this.js) throw new Error("event bus is disconnected");
    return this.js;
  }

  private async manager(): Promise<JetStreamManager> {
    await this.jetstream();
    if (!this.jsm) throw new Error("event bus is disconnected");
    return this.jsm;
  }
}

function headerOf(h: MsgHdrs | undefined, name: string): string {
  return h?.get(name) ?? "";
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: string; api_error?: { code?: number }; message?: string };
  return e.code === "404" || e.api_error?.code === 404 || /not found/i.test(e.message ?? "");
}
