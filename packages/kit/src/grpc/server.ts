import {
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type handleUnaryCall,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import type { InternalTokenVerifier } from "../auth/internal-identity.js";
import { InternalError, InvalidArgumentError, UnimplementedError } from "../errors.js";
import type { Logger } from "../log.js";
import { counter, histogram } from "../metrics.js";
import { readCallContext, type CallContext } from "./call-context.js";
import { toAppError, toGrpcStatus } from "./status.js";

/** The request type of a generated grpc-js method definition. */
type RequestOf<M> = M extends { requestDeserialize: (bytes: Buffer) => infer Req } ? Req : never;
/** The reply type of a generated grpc-js method definition. */
type ReplyOf<M> = M extends { responseSerialize: (value: infer Res) => Buffer } ? Res : never;

/** One RPC's domain entry point: the decoded request and the caller, to the reply. */
export type RpcHandler<Req, Res> = (request: Req, call: CallContext) => Promise<Res> | Res;

/**
 * A service's handlers, one per RPC of its generated definition: a missing RPC fails to compile, and RPCs
 * not built yet are explicit `unimplemented` entries.
 */
export type ServiceHandlers<Definition> = {
  [Method in keyof Definition]: RpcHandler<RequestOf<Definition[Method]>, ReplyOf<Definition[Method]>>;
};

/** A handler for an RPC whose issue has not landed: answers UNIMPLEMENTED. */
export function unimplemented(what: string): RpcHandler<unknown, never> {
  return () => {
    throw new UnimplementedError(`${what} is not implemented yet`);
  };
}

const rpcDuration = histogram("agileboard_rpc_server_duration_seconds", "Time to answer a gRPC call, by outcome.", [
  "service",
  "method",
  "code",
]);
const rpcTenantCalls = counter(
  "agileboard_rpc_server_tenant_calls_total",
  "gRPC calls served, by replica and tenant (shows tenant affinity).",
  ["service", "replica", "tenant"],
);

/** Options of `implementService`. */
export interface ImplementServiceOptions {
  /** "workitems", for metrics and logs. */
  service: string;
  /** This replica's id, for the per-tenant call counter (a function: the port is known only once bound). */
  replicaId: () => string;
  logger: Logger;
  /** Checks the signed identity every call carries. */
  verifier: InternalTokenVerifier;
  /** Runs before each call with its tenant, e.g. to make sure this replica owns the tenant. */
  beforeCall?: (tenantId: string) => Promise<void>;
}

/**
 * Largest gRPC message either side sends or accepts, bytes. Set on servers and clients alike so that both
 * agree; replies stay far below it because every list is a page bounded in bytes (`MAX_PAGE_BYTES`).
 */
export const GRPC_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Marks a request whose bytes did not decode, so the handler wrapper can answer INVALID_ARGUMENT. */
const UNDECODABLE = Symbol("undecodable request");

/**
 * The definition with request decoding that never throws (grpc-js would answer a decoding failure with
 * INTERNAL, but bytes that are not the request message are the client's mistake), and reply encoding that
 * passes through bytes the handler wrapper already encoded (to check their size before sending).
 */
function tolerantDefinition<Definition extends ServiceDefinition>(definition: Definition): Definition {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (err) {
          return { [UNDECODABLE]: err };
        }
      },
      responseSerialize: (value: unknown) => (value instanceof Buffer ? value : method.responseSerialize(value)),
    };
  }
  return out as Definition;
}

/** Adds a service with typed handlers to a server (see `implementService`). */
export function addServiceTo<Definition extends ServiceDefinition>(
  server: Server,
  definition: Definition,
  handlers: ServiceHandlers<Definition>,
  opts: ImplementServiceOptions,
): void {
  server.addService(tolerantDefinition(definition), implementService(definition, handlers, opts));
}

/**
 * Turns typed handlers into a grpc-js implementation: reads the call context from metadata, runs the
 * handler, maps every failure to a status with the `agileboard-error-bin` trailer, logs one completion line
 * at debug (errors that are the service's fault at error, with the stack) and records metrics.
 */
export function implementService<Definition extends ServiceDefinition>(
  definition: Definition,
  handlers: ServiceHandlers<Definition>,
  opts: ImplementServiceOptions,
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  for (const method of Object.keys(definition) as (keyof Definition & string)[]) {
    const handler = handlers[method] as RpcHandler<unknown, unknown>;
    const encodeReply = (definition[method] as { responseSerialize: (value: unknown) => Buffer }).responseSerialize;
    const call: handleUnaryCall<unknown, unknown> = (unaryCall: ServerUnaryCall<unknown, unknown>, callback) => {
      const started = process.hrtime.bigint();
      let tenantId = "";
      const finish = (code: string, err?: unknown) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        rpcDuration.observe({ service: opts.service, method, code }, seconds);
        const fields = { method, tenant_id: tenantId, code, duration_ms: Math.round(seconds * 1e4) / 10 };
        if (code === "INTERNAL") opts.logger.error({ ...fields, err }, "rpc failed");
        else opts.logger.debug(fields, "rpc done");
      };
      (async () => {
        const ctx = await readCallContext(unaryCall.metadata, opts.verifier);
        tenantId = ctx.tenantId;
        const request = unaryCall.request as Record<symbol, unknown> | null;
        if (request && typeof request === "object" && UNDECODABLE in request) {
          throw new InvalidArgumentError(`request is not a valid ${method} message`);
        }
        await opts.beforeCall?.(tenantId);
        rpcTenantCalls.inc({ service: opts.service, replica: opts.replicaId(), tenant: tenantId });
        const bytes = encodeReply(await handler(unaryCall.request, ctx));
        if (bytes.length > GRPC_MAX_MESSAGE_BYTES) {
          // A page that is not bounded in bytes is the service's fault: say so clearly, never "overloaded".
          throw new InternalError(`the reply of ${method} is ${bytes.length} bytes, over the ${GRPC_MAX_MESSAGE_BYTES}-byte message limit`);
        }
        return bytes;
      })().then(
        (reply) => {
          finish("OK");
          callback(null, reply);
        },
        (err: unknown) => {
          const appError = toAppError(err);
          const grpcStatus = toGrpcStatus(appError);
          finish(GrpcStatus[grpcStatus.code ?? GrpcStatus.UNKNOWN], err);
          callback(grpcStatus, null);
        },
      );
    };
    implementation[method] = call;
  }
  return implementation;
}

/** A grpc-js server with the limits every agileboard service uses. */
export function createGrpcServer(): Server {
  return new Server({
    "grpc.max_receive_message_length": GRPC_MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": GRPC_MAX_MESSAGE_BYTES,
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
  });
}

/** Adds `grpc.health.v1.Health`, initially NOT_SERVING for "" and each named service. */
export function addHealthService(server: Server, serviceNames: readonly string[]): HealthImplementation {
  const statuses: Record<string, "NOT_SERVING"> = { "": "NOT_SERVING" };
  for (const name of serviceNames) statuses[name] = "NOT_SERVING";
  const health = new HealthImplementation(statuses);
  health.addToServer(server);
  return health;
}

/** Binds with the given credentials (plaintext unless GRPC_TLS_* configure TLS) and returns the bound port. */
export function bindServer(server: Server, host: string, port: number, credentials: ServerCredentials = ServerCredentials.createInsecure()): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (err, boundPort) => {
      if (err) reject(err);
      else resolve(boundPort);
    });
  });
}

/** Stops accepting calls, lets in-flight ones finish for up to `graceMs`, then cuts the rest. */
export function shutdownServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
