import { createHash } from "node:crypto";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import CircuitBreaker from "opossum";
import { UnavailableError } from "../errors.js";
import type { Logger } from "../log.js";
import { counter, gauge } from "../metrics.js";
import { GRPC_MAX_MESSAGE_BYTES } from "./server.js";
import { appErrorFromGrpc, isServiceAnswer, ownerHintOf } from "./status.js";
import type { GrpcTransport } from "./tls.js";

/** The generated grpc-js definition of one unary method. */
export interface UnaryMethod<Req, Res> {
  path: string;
  requestSerialize: (value: Req) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
}

/** Options of a ReplicaRouter. */
export interface ReplicaRouterOptions {
  /** "workitems": for logs, metrics and error messages. */
  service: string;
  /**
   * host:port of each replica. A host name that is not an IP address is resolved to all its addresses
   * (a Kubernetes headless Service lists every pod) and re-resolved as replicas come and go.
   */
  addresses: readonly string[];
  /** Deadline of each call, ms. */
  deadlineMs: number;
  logger: Logger;
  /** Health probe period, ms; 0 = no probes (every replica counts as healthy). Default 2 000. */
  healthIntervalMs?: number;
  /** How often host names are resolved again, ms. Default 5 000. */
  resolveIntervalMs?: number;
  /** Channel credentials (TLS when GRPC_TLS_* are set). Default plaintext. */
  transport?: GrpcTransport;
}

interface Replica {
  address: string;
  client: Client;
  breaker: CircuitBreaker<[string, Buffer, Metadata, number], Buffer>;
  /** Last health probe said SERVING (optimistic until the first probe). */
  healthy: boolean;
}

const identity = (b: Buffer): Buffer => b;
const HEALTH_CHECK_PATH = "/grpc.health.v1.Health/Check";
/** Encoded HealthCheckResponse{status: SERVING}. */
const SERVING = Buffer.from([0x08, 0x01]);

const failovers = counter("agileboard_rpc_failovers_total", "Calls re-routed to another replica of a tenant.", ["service", "reason"]);
const replicaUp = gauge("agileboard_replica_up", "1 when a replica's last health probe said SERVING.", ["service", "replica"]);
const breakerOpen = gauge("agileboard_breaker_open", "1 while a replica's circuit breaker is open.", ["service", "replica"]);

/**
 * Calls one domain service, sending each tenant's calls to one replica. Replicas are ranked per tenant by
 * rendezvous hashing (highest hash of tenant+address first), so adding or losing a replica moves only the
 * tenants it gains or loses. A replica that is down — breaker open, refused connection, failed health probe —
 * is skipped and its tenants go to the next replica in their order. A replica that answers "another replica
 * owns this tenant" (NotOwnerError) names the owner, and the call goes there; the router remembers it.
 * Re-sending is safe: a refused call did not run, and mutations are idempotent by message_id anyway.
 */
export class ReplicaRouter {
  private readonly replicas = new Map<string, Replica>();
  private readonly orderCache = new Map<string, Replica[]>();
  private readonly ownerHints = new Map<string, string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(private readonly opts: ReplicaRouterOptions) {
    const staticAddresses = opts.addresses.filter((a) => isIP(hostOf(a)) !== 0 || hostOf(a) === "localhost");
    for (const address of staticAddresses) this.replicas.set(address, this.createReplica(address));
    if (staticAddresses.length < opts.addresses.length) {
      void this.resolve();
      this.every(opts.resolveIntervalMs ?? 5_000, () => void this.resolve());
    }
    const interval = opts.healthIntervalMs ?? 2_000;
    if (interval > 0) {
      void this.probeAll();
      this.every(interval, () => void this.probeAll());
    }
  }

  /** The service's name, as configured. */
  get service(): string {
    return this.opts.service;
  }

  /** Replicas that answered their last health probe. */
  healthyCount(): number {
    return [...this.replicas.values()].filter((r) => r.healthy).length;
  }

  /** The tenant's replicas, preferred first (rendezvous order). */
  orderFor(tenantId: string): readonly string[] {
    return this.rank(tenantId).map((r) => r.address);
  }

  /** A unary call with encoded request and reply, routed by tenant. Failures are AppErrors. */
  async callRaw(tenantId: string, path: string, request: Buffer, metadata: Metadata): Promise<Buffer> {
    const queue = this.candidates(tenantId);
    const tried = new Set<string>();
    let lastError: unknown;
    while (queue.length > 0) {
      const replica = queue.shift() as Replica;
      if (tried.has(replica.address)) continue;
      if (tried.size > 0) failovers.inc({ service: this.opts.service, reason: this.ownerHints.get(tenantId) === replica.address ? "owner" : "down" });
      tried.add(replica.address);
      try {
        const reply = await replica.breaker.fire(path, request, metadata, Date.now() + this.opts.deadlineMs);
        if (this.ownerHints.get(tenantId) !== undefined && this.ownerHints.get(tenantId) !== replica.address) this.ownerHints.delete(tenantId);
        return reply;
      } catch (err) {
        lastError = err;
        const owner = typeof (err as { code?: unknown }).code === "number" ? ownerHintOf(err as ServiceError) : undefined;
        if (owner !== undefined) {
          // Refused before running: another replica holds the tenant's lease. Go there next.
          const target = this.replicas.get(owner);
          if (target && !tried.has(owner)) {
            this.ownerHints.set(tenantId, owner);
            queue.unshift(target);
          }
          continue;
        }
        if (this.ownerHints.get(tenantId) === replica.address) this.ownerHints.delete(tenantId);
        // Only a call that never reached the service moves on; a timed-out one may still be running there.
        if (!neverReached(err)) throw toCallError(err, this.opts.service);
      }
    }
    this.opts.logger.warn({ peer: this.opts.service, tenant_id: tenantId, err: lastError }, "no replica answered");
    if (lastError && typeof (lastError as { code?: unknown }).code === "number" && isServiceAnswer(lastError as ServiceError)) {
      throw appErrorFromGrpc(lastError as ServiceError);
    }
    throw new UnavailableError(`${this.opts.service} is unavailable; retry`, { cause: lastError });
  }

  /** A typed unary call through a generated method definition. */
  async call<Req, Res>(tenantId: string, method: UnaryMethod<Req, Res>, request: Req, metadata: Metadata): Promise<Res> {
    const reply = await this.callRaw(tenantId, method.path, method.requestSerialize(request), metadata);
    return method.responseDeserialize(reply);
  }

  /** Stops probes and resolution, and closes channels. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const r of this.replicas.values()) this.closeReplica(r);
  }

  /** Who to try, in order: the known owner, then healthy replicas in rendezvous order, then the others. */
  private candidates(tenantId: string): Replica[] {
    const ranked = this.rank(tenantId);
    const hinted = this.replicas.get(this.ownerHints.get(tenantId) ?? "");
    const usable = (r: Replica) => r.healthy && !r.breaker.opened;
    // Replicas known to be down go last rather than away: probes lag, and trying costs one refused connect.
    return [...(hinted && usable(hinted) ? [hinted] : []), ...ranked.filter(usable), ...ranked.filter((r) => !usable(r))];
  }

  private rank(tenantId: string): Replica[] {
    let ranked = this.orderCache.get(tenantId);
    if (ranked) return ranked;
    ranked = [...this.replicas.values()]
      .map((replica) => ({ replica, score: createHash("sha256").update(`${tenantId}\0${replica.address}`).digest().readBigUInt64BE() }))
      .sort((a, b) => (a.score === b.score ? 0 : a.score > b.score ? -1 : 1))
      .map((s) => s.replica);
    if (this.orderCache.size > 10_000) this.orderCache.clear();
    this.orderCache.set(tenantId, ranked);
    return ranked;
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Expands host names to their addresses and brings the replica set up to date. */
  private async resolve(): Promise<void> {
    const wanted = new Set<string>();
    for (const address of this.opts.addresses) {
      const host = hostOf(address);
      const port = address.slice(address.lastIndexOf(":") + 1);
      if (isIP(host) !== 0 || host === "localhost") {
        wanted.add(address);
        continue;
      }
      try {
        for (const found of await lookup(host, { all: true })) wanted.add(found.family === 6 ? `[${found.address}]:${port}` : `${found.address}:${port}`);
      } catch (err) {
        this.opts.logger.warn({ peer: this.opts.service, host, err }, "cannot resolve replicas");
        // Keep what we had for this name rather than dropping every replica on a DNS hiccup.
        return;
      }
    }
    if (this.closed) return;
    let changed = false;
    for (const address of wanted) {
      if (!this.replicas.has(address)) {
        this.replicas.set(address, this.createReplica(address));
        changed = true;
      }
    }
    for (const [address, replica] of this.replicas) {
      if (!wanted.has(address)) {
        this.closeReplica(replica);
        this.replicas.delete(address);
        changed = true;
      }
    }
    if (changed) {
      this.orderCache.clear();
      this.opts.logger.info({ peer: this.opts.service, replicas: [...this.replicas.keys()] }, "replicas changed");
    }
  }

  private createReplica(address: string): Replica {
    const transport = this.opts.transport;
    const client = new Client(address, transport ? transport.client() : credentials.createInsecure(), {
      ...transport?.clientOptions,
      "grpc.max_receive_message_length": GRPC_MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": GRPC_MAX_MESSAGE_BYTES,
      "grpc.keepalive_time_ms": 30_000,
      "grpc.keepalive_timeout_ms": 10_000,
      // Reconnect quickly after a replica restarts.
      "grpc.initial_reconnect_backoff_ms": 200,
      "grpc.max_reconnect_backoff_ms": 2_000,
    });
    const send = (path: string, request: Buffer, metadata: Metadata, deadline: number) =>
      new Promise<Buffer>((resolve, reject) => {
        client.makeUnaryRequest(path, identity, identity, request, metadata, { deadline }, (err, reply) => {
          if (err) reject(err);
          else resolve(reply ?? Buffer.alloc(0));
        });
      });
    const breaker = new CircuitBreaker(send, {
      timeout: false, // the gRPC deadline bounds each call
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      resetTimeout: 3_000,
      rollingCountTimeout: 10_000,
      // Only transport trouble counts against a replica; a client's mistake does not.
      errorFilter: (err: unknown) => !countsAgainstReplica(err),
    });
    const labels = { service: this.opts.service, replica: address };
    breaker.on("open", () => {
      breakerOpen.set(labels, 1);
      this.opts.logger.warn({ peer: this.opts.service, replica: address }, "breaker open");
    });
    breaker.on("close", () => breakerOpen.set(labels, 0));
    breakerOpen.set(labels, 0);
    return { address, client, breaker, healthy: true };
  }

  private closeReplica(replica: Replica): void {
    replica.breaker.shutdown();
    replica.client.close();
  }

  private async probeAll(): Promise<void> {
    await Promise.all(
      [...this.replicas.values()].map(
        (replica) =>
          new Promise<void>((resolve) => {
            replica.client.makeUnaryRequest(
              HEALTH_CHECK_PATH,
              identity,
              identity,
              Buffer.alloc(0),
              new Metadata(),
              { deadline: Date.now() + 1_000 },
              (err, reply) => {
                const healthy = !err && reply !== undefined && reply.equals(SERVING);
                if (healthy !== replica.healthy) {
                  this.opts.logger.info({ peer: this.opts.service, replica: replica.address, healthy }, "replica health changed");
                }
                replica.healthy = healthy;
                replicaUp.set({ service: this.opts.service, replica: replica.address }, healthy ? 1 : 0);
                resolve();
              },
            );
          }),
      ),
    );
  }
}

function hostOf(address: string): string {
  const host = address.slice(0, address.lastIndexOf(":"));
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

/** The replica did not answer: refused or reset connection, or no answer within the deadline. */
function countsAgainstReplica(err: unknown): boolean {
  const e = err as Partial<ServiceError>;
  if (typeof e.code !== "number" || isServiceAnswer(e as ServiceError)) return false;
  return e.code === GrpcStatus.UNAVAILABLE || e.code === GrpcStatus.DEADLINE_EXCEEDED;
}

/** The call cannot have run: the breaker refused it, or the transport reported the replica unavailable. */
function neverReached(err: unknown): boolean {
  const e = err as { code?: unknown; metadata?: unknown };
  if (e.code === "EOPENBREAKER") return true;
  return typeof e.code === "number" && e.code === GrpcStatus.UNAVAILABLE && !isServiceAnswer(e as ServiceError);
}

function toCallError(err: unknown, service: string): Error {
  const e = err as Partial<ServiceError>;
  if (typeof e.code === "number" && e.metadata) return appErrorFromGrpc(e as ServiceError);
  return new UnavailableError(`${service} is unavailable; retry`, { cause: err });
}
