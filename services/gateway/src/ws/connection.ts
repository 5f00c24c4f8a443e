import type { Metadata } from "@grpc/grpc-js";
import { CALL_METADATA, identityMetadata, type CallContext, type InternalService, type InternalTokenSigner } from "@agileboard/kit";
import type { Socket } from "node:net";
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

/** A signed identity for calls to one service, and when to mint the next. */
interface MintedIdentity {
  token: string;
  metadata: Metadata;
  /** Past this, a new token is minted (half its life, so a call never carries one about to expire). */
  renewAtMs: number;
}

let nextConnectionNumber = 0;

/**
 * Write coalescing: the first frame a socket gets in an event-loop turn corks its TCP socket, and one
 * setImmediate uncorks every corked socket after the turn — so the events of one bus delivery (and the
 * replies of one burst) leave as one writev per socket instead of one per frame. Frames keep their order
 * (the stream only buffers), and nothing waits longer than the rest of the current turn.
 */
const corked: Socket[] = [];
let flushScheduled = false;

function uncorkAll(): void {
  flushScheduled = false;
  for (const socket of corked) socket.uncork();
  corked.length = 0;
}

function corkForThisTurn(socket: Socket): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  corked.push(socket);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(uncorkAll);
  }
}

/** The TCP socket under a `ws` WebSocket (ws keeps it as `_socket`; absent once closed). */
function tcpSocketOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}

/** One authenticated WebSocket and everything the gateway keeps for it. */
export class Connection {
  readonly id: string;
  /** "<gateway>/<connection>": events this connection caused carry it and are not echoed back. */
  readonly origin: string;
  readonly subscriptions = new Map<string, ProjectSubscription>();
  readonly limiter: RateLimiter;
  /** Requests being served now (shutdown waits for them). */
  inFlight = 0;
  /** Per target service: the identity token calls carry, minted on first use and renewed at half-life. */
  private readonly minted = new Map<InternalService, MintedIdentity>();
  private readonly minting = new Map<InternalService, Promise<MintedIdentity>>();
  /** Bumped by a token refresh: a mint started before it must not be kept. */
  private generation = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    public identity: ConnectionIdentity,
    gatewayId: string,
    limits: { ratePerSecond: number; burst: number },
    private readonly signer: InternalTokenSigner,
    private readonly onExpired: (conn: Connection) => void,
  ) {
    this.id = (++nextConnectionNumber).toString(36);
    this.origin = `${gatewayId}/${this.id}`;
    this.limiter = new RateLimiter(limits.ratePerSecond, limits.burst);
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

  /** The caller of a call the gateway makes to `service` itself (permission checks), with its signed identity. */
  async callContext(messageId: string, service: InternalService): Promise<CallContext> {
    const { token } = await this.identityFor(service);
    return { tenantId: this.tenantId, userId: this.userId, roles: this.identity.roles, messageId, origin: this.origin, token };
  }

  /** Metadata for a call to `service`: the connection's signed identity plus this request's message id. */
  async metadataFor(service: InternalService, messageId: string): Promise<Metadata> {
    const md = (await this.identityFor(service)).metadata.clone();
    md.set(CALL_METADATA.messageId, Buffer.from(messageId, "utf8"));
    return md;
  }

  /** A newer token for the same tenant and user: new expiry and roles, so new internal tokens too. */
  refresh(identity: ConnectionIdentity): void {
    this.identity = identity;
    this.generation++;
    this.minted.clear();
    this.minting.clear();
    this.armExpiry();
  }

  /** Sends one binary frame; a peer that lets too much pile up is closed (it resumes on reconnect). */
  send(frame: Uint8Array): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(1013, "too slow to keep up; reconnect and resume");
      return;
    }
    const tcp = tcpSocketOf(this.socket);
    if (tcp) corkForThisTurn(tcp);
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

  private async identityFor(service: InternalService): Promise<MintedIdentity> {
    const current = this.minted.get(service);
    if (current && Date.now() < current.renewAtMs) return current;
    // Concurrent calls share one mint; a failed mint leaves nothing behind, so the next call tries again.
    let minting = this.minting.get(service);
    if (!minting) {
      const identity = { tenantId: this.tenantId, userId: this.userId, roles: this.identity.roles, origin: this.origin };
      const generation = this.generation;
      minting = this.signer
        .mint(identity, service, this.identity.expiresAtMs)
        .then(({ token, expiresAtMs }) => {
          const minted = { token, metadata: identityMetadata(token), renewAtMs: Date.now() + (expiresAtMs - Date.now()) / 2 };
          if (generation === this.generation) this.minted.set(service, minted);
          return minted;
        })
        .finally(() => this.minting.delete(service));
      this.minting.set(service, minting);
    }
    return minting;
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
