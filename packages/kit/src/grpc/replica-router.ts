import { createHash } from "node:crypto";
import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import CircuitBreaker from "opossum";
import { UnavailableError } from "../errors.js";
import type { Logger } from "../log.js";
import { counter, gauge } from "../metrics.js";
import { appErrorFromGrpc, isServiceAnswer } from "./status.js";

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
  /** host:port of each replica. */
  addresses: readonly string[];
  /** Deadline of each call, ms. */
  deadlineMs: number;
  logger: Logger;
  /** Health probe period, ms; 0 = no probes (every replica counts as healthy). Default 2 000. */
  healthIntervalMs?: number;
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

const failovers = counter("agileboard_rpc_failovers_total", "Calls re-routed to the next replica of a tenant.", ["service"]);
const replicaUp = gauge("agileboard_replica_up", "1 when a replica's last health probe said SERVING.", ["service", "replica"]);
const breakerOpen = gauge("agileboard_breaker_open", "1 while a replica's circuit breaker is open.", ["service", "replica"]);

/**
 * Calls one domain service, sending each tenant's calls to one replica. Replicas are ranked per tenant by
 * rendezvous hashing (highest hash of tenant+address first), so adding or losing a replica moves only the
 * tenants it gains or loses. A replica that is down — breaker open, refused connection, failed health probe —
 * is skipped and its tenants go to the next replica in their order. Re-sending elsewhere is safe because
 * mutations are idempotent by message_id in the tenant's own database.
 */
export class ReplicaRouter {
  private readonly replicas: Replica[];
  private readonly orderCache = new Map<string, Replica[]>();
  private healthTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ReplicaRouterOptions) {
    this.replicas = opts.addresses.map((address) => this.createReplica(address));
    const interval = opts.healthIntervalMs ?? 2_000;
    if (interval > 0) {
      void this.probeAll();
      this.healthTimer = setInterval(() => void this.probeAll(), interval);
      this.healthTimer.unref();
    }
  }

  /** The service's name, as configured. */
  get service(): string {
    return this.opts.service;
  }

  /** Replicas that answered their last health probe. */
  healthyCount(): number {
    return this.replicas.filter((r) => r.healthy).length;
  }

  /** The tenant's replicas, preferred first (rendezvous order). */
  orderFor(tenantId: string): readonly string[] {
    return this.rank(tenantId).map((r) => r.address);
  }

  /** A unary call with encoded request and reply, routed by tenant. Failures are AppErrors. */
  async callRaw(tenantId: string, path: string, request: Buffer, metadata: Metadata): Promise<Buffer> {
    const ranked = this.rank(tenantId);
    // Replicas known to be down go last rather than away: probes lag, and trying costs one refused connect.
    const candidates = [...ranked.filter((r) => r.healthy && !r.breaker.opened), ...ranked.filter((r) => !r.healthy || r.breaker.opened)];
    let lastError: unknown;
    for (const [i, replica] of candidates.entries()) {
      if (i > 0) failovers.inc({ service: this.opts.service });
      try {
        return await replica.breaker.fire(path, request, metadata, Date.now() + this.opts.deadlineMs);
      } catch (err) {
        lastError = err;
        // Only a call that never reached the service moves on; a timed-out one may still be running there.
        if (!neverReached(err)) throw toCallError(err, this.opts.service);
      }
    }
    this.opts.logger.warn({ service: this.opts.service, tenant_id: tenantId, err: lastError }, "no replica answered");
    throw new UnavailableError(`${this.opts.service} is unavailable; retry`, { cause: lastError });
  }

  /** A typed unary call through a generated method definition. */
  async call<Req, Res>(tenantId: string, method: UnaryMethod<Req, Res>, request: Req, metadata: Metadata): Promise<Res> {
    const reply = await this.callRaw(tenantId, method.path, method.requestSerialize(request), metadata);
    return method.responseDeserialize(reply);
  }

  /** Stops probes and closes channels. */
  close(): void {
    clearInterval(this.healthTimer);
    for (const r of this.replicas) {
      r.breaker.shutdown();
      r.client.close();
    }
  }

  private rank(tenantId: string): Replica[] {
    let ranked = this.orderCache.get(tenantId);
    if (ranked) return ranked;
    ranked = this.replicas
      .map((replica) => ({ replica, score: createHash("sha256").update(`${tenantId}\0${replica.address}`).digest().readBigUInt64BE() }))
      .sort((a, b) => (a.score === b.score ? 0 : a.score > b.score ? -1 : 1))
      .map((s) => s.replica);
    if (this.orderCache.size > 10_000) this.orderCache.clear();
    this.orderCache.set(tenantId, ranked);
    return ranked;
  }

  private createReplica(address: string): Replica {
    const client = new Client(address, credentials.createInsecure(), {
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
      this.opts.logger.warn(labels, "breaker open");
    });
    breaker.on("close", () => breakerOpen.set(labels, 0));
    breakerOpen.set(labels, 0);
    return { address, client, breaker, healthy: true };
  }

  private async probeAll(): Promise<void> {
    await Promise.all(
      this.replicas.map(
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
                  this.opts.logger.info({ service: this.opts.service, replica: replica.address, healthy }, "replica health changed");
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
