import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { appErrorFromGrpc, callMetadata, type CallContext, type UnaryMethod } from "@agileboard/kit";

/** The identity a test call carries, as the gateway would set it. */
export function identity(over: Partial<CallContext> = {}): Metadata {
  return callMetadata({ tenantId: "acme", userId: "alice", roles: [], messageId: crypto.randomUUID(), origin: "", ...over });
}

/** A plain gRPC channel to one service. */
export function grpcClient(address: string): Client {
  return new Client(address, credentials.createInsecure());
}

/**
 * Calls one method of a generated service definition (e.g. `TenancyServiceService.createProject`) and
 * resolves with the reply, or rejects with the AppError the service sent (decoded from its error trailer).
 */
export function grpcCall<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req, metadata: Metadata = identity()): Promise<Res> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, (err: ServiceError | null, reply?: Res) => {
      if (err) reject(appErrorFromGrpc(err));
      else if (reply === undefined) reject(new Error("empty reply"));
      else resolve(reply);
    });
  });
}
