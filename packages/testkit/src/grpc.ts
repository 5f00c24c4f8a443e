import { Metadata, type Client, type ServiceError } from "@grpc/grpc-js";
import { appErrorFromGrpc, callMetadata, type AppError, type CallContext } from "@agileboard/kit";

type UnaryMethod<Req, Res> = (request: Req, metadata: Metadata, callback: (err: ServiceError | null, reply: Res) => void) => unknown;

/** The identity a test call carries, as the gateway would set it. */
export function identity(over: Partial<CallContext> = {}): Metadata {
  return callMetadata({ tenantId: "acme", userId: "alice", roles: [], messageId: crypto.randomUUID(), origin: "", ...over });
}

/**
 * Calls a unary method of a generated grpc-js client and resolves with the reply, or rejects with the
 * AppError the service sent (decoded from its error trailer).
 */
export function grpcCall<C extends Client, Req, Res>(client: C, method: (this: C, ...args: Parameters<UnaryMethod<Req, Res>>) => unknown, request: Req, metadata: Metadata = identity()): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, (err: ServiceError | null, reply: Res) => {
      if (err) reject(appErrorFromGrpc(err) as AppError);
      else resolve(reply);
    });
  });
}
