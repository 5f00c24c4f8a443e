import { createHash, randomUUID } from "node:crypto";
import type { Metadata } from "@grpc/grpc-js";
import { CALL_METADATA, identityMetadata, RateLimitedError, UnauthenticatedError, type InternalService, type InternalTokenSigner, type TokenVerifier, type VerifiedToken } from "@agileboard/kit";
import { LRUCache } from "lru-cache";
import { RateLimiter } from "../../ws/rate-limiter.js";

/** Most HTTP callers (distinct bearer tokens) whose identity and minted internal tokens are remembered. */
const MAX_CACHED_CALLERS = 10_000;

/**
 * An HTTP caller of the REST API or MCP endpoint, authenticated exactly as a socket is: the bearer JWT
 * verified by the gateway's TokenVerifier, then a signed internal identity minted per target service (as a
 * Connection does), so services trust an HTTP call for the same reasons as a socket's.
 */
export class HttpCaller {
  private readonly minted = new Map<InternalService, Promise<{ metadata: Metadata; renewAtMs: number }>>();

  constructor(
    readonly identity: VerifiedToken,
    /** "<gateway>/http-<n>": the caller's origin in events (REST never mutates, but the identity carries one). */
    readonly origin: string,
    private readonly signer: InternalTokenSigner,
  ) {}

  get tenantId(): string {
    return this.identity.tenantId;
  }

  get userId(): string {
    return this.identity.userId;
  }

  /** Metadata for a call to `service`: the signed identity, renewed at half-life, and a fresh message id. */
  async metadataFor(service: InternalService): Promise<Metadata> {
    let pending = this.minted.get(service);
    const current = pending && (await pending.catch(() => undefined));
    if (!current || Date.now() >= current.renewAtMs) {
      pending = this.signer
        .mint({ tenantId: this.tenantId, userId: this.userId, roles: this.identity.roles, origin: this.origin }, service, this.identity.expiresAtMs)
        .then(({ token, expiresAtMs }) => ({ metadata: identityMetadata(token), renewAtMs: Date.now() + (expiresAtMs - Date.now()) / 2 }));
      this.minted.set(service, pending);
      pending.catch(() => this.minted.delete(service));
    }
    const md = (await (pending as Promise<{ metadata: Metadata }>)).metadata.clone();
    md.set(CALL_METADATA.messageId, Buffer.from(randomUUID(), "utf8"));
    return md;
  }
}

/** Options of HttpCallers. */
export interface HttpCallersOptions {
  verifier: TokenVerifier;
  signer: InternalTokenSigner;
  gatewayId: string;
  /** Requests per second per user of a tenant, and the burst: the socket's frame limits (WS_RATE_*). */
  ratePerSecond: number;
  burst: number;
}

/** Authenticates HTTP requests and keeps each caller's minted identity and rate limit. */
export class HttpCallers {
  private readonly callers = new LRUCache<string, HttpCaller>({ max: MAX_CACHED_CALLERS });
  private readonly limiters = new LRUCache<string, RateLimiter>({ max: MAX_CACHED_CALLERS });
  private next = 0;

  constructor(private readonly opts: HttpCallersOptions) {}

  /**
   * The caller of a request with this Authorization header: UNAUTHENTICATED without a valid, unexpired
   * bearer token; RATE_LIMITED beyond the caller's rate. A token is verified again once it expires.
   */
  async authenticate(authorization: string | undefined): Promise<HttpCaller> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match?.[1]) throw new UnauthenticatedError("missing token: send Authorization: Bearer <jwt>");
    const token = match[1];
    const key = createHash("sha256").update(token).digest("base64url");
    let caller = this.callers.get(key);
    if (!caller || Date.now() >= caller.identity.expiresAtMs) {
      const identity = await this.opts.verifier.verify(token);
      if (Date.now() >= identity.expiresAtMs) throw new UnauthenticatedError("token expired");
      caller = new HttpCaller(identity, `${this.opts.gatewayId}/http-${(++this.next).toString(36)}`, this.opts.signer);
      this.callers.set(key, caller);
    }
    const limitKey = `${caller.tenantId}\0${caller.userId}`;
    let limiter = this.limiters.get(limitKey);
    if (!limiter) {
      limiter = new RateLimiter(this.opts.ratePerSecond, this.opts.burst);
      this.limiters.set(limitKey, limiter);
    }
    if (!limiter.take()) throw new RateLimitedError(`more than ${this.opts.ratePerSecond} requests per second; slow down`);
    return caller;
  }
}
