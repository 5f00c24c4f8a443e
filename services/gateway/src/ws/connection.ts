import type { Metadata } from "@grpc/grpc-js";
import { callMetadata, CALL_METADATA, type CallContext } from "@agileboard/kit";
import type { WebSocket } from "ws";
import { RateLimiter } from "./rate-limiter.js";

/** Close codes the gateway uses besides the standard ones. */
export const CLOSE_TOKEN_EXPIRED = 4001;
/** More bytes than this queued for a peer means it cannot keep up: it is closed and may resume elsewhere. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** A frame that arrived for a project while its subscription was catching up. */
export interface PendingEvent {
  sequence: number;
  frame: Uint8Array;
  origin: string;
}

/** One project subscription of one connection. */
export interface ProjectSubscription {
  /** Highest sequence delivered or skipped; later events below it are duplicates. */
  watermark: number;
  /** Live events held back while the subscription replays; null once live. */
  pending: PendingEvent[] | null;
}

/** Who is on a connection, from the verified token. */
export interface ConnectionIdentity {
  tenantId: string;
  userId: string;
  roles: string[];
  expiresAtMs: number;
}

let nextConnectionNumber = 0;

/** One authenticated WebSocket and everything the gateway keeps for it. */
export class Connection {
  readonly id: string;
  /** "<gateway>/<connection>": events this connection caused carry it and are not echoed back. */
  readonly origin: string;
  readonly subscriptions = new Map<string, ProjectSubscription>();
  readonly limiter: RateLimiter;
  /** Requests being served now (shutdown waits for them). */
  inFlight = 0;
  private metadata: Metadata;
  private expiryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    public identity: ConnectionIdentity,
    gatewayId: string,
    limits: { ratePerSecond: number; burst: number },
    private readonly onExpired: (conn: Connection) => void,
  ) {
    this.id = (++nextConnectionNumber).toString(36);
    this.origin = `${gatewayId}/${this.id}`;
    this.limiter = new RateLimiter(limits.ratePerSecond, limits.burst);
    this.metadata = this.buildMetadata();
    this.armExpiry();
  }

  get tenantId(): string {
    return this.identity.tenantId;
  }

  get userId(): string {
    return this.identity.userId;
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  /** The identity and request ids a downstream call carries. */
  callContext(messageId: string): CallContext {
    return { tenantId: this.tenantId, userId: this.userId, roles: this.identity.roles, messageId, origin: this.origin };
  }

  /** Metadata for a downstream call: the connection's identity plus this request's message id. */
  metadataFor(messageId: string): Metadata {
    const md = this.metadata.clone();
    md.set(CALL_METADATA.messageId, messageId);
    return md;
  }

  /** A newer token for the same tenant and user: new expiry and roles. */
  refresh(identity: ConnectionIdentity): void {
    this.identity = identity;
    this.metadata = this.buildMetadata();
    this.armExpiry();
  }

  /** Sends one binary frame; a peer that lets too much pile up is closed (it resumes on reconnect). */
  send(frame: Uint8Array): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1013, "too slow to keep up; reconnect and resume");
      return;
    }
    this.socket.send(frame, { binary: true });
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.expiryTimer);
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  /** Forgets timers when the socket is gone. */
  dispose(): void {
    this.closed = true;
    clearTimeout(this.expiryTimer);
  }

  private buildMetadata(): Metadata {
    return callMetadata({ tenantId: this.tenantId, userId: this.userId, roles: this.identity.roles, messageId: "", origin: this.origin });
  }

  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    // setTimeout holds at most ~24.8 days; re-arm for longer tokens.
    const delay = Math.min(this.identity.expiresAtMs - Date.now(), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => {
      if (Date.now() >= this.identity.expiresAtMs) this.onExpired(this);
      else this.armExpiry();
    }, Math.max(0, delay));
    this.expiryTimer.unref();
  }
}
