import { ClientFrame, ServerFrame, type DeepPartial } from "@agileboard/proto/wire";
import { backoffDelayMs, type BackoffOptions } from "./backoff.js";
import { AgileboardError, ClientClosedError, ConnectionLostError, OfflineError, TimeoutError } from "./errors.js";
import { ProjectCursor } from "./project-cursor.js";
import { memoryQueueStore, MutationQueue, type QueueEntry, type QueuedMutation, type QueueStore } from "./queue.js";
import { requestKind } from "./request-kind.js";
import { discard, messageBytes, OPEN, refusedStatus, SUBPROTOCOL, webSocketUrl, type WebSocketConstructor, type WebSocketLike } from "./socket.js";
import { readTokenClaims, refreshDelayMs } from "./token.js";
import type { AgileboardEvent, AnyPayload, AnyRequest, ReplyOf, RequestCase, RequestInput } from "./types.js";

/** Default `requestTimeoutMs`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Default `connectTimeoutMs`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Default `heartbeatIntervalMs`. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
/** Default `heartbeatTimeoutMs`. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5_000;
/** Default `tokenRefreshLeadMs`. */
export const DEFAULT_TOKEN_REFRESH_LEAD_MS = 60_000;

/**
 * Where the client stands. `connecting`: not connected yet since `connect()`. `online`: the socket is open.
 * `reconnecting`: the connection was lost and the client is retrying. `offline`: the platform reports no network
 * (the browser's `offline` event); the client still retries and also reconnects as soon as `online` fires.
 * `unauthenticated`: no token from `getToken` was accepted; nothing happens until `reconnect()`. `closed`: `close()`.
 */
export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "offline" | "unauthenticated" | "closed";

/** A snapshot of the client's state; a new object whenever something in it changes. */
export interface ClientState {
  readonly status: ConnectionStatus;
  /** Mutations not answered yet: queued while offline, being replayed, or in flight. */
  readonly pendingCount: number;
  /** Why the client is `unauthenticated` (or the last connection failure while not online). */
  readonly error: Error | undefined;
}

/** A mutation waiting for the server's answer, as `pending` lists it. */
export type PendingMutation = Readonly<QueuedMutation>;

/** A replayed mutation that the server refused (CONFLICT, PERMISSION_DENIED, …); it is out of the queue now. */
export interface ReplayFailure {
  mutation: PendingMutation;
  error: AgileboardError;
}

/** A mutation the server answered with its result (also one a previous session queued and this one replayed). */
export interface MutationAnswer {
  mutation: PendingMutation;
  /** The reply payload, e.g. `{ $case: "workItem", value }`. */
  reply: AnyPayload;
}

/** What a client reports through `on()`. */
export interface ClientEvents {
  /** The state changed (status, pending count or error). */
  state: ClientState;
  /** The pending mutations changed; the list in replay order. */
  pending: readonly PendingMutation[];
  /** A replayed mutation was refused. */
  replayFailed: ReplayFailure;
  /**
   * A mutation succeeded, told before it leaves `pending`: a view that shows pending mutations on top of
   * confirmed state can take the result first, so nothing flickers back.
   */
  answered: MutationAnswer;
  /** Something went wrong that belongs to no request: getToken failed, a token refresh was refused, a store write failed, an unsolicited server error. */
  error: Error;
}

/** Where the browser's `online` / `offline` events come from (`window`). */
export interface NetworkEvents {
  addEventListener(type: "online" | "offline", listener: () => void): void;
  removeEventListener(type: "online" | "offline", listener: () => void): void;
}

/** Options of `connect()`. */
export interface ConnectOptions {
  /** The gateway: `wss://host/ws`, or `https://host` (the client adds `/ws`). */
  url: string;
  /** Returns a current JWT; called on every (re)connect and before the token expires. */
  getToken: () => Promise<string>;
  /** The WebSocket implementation. Default `globalThis.WebSocket` (browsers, Node 22); in Node 20 pass `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Where unanswered mutations are kept. Default `memoryQueueStore()`; in browsers `indexedDbQueueStore()`. */
  queue?: QueueStore;
  /** How long a request waits for its reply, ms. Default 10_000. */
  requestTimeoutMs?: number;
  /** How long opening a socket may take, ms. Default 10_000. */
  connectTimeoutMs?: number;
  /** How often the client pings to prove the connection alive, ms; 0 = never. Default 10_000. */
  heartbeatIntervalMs?: number;
  /** How long a ping waits for its pong before the connection counts as dead, ms. Default 5_000. */
  heartbeatTimeoutMs?: number;
  /** Refresh the token this long before it expires (at most halfway through its remaining life), ms. Default 60_000. */
  tokenRefreshLeadMs?: number;
  /** Reconnect spacing. Default 250 ms doubling to 30 s, half of it random. */
  backoff?: BackoffOptions;
  /** Source of `online` / `offline` events. Default `globalThis` when it has `addEventListener` (browsers); null = none. */
  networkEvents?: NetworkEvents | null;
}

/** Options of one request. */
export interface RequestOptions {
  /** How long to wait for the reply, ms. Default the client's `requestTimeoutMs`. */
  timeoutMs?: number;
  /** The ClientFrame message_id (the server's idempotency key). Default a fresh UUID. */
  messageId?: string;
}

/** What a subscription is told. */
export interface SubscriptionHandlers {
  /** An event of the project, in sequence order, each once. */
  onEvent(event: AgileboardEvent): void;
  /** The server could not replay what was missed: reload the project's state; events continue from `headSequence`. */
  onResync?(resync: { projectId: string; headSequence: number }): void;
  /** The subscription ended: refused (PERMISSION_DENIED, NOT_FOUND, …) or revoked by the server (membership removed). */
  onError?(error: AgileboardError): void;
}

/** Options of `subscribe()`. */
export interface SubscribeOptions {
  /** Resume after this sequence on the first subscribe (state the application already holds). Default: from now on. */
  after?: number;
}

/** What a subscribe returned. */
export interface SubscribeResult {
  projectId: string;
  /** The project's latest sequence when the subscription started. */
  headSequence: number;
  /** True when the project must be reloaded (see `onResync`). */
  resynced: boolean;
}

/** Ends a subscription when called; `ready` settles when the server has confirmed (or refused) it. */
export type Unsubscribe = (() => void) & { readonly ready: Promise<SubscribeResult> };

type Timer = ReturnType<typeof setTimeout>;
type TimerName = "reconnect" | "connect" | "heartbeat" | "refresh";
type MutationOutcome = "answered" | "retry" | "lost";

/** A request sent on the current socket and waiting for its reply. */
type Call =
  | { kind: "read"; resolve: (value: unknown) => void; reject: (error: Error) => void; timer: Timer }
  | { kind: "mutation"; entry: QueueEntry; timer: Timer; done?: (outcome: MutationOutcome) => void }
  | { kind: "control"; onReply: (payload: AnyPayload, frame: ServerFrame) => void; timer: Timer | undefined };

/** One project the client follows, shared by every handler subscribed to it. */
interface ProjectSubscription {
  readonly projectId: string;
  readonly cursor: ProjectCursor;
  readonly handlers: Set<SubscriptionHandlers>;
  readonly ready: Promise<SubscribeResult>;
  resolveReady(result: SubscribeResult): void;
  rejectReady(error: Error): void;
  retries: number;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const TRANSIENT_CODES: ReadonlySet<string> = new Set(["RATE_LIMITED", "UNAVAILABLE"]);

/** Opens a client: it connects at once and keeps itself connected until `close()`. */
export function connect(options: ConnectOptions): AgileboardClient {
  return new AgileboardClient(options);
}

/**
 * A connection to an agileboard gateway that survives disconnects: typed requests correlated by message_id,
 * event streams per project that resume without gap or duplicate, and an offline queue of mutations replayed
 * in order, with their original message_id, on reconnect. Create it with `connect()`.
 */
export class AgileboardClient {
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly wsUrl: string;
  private readonly queue: MutationQueue;
  private readonly store: QueueStore;
  private readonly settings: Required<Omit<ConnectOptions, "url" | "getToken" | "WebSocket" | "queue" | "networkEvents">>;
  private readonly network: NetworkEvents | undefined;
  private readonly listeners: { [K in keyof ClientEvents]: Set<(value: ClientEvents[K]) => void> } = {
    state: new Set(),
    pending: new Set(),
    replayFailed: new Set(),
    answered: new Set(),
    error: new Set(),
  };
  private current: ClientState = { status: "connecting", pendingCount: 0, error: undefined };
  private socket: WebSocketLike | undefined;
  private isOpen = false;
  /** Bumped whenever a socket or attempt is abandoned: callbacks of older ones compare and stop. */
  private generation = 0;
  private attempt = 0;
  private authFailures = 0;
  private hasBeenOnline = false;
  private networkDown = false;
  private draining = false;
  private drainRetries = 0;
  private identity: string | undefined;
  private expiresAtMs: number | undefined;
  private readonly timers = new Map<TimerName, Timer>();
  private readonly calls = new Map<string, Call>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly subscriptions = new Map<string, ProjectSubscription>();
  /** Waits of the replay loop and subscribe retries, cut short when the connection goes or the client closes. */
  private readonly sleepers = new Set<{ timer: Timer; wake: () => void }>();

  /** Use `connect()`. */
  constructor(private readonly options: ConnectOptions) {
    const impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!impl) throw new TypeError("connect: no WebSocket implementation here; pass { WebSocket } (the ws package in Node 20)");
    this.WebSocketImpl = impl;
    this.wsUrl = webSocketUrl(options.url);
    this.settings = {
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
      tokenRefreshLeadMs: options.tokenRefreshLeadMs ?? DEFAULT_TOKEN_REFRESH_LEAD_MS,
      backoff: options.backoff ?? {},
    };
    this.store = options.queue ?? memoryQueueStore();
    this.queue = new MutationQueue(this.store, (err) => this.report(err));
    void this.queue.ready.then(() => this.pendingChanged());
    const global = globalThis as Partial<NetworkEvents>;
    this.network =
      options.networkEvents === null ? undefined : (options.networkEvents ?? (typeof global.addEventListener === "function" ? (global as NetworkEvents) : undefined));
    this.network?.addEventListener("offline", this.onNetworkOffline);
    this.network?.addEventListener("online", this.onNetworkOnline);
    // A page loaded without a network hears no `offline` event: ask the browser how it stands.
    if (this.network && (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false) {
      this.networkDown = true;
      this.current = { ...this.current, status: "offline" };
    }
    this.open();
  }

  /** The current state (a new object on every change, so it suits `useSyncExternalStore`). */
  get state(): ClientState {
    return this.current;
  }

  /** The mutations not answered yet, in replay order. */
  get pending(): readonly PendingMutation[] {
    return this.queue.entries.map((e) => e.mutation);
  }

  /** When the session's token expires (client clock, Unix ms), when known. */
  get tokenExpiresAtMs(): number | undefined {
    return this.expiresAtMs;
  }

  /** Listens to one kind of report; returns the function that stops listening. */
  on<K extends keyof ClientEvents>(name: K, listener: (value: ClientEvents[K]) => void): () => void {
    const set = this.listeners[name] as Set<(value: ClientEvents[K]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Calls `listener` with every new state; returns the function that stops it. */
  onStateChange(listener: (state: ClientState) => void): () => void {
    return this.on("state", listener);
  }

  /** Resolves when the client is online; rejects if it becomes unauthenticated or closed first. */
  whenOnline(): Promise<void> {
    return this.waitForStatus(Number.POSITIVE_INFINITY, false);
  }

  /**
   * Sends a request and resolves with its typed reply (`request("moveWorkItem", …)` → `WorkItem`); an `Error`
   * reply rejects with an AgileboardError. Reads need a connection: offline they fail at once with OfflineError
   * (while the first connection is still being made they wait for it, up to the timeout), and a read without a
   * reply in time rejects with TimeoutError. Mutations are never lost: offline they are queued, in order, and
   * replayed with the same message_id on reconnect; one whose socket died before its reply (outcome unknown)
   * is replayed too, which the server's idempotency makes safe. A mutation's promise settles with the server's
   * answer, however late; a mutation without a reply in time means the connection is dead (it reconnects).
   */
  async request<C extends RequestCase>(caseName: C, input: RequestInput<C>, options: RequestOptions = {}): Promise<ReplyOf<C>> {
    const kind = requestKind(caseName);
    if (kind === "control") throw new TypeError(`request: '${caseName}' is run by the client itself`);
    const partial = { messageId: "", request: { $case: caseName, value: input } } as DeepPartial<ClientFrame>;
    const request = ClientFrame.fromPartial(partial).request;
    if (!request) throw new TypeError(`request: '${caseName}' is not a request of this contract`);
    if (this.current.status === "closed") throw new ClientClosedError();
    const messageId = options.messageId ?? newMessageId();
    const timeoutMs = options.timeoutMs ?? this.settings.requestTimeoutMs;
    const reply = kind === "read" ? this.read(messageId, request, timeoutMs) : this.mutate(messageId, request, timeoutMs);
    return reply as Promise<ReplyOf<C>>;
  }

  /**
   * Follows a project's events: `handler` gets each event once, in order, across reconnects (the client resumes
   * after the last sequence it delivered and drops anything at or below it). When the server cannot replay what
   * was missed, `onResync` says to reload the project. Returns the function that ends this subscription; its
   * `ready` promise settles when the server confirmed (or refused) it.
   */
  subscribe(projectId: string, handler: SubscriptionHandlers | ((event: AgileboardEvent) => void), options: SubscribeOptions = {}): Unsubscribe {
    const handlers: SubscriptionHandlers = typeof handler === "function" ? { onEvent: handler } : handler;
    if (this.current.status === "closed") throw new ClientClosedError();
    let sub = this.subscriptions.get(projectId);
    if (!sub) {
      sub = newSubscription(projectId, options.after);
      this.subscriptions.set(projectId, sub);
      if (this.isOpen) this.sendSubscribe(sub);
    }
    sub.handlers.add(handlers);
    const joined = sub;
    const unsubscribe = () => this.unsubscribe(joined, handlers);
    return Object.assign(unsubscribe, { ready: joined.ready });
  }

  /** Connects again now: after `unauthenticated`, or to skip the rest of a backoff wait. */
  reconnect(): void {
    if (this.current.status === "closed" || this.isOpen) return;
    this.authFailures = 0;
    this.attempt = 0;
    this.abandonSocket();
    this.setStatus(this.hasBeenOnline ? "reconnecting" : "connecting", undefined);
    this.open();
  }

  /**
   * Stops everything: the socket, timers and listeners. Reads in flight reject with ClientClosedError, and so do
   * the promises of unanswered mutations — which stay in the queue store for the next client on it.
   */
  async close(): Promise<void> {
    if (this.current.status !== "closed") {
      this.generation++;
      const socket = this.socket;
      this.socket = undefined;
      if (socket) {
        if (this.isOpen) closeGracefully(socket);
        else discard(socket);
      }
      this.isOpen = false;
      for (const name of [...this.timers.keys()]) this.clearTimer(name);
      this.wakeSleepers();
      this.network?.removeEventListener("offline", this.onNetworkOffline);
      this.network?.removeEventListener("online", this.onNetworkOnline);
      const closed = new ClientClosedError();
      this.failCalls(closed);
      for (const [messageId] of this.waiters) this.settleWaiters(messageId, closed);
      for (const sub of this.subscriptions.values()) sub.rejectReady(closed);
      this.subscriptions.clear();
      this.setStatus("closed", undefined);
    }
    await this.queue.flushed();
    this.store.close?.();
  }

  // ——— connection lifecycle ———

  private open(): void {
    this.clearTimer("reconnect");
    const generation = ++this.generation;
    void this.attemptConnection(generation);
  }

  private async attemptConnection(generation: number): Promise<void> {
    let token: string;
    try {
      token = await this.options.getToken();
      if (typeof token !== "string" || token === "") throw new TypeError("getToken returned no token");
    } catch (err) {
      if (generation !== this.generation) return;
      this.report(err, "getToken failed");
      this.lost("no token");
      return;
    }
    if (generation !== this.generation) return;
    const claims = readTokenClaims(token);
    if (claims.expiresAtMs !== undefined && claims.expiresAtMs <= Date.now()) {
      this.authFailed(new AgileboardError("UNAUTHENTICATED", "getToken returned an expired token"));
      return;
    }
    this.identity = claims.identity ?? this.identity;
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(this.wsUrl, [SUBPROTOCOL, `bearer.${token}`]) as WebSocketLike;
    } catch (err) {
      this.report(err, "cannot open a WebSocket");
      this.lost("cannot open a WebSocket");
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    let refused: number | undefined;
    this.setTimer("connect", this.settings.connectTimeoutMs, () => this.lost(`no connection within ${this.settings.connectTimeoutMs} ms`));
    socket.onopen = () => {
      if (this.socket === socket) this.opened(claims.expiresAtMs);
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onerror = (event) => {
      if (this.socket === socket) refused = refusedStatus(event) ?? refused;
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.socketClosed(event.code, event.reason, refused);
    };
  }

  private opened(expiresAtMs: number | undefined): void {
    this.clearTimer("connect");
    this.isOpen = true;
    this.hasBeenOnline = true;
    this.networkDown = false;
    this.authFailures = 0;
    this.expiresAtMs = expiresAtMs;
    this.scheduleRefresh();
    this.setStatus("online", undefined);
    this.scheduleHeartbeat();
    for (const sub of this.subscriptions.values()) this.sendSubscribe(sub);
    const generation = this.generation;
    void this.queue.ready.then(() => {
      if (generation === this.generation) void this.drain();
    });
  }

  private socketClosed(code: number, reason: string, refused: number | undefined): void {
    if (!this.isOpen && refused === 401) {
      this.authFailed(new AgileboardError("UNAUTHENTICATED", "the server refused the token (HTTP 401)"));
      return;
    }
    // 4001: the token expired; a new one from getToken lets the client straight back in.
    if (code === 4001) {
      this.lost("the token expired (close 4001)", { immediate: true });
      return;
    }
    this.lost(this.isOpen ? `closed by the server (${code}${reason ? ` ${reason}` : ""})` : `connection refused${refused ? ` (HTTP ${refused})` : ""}`);
  }

  /** A refused token: ask getToken once more at once; a second refusal in a row stops at `unauthenticated`. */
  private authFailed(error: AgileboardError): void {
    this.authFailures++;
    if (this.authFailures < 2) {
      this.lost(error.message, { immediate: true });
      return;
    }
    this.teardown(new ConnectionLostError(error.message));
    this.setStatus("unauthenticated", error);
    this.report(error);
  }

  /** The connection is gone (or never came): drop everything tied to it and schedule the next attempt. */
  private lost(reason: string, how: { immediate?: boolean } = {}): void {
    if (this.current.status === "closed" || this.current.status === "unauthenticated") return;
    const wasOpen = this.isOpen;
    this.teardown(new ConnectionLostError(`connection lost: ${reason}`));
    this.setStatus(this.networkDown ? "offline" : this.hasBeenOnline ? "reconnecting" : "connecting", wasOpen ? undefined : new ConnectionLostError(reason));
    const delay = how.immediate ? 0 : backoffDelayMs(this.attempt++, this.settings.backoff);
    this.setTimer("reconnect", delay, () => this.open());
  }

  private teardown(error: Error): void {
    this.abandonSocket();
    this.generation++;
    for (const name of ["connect", "heartbeat", "refresh", "reconnect"] as const) this.clearTimer(name);
    this.failCalls(error);
    this.queue.markAllUnsent();
    // A replay pausing after RATE_LIMITED must not hold up the next connection's replay.
    this.wakeSleepers();
  }

  private abandonSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.isOpen = false;
    if (socket) discard(socket);
  }

  private readonly onNetworkOffline = (): void => {
    if (this.current.status === "closed" || this.current.status === "unauthenticated") return;
    this.networkDown = true;
    this.lost("the network is offline");
  };

  private readonly onNetworkOnline = (): void => {
    if (this.current.status === "closed" || this.current.status === "unauthenticated") return;
    this.networkDown = false;
    if (this.isOpen) return;
    // The network is back: try now rather than at the end of the backoff.
    this.attempt = 0;
    this.abandonSocket();
    this.setStatus(this.hasBeenOnline ? "reconnecting" : "connecting", undefined);
    this.open();
  };

  private scheduleHeartbeat(): void {
    const { heartbeatIntervalMs, heartbeatTimeoutMs } = this.settings;
    if (heartbeatIntervalMs <= 0) return;
    this.setTimer("heartbeat", heartbeatIntervalMs, () => {
      this.control({ $case: "ping", value: { clientTimeMs: Date.now() } }, {
        timeoutMs: heartbeatTimeoutMs,
        onTimeout: () => this.lost(`no pong within ${heartbeatTimeoutMs} ms`),
        onReply: () => this.scheduleHeartbeat(),
      });
    });
  }

  private scheduleRefresh(): void {
    this.clearTimer("refresh");
    if (this.expiresAtMs === undefined) return;
    const remainingMs = this.expiresAtMs - Date.now();
    this.setTimer("refresh", refreshDelayMs(remainingMs, this.settings.tokenRefreshLeadMs), () => void this.refreshToken());
  }

  /** Sends a newer token on the open socket so the session outlives the old one. */
  private async refreshToken(): Promise<void> {
    const generation = this.generation;
    let token: string;
    try {
      token = await this.options.getToken();
    } catch (err) {
      if (generation === this.generation) {
        this.report(err, "getToken failed (token refresh)");
        this.retryRefreshLater();
      }
      return;
    }
    if (generation !== this.generation || !this.isOpen) return;
    const claims = readTokenClaims(token);
    if (claims.expiresAtMs !== undefined && this.expiresAtMs !== undefined && claims.expiresAtMs <= this.expiresAtMs) {
      // A provider that still hands out its cached token: ask again later; at expiry the server closes with 4001.
      this.retryRefreshLater();
      return;
    }
    this.control({ $case: "refreshToken", value: { token } }, {
      timeoutMs: this.settings.requestTimeoutMs,
      onTimeout: () => this.lost("no reply to refresh_token"),
      onReply: (payload, frame) => {
        if (payload.$case === "tokenRefreshed") {
          // The server's expiry, moved onto this client's clock with the frame's server time.
          const serverNowMs = frame.serverTimeMs || Date.now();
          this.expiresAtMs = Date.now() + (payload.value.expiresAtMs - serverNowMs);
          this.identity = claims.identity ?? this.identity;
          this.scheduleRefresh();
        } else if (payload.$case === "error") {
          this.report(AgileboardError.fromWire(payload.value), "token refresh refused");
        }
      },
    });
  }

  private retryRefreshLater(): void {
    if (this.expiresAtMs === undefined) return;
    const remainingMs = this.expiresAtMs - Date.now();
    if (remainingMs > 2_000) this.setTimer("refresh", remainingMs / 2, () => void this.refreshToken());
  }

  // ——— frames ———

  private receive(data: unknown): void {
    const bytes = messageBytes(data);
    if (!bytes) return;
    let frame: ServerFrame;
    try {
      frame = ServerFrame.decode(bytes);
    } catch (err) {
      this.report(err, "undecodable frame from the server");
      return;
    }
    // The server answers: the connection works, so the next loss starts the backoff from the beginning.
    this.attempt = 0;
    const payload = frame.payload;
    if (!payload) return;
    if (payload.$case === "event") {
      this.deliver(payload.value);
      return;
    }
    const call = this.calls.get(frame.messageId);
    if (call) {
      this.calls.delete(frame.messageId);
      clearTimeout(call.timer);
      this.answered(call, payload, frame);
      return;
    }
    if (payload.$case === "unsubscribed") {
      for (const projectId of payload.value.projectIds) this.revoked(projectId);
      return;
    }
    if (payload.$case === "error") this.report(AgileboardError.fromWire(payload.value));
  }

  private answered(call: Call, payload: AnyPayload, frame: ServerFrame): void {
    switch (call.kind) {
      case "read":
        if (payload.$case === "error") call.reject(AgileboardError.fromWire(payload.value));
        else call.resolve(payload.value);
        return;
      case "control":
        call.onReply(payload, frame);
        return;
      case "mutation":
        call.done?.(this.mutationAnswered(call.entry, payload));
        return;
    }
  }

  private send(messageId: string, request: AnyRequest): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      this.lost("socket not open");
      return;
    }
    try {
      socket.send(ClientFrame.encode({ messageId, request }).finish());
    } catch (err) {
      this.report(err, "send failed");
      this.lost("send failed");
    }
  }

  /** Sends a request the client makes for itself; `onReply` gets the reply (or error) payload. */
  private control(
    request: AnyRequest,
    handlers: { onReply: (payload: AnyPayload, frame: ServerFrame) => void; timeoutMs?: number; onTimeout?: () => void },
  ): void {
    if (!this.isOpen) return;
    const messageId = newMessageId();
    const timer =
      handlers.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            if (this.calls.delete(messageId)) handlers.onTimeout?.();
          }, handlers.timeoutMs);
    this.calls.set(messageId, { kind: "control", onReply: handlers.onReply, timer });
    this.send(messageId, request);
  }

  private failCalls(error: Error): void {
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) {
      clearTimeout(call.timer);
      if (call.kind === "read") call.reject(error);
      else if (call.kind === "mutation") call.done?.("lost");
    }
  }

  // ——— reads and mutations ———

  private async read(messageId: string, request: AnyRequest, timeoutMs: number): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    if (this.current.status === "connecting" && !this.isOpen) await this.waitForStatus(timeoutMs, true);
    if (!this.isOpen) throw this.current.status === "unauthenticated" && this.current.error ? this.current.error : new OfflineError();
    if (this.calls.has(messageId)) throw new TypeError(`request: message_id '${messageId}' is already waiting for a reply`);
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          if (this.calls.delete(messageId)) reject(new TimeoutError(`no reply to '${request.$case}' within ${timeoutMs} ms`));
        },
        Math.max(0, deadline - Date.now()),
      );
      this.calls.set(messageId, { kind: "read", resolve, reject, timer });
      this.send(messageId, request);
    });
  }

  private async mutate(messageId: string, request: AnyRequest, timeoutMs: number): Promise<unknown> {
    await this.queue.ready;
    if (this.current.status === "closed") throw new ClientClosedError();
    const existing = this.queue.byMessageId(messageId);
    if (!existing && this.calls.has(messageId)) throw new TypeError(`request: message_id '${messageId}' is already waiting for a reply`);
    const reply = new Promise<unknown>((resolve, reject) => {
      const list = this.waiters.get(messageId) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(messageId, list);
    });
    if (existing) return reply;
    const entry = this.queue.add({ messageId, request, enqueuedAtMs: Date.now(), ...(this.identity ? { identity: this.identity } : {}) });
    entry.timeoutMs = timeoutMs;
    this.pendingChanged();
    // Straight out when nothing waits ahead of it; otherwise behind the queue, in order.
    if (this.isOpen && !this.draining && this.queue.entries.every((e) => e === entry || e.sent)) this.sendMutation(entry, false);
    else if (this.isOpen) void this.drain();
    return reply;
  }

  private sendMutation(entry: QueueEntry, replay: boolean): Promise<MutationOutcome> {
    return new Promise((done) => {
      const { messageId, request } = entry.mutation;
      const timeoutMs = entry.timeoutMs ?? this.settings.requestTimeoutMs;
      entry.sent = true;
      if (replay) entry.replayed = true;
      // No reply to a mutation on a socket that looks open means it is dead: reconnect and replay.
      const timer = setTimeout(() => this.lost(`no reply to '${request.$case}' within ${timeoutMs} ms`), timeoutMs);
      this.calls.set(messageId, { kind: "mutation", entry, timer, done });
      this.send(messageId, request);
    });
  }

  private mutationAnswered(entry: QueueEntry, payload: AnyPayload): MutationOutcome {
    entry.sent = false;
    const { messageId } = entry.mutation;
    if (payload.$case !== "error") {
      this.drainRetries = 0;
      this.emit("answered", { mutation: entry.mutation, reply: payload });
      this.queue.remove(entry);
      this.pendingChanged();
      this.settleWaiters(messageId, undefined, payload.value);
      return "answered";
    }
    const error = AgileboardError.fromWire(payload.value);
    if (error.code === "UNAUTHENTICATED") {
      // Refused for an expired token, not executed: reconnect with a new one and replay it.
      queueMicrotask(() => this.lost("the token expired", { immediate: true }));
      return "lost";
    }
    if (TRANSIENT_CODES.has(error.code)) {
      if (!this.draining) void this.drain();
      return "retry";
    }
    this.queue.remove(entry);
    this.pendingChanged();
    if (entry.replayed) this.emit("replayFailed", { mutation: entry.mutation, error });
    this.settleWaiters(messageId, error);
    return "answered";
  }

  /** Replays the queue on the open socket: one mutation at a time, each after the previous one's reply. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const generation = this.generation;
    try {
      for (;;) {
        if (generation !== this.generation || !this.isOpen) return;
        // Mutations sent straight out before the queue formed are still in flight: let them answer first.
        if (this.queue.entries.some((e) => e.sent)) {
          await this.untilInFlightAnswered();
          continue;
        }
        const entry = this.queue.nextUnsent();
        if (!entry) return;
        if (entry.mutation.identity && this.identity && entry.mutation.identity !== this.identity) {
          this.dropForeign(entry);
          continue;
        }
        const outcome = await this.sendMutation(entry, true);
        if (outcome === "lost") return;
        if (outcome === "retry") await this.sleep(backoffDelayMs(this.drainRetries++, this.settings.backoff));
      }
    } finally {
      this.draining = false;
      // A connection opened while this loop slept: its replay starts now.
      if (generation !== this.generation && this.isOpen && this.queue.nextUnsent()) void this.drain();
    }
  }

  private untilInFlightAnswered(): Promise<void> {
    const inFlight = [...this.calls.values()].filter((c): c is Extract<Call, { kind: "mutation" }> => c.kind === "mutation");
    if (inFlight.length === 0) {
      // Nothing is on the wire after all: the entries are free to be replayed.
      this.queue.markAllUnsent();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let left = inFlight.length;
      for (const call of inFlight) {
        const previous = call.done;
        call.done = (outcome) => {
          previous?.(outcome);
          if (--left === 0) resolve();
        };
      }
    });
  }

  /** A mutation queued by another user's session on this store: never sent as this user. */
  private dropForeign(entry: QueueEntry): void {
    const error = new AgileboardError("PERMISSION_DENIED", `queued by '${entry.mutation.identity}', not by '${this.identity}'; not replayed`);
    this.queue.remove(entry);
    this.pendingChanged();
    this.emit("replayFailed", { mutation: entry.mutation, error });
    this.settleWaiters(entry.mutation.messageId, error);
  }

  private settleWaiters(messageId: string, error: Error | undefined, value?: unknown): void {
    const list = this.waiters.get(messageId);
    this.waiters.delete(messageId);
    for (const w of list ?? []) {
      if (error) w.reject(error);
      else w.resolve(value);
    }
  }

  // ——— subscriptions ———

  private sendSubscribe(sub: ProjectSubscription): void {
    const after = sub.cursor.resumeAfter;
    this.control(
      { $case: "subscribe", value: { projectIds: [sub.projectId], resumeAfter: after === undefined ? {} : { [sub.projectId]: after } } },
      {
        timeoutMs: this.settings.requestTimeoutMs,
        onTimeout: () => this.lost("no reply to subscribe"),
        onReply: (payload) => this.subscribeAnswered(sub, payload),
      },
    );
  }

  private subscribeAnswered(sub: ProjectSubscription, payload: AnyPayload): void {
    if (this.subscriptions.get(sub.projectId) !== sub) {
      // Unsubscribed while the subscribe was on its way: make sure the server forgets it too.
      if (payload.$case === "subscribed") this.control({ $case: "unsubscribe", value: { projectIds: [sub.projectId] } }, { onReply: () => undefined });
      return;
    }
    if (payload.$case === "subscribed") {
      const resynced = payload.value.resyncProjectIds.includes(sub.projectId);
      const headSequence = payload.value.headSequence[sub.projectId] ?? 0;
      sub.retries = 0;
      sub.cursor.subscribed(headSequence, resynced);
      sub.resolveReady({ projectId: sub.projectId, headSequence, resynced });
      if (resynced) for (const h of [...sub.handlers]) this.callHandler(() => h.onResync?.({ projectId: sub.projectId, headSequence }));
      return;
    }
    if (payload.$case !== "error") return;
    const error = AgileboardError.fromWire(payload.value);
    if (error.code === "UNAUTHENTICATED") {
      this.lost("the token expired", { immediate: true });
      return;
    }
    if (TRANSIENT_CODES.has(error.code)) {
      const generation = this.generation;
      void this.sleep(backoffDelayMs(sub.retries++, this.settings.backoff)).then(() => {
        if (generation === this.generation && this.isOpen && this.subscriptions.get(sub.projectId) === sub) this.sendSubscribe(sub);
      });
      return;
    }
    this.endSubscription(sub, error);
  }

  private unsubscribe(sub: ProjectSubscription, handlers: SubscriptionHandlers): void {
    if (!sub.handlers.delete(handlers) || sub.handlers.size > 0) return;
    if (this.subscriptions.get(sub.projectId) !== sub) return;
    this.subscriptions.delete(sub.projectId);
    sub.rejectReady(new Error(`unsubscribed from ${sub.projectId}`));
    this.control({ $case: "unsubscribe", value: { projectIds: [sub.projectId] } }, { onReply: () => undefined });
  }

  private revoked(projectId: string): void {
    const sub = this.subscriptions.get(projectId);
    if (sub) this.endSubscription(sub, new AgileboardError("PERMISSION_DENIED", `the server ended the subscription to project '${projectId}'`));
  }

  private endSubscription(sub: ProjectSubscription, error: AgileboardError): void {
    this.subscriptions.delete(sub.projectId);
    sub.rejectReady(error);
    const handlers = [...sub.handlers];
    if (!handlers.some((h) => h.onError)) this.report(error);
    for (const h of handlers) this.callHandler(() => h.onError?.(error));
  }

  private deliver(event: AgileboardEvent): void {
    const sub = this.subscriptions.get(event.projectId);
    if (!sub || !sub.cursor.accept(event.sequence)) return;
    for (const h of [...sub.handlers]) this.callHandler(() => h.onEvent(event));
  }

  private callHandler(call: () => void): void {
    try {
      call();
    } catch (err) {
      this.report(err, "a subscription handler threw");
    }
  }

  // ——— state and reports ———

  private setStatus(status: ConnectionStatus, error: Error | undefined): void {
    if (this.current.status === status && this.current.error === error) return;
    this.current = { status, pendingCount: this.queue.size, error };
    this.emit("state", this.current);
  }

  private pendingChanged(): void {
    if (this.current.pendingCount !== this.queue.size) {
      this.current = { ...this.current, pendingCount: this.queue.size };
      this.emit("state", this.current);
    }
    if (this.listeners.pending.size > 0) this.emit("pending", this.pending);
  }

  private waitForStatus(timeoutMs: number, onlyWhileConnecting: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (state: ClientState): boolean => {
        if (state.status === "online") resolve();
        else if (state.status === "closed") reject(new ClientClosedError());
        else if (state.status === "unauthenticated") reject(state.error ?? new AgileboardError("UNAUTHENTICATED", "unauthenticated"));
        else if (onlyWhileConnecting && state.status !== "connecting") reject(new OfflineError());
        else return false;
        return true;
      };
      if (check(this.current)) return;
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            off();
            reject(new TimeoutError(`not connected within ${timeoutMs} ms`));
          }, timeoutMs)
        : undefined;
      const off = this.on("state", (state) => {
        if (!check(state)) return;
        off();
        clearTimeout(timer);
      });
    });
  }

  private emit<K extends keyof ClientEvents>(name: K, value: ClientEvents[K]): void {
    for (const listener of [...this.listeners[name]]) {
      try {
        (listener as (v: ClientEvents[K]) => void)(value);
      } catch {
        // A listener's failure is its own; the client carries on.
      }
    }
  }

  private report(err: unknown, context?: string): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.emit("error", context ? new Error(`${context}: ${error.message}`, { cause: error }) : error);
  }

  private wakeSleepers(): void {
    for (const sleeper of [...this.sleepers]) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    this.sleepers.clear();
  }

  /** Resolves after `ms`, or at once when the connection is lost or the client closes. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: () => resolve(),
      };
      this.sleepers.add(sleeper);
    });
  }

  private setTimer(name: TimerName, delayMs: number, run: () => void): void {
    this.clearTimer(name);
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        run();
      }, delayMs),
    );
  }

  private clearTimer(name: TimerName): void {
    const timer = this.timers.get(name);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(name);
  }
}

/** How long a closing handshake may take before the socket is dropped (a dead peer never answers), ms. */
const CLOSE_GRACE_MS = 1_000;

/** Closes an open socket with 1000; where the implementation can (`ws`), drops it if the peer does not answer. */
function closeGracefully(socket: WebSocketLike): void {
  const drop = socket.terminate ? setTimeout(() => socket.terminate?.(), CLOSE_GRACE_MS) : undefined;
  socket.onerror = socket.onmessage = () => undefined;
  socket.onclose = () => clearTimeout(drop);
  socket.close(1000, "client closed");
}

/**
 * A UUID v4 for a message_id. `crypto.randomUUID` exists only in secure contexts (https, localhost); elsewhere
 * the id is built from `crypto.getRandomValues`, which every browser has.
 */
export function newMessageId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function newSubscription(projectId: string, after: number | undefined): ProjectSubscription {
  let resolveReady: (result: SubscribeResult) => void = () => undefined;
  let rejectReady: (error: Error) => void = () => undefined;
  const ready = new Promise<SubscribeResult>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // Nobody has to await `ready`: a refusal also reaches onError, so an unawaited rejection is no crash.
  ready.catch(() => undefined);
  return { projectId, cursor: new ProjectCursor(after), handlers: new Set(), ready, resolveReady, rejectReady, retries: 0 };
}
