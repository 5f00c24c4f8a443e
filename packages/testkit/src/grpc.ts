import { Client, credentials, type Metadata, type ServiceError } from "@grpc/grpc-js";
import { appErrorFromGrpc, identityMetadata, type InternalService, type UnaryMethod } from "@agileboard/kit";
import { testInternalAuth } from "./internal-auth.js";

/** The metadata of a test call, or the promise of it (signing is asynchronous). */
export type TestCallMetadata = Metadata | Promise<Metadata>;

/** Who a test call acts as; defaults: tenant acme, user alice, no roles, a fresh message id. */
export interface TestIdentity {
  tenantId?: string;
  userId?: string;
  roles?: string[];
  messageId?: string;
  origin?: string;
  /** The service the token is addressed to. Default workitems (whose audience also covers tenancy and sprints). */
  audience?: InternalService;
}

/** The metadata a test call carries: an identity signed with the test system's internal key, as the gateway signs it. */
export async function identity(over: TestIdentity = {}): Promise<Metadata> {
  const { token } = await testInternalAuth().signer.mint(
    { tenantId: over.tenantId ?? "acme", userId: over.userId ?? "alice", roles: over.roles ?? [], origin: over.origin ?? "" },
    over.audience ?? "workitems",
  );
  return identityMetadata(token, over.messageId ?? crypto.randomUUID());
}

/** A plain gRPC channel to one service. */
export function grpcClient(address: string): Client {
  return new Client(address, credentials.createInsecure());
}

/**
 * Calls one method of a generated service definition (e.g. `TenancyServiceService.createProject`) and
 * resolves with the reply, or rejects with the AppError the service sent (decoded from its error trailer).
 */
export async function grpcCall<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req, metadata: TestCallMetadata = identity()): Promise<Res> {
  const md = await metadata;
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, md, (err: ServiceError | null, reply?: Res) => {
      if (err) reject(appErrorFromGrpc(err));
      else if (reply === undefined) reject(new Error("empty reply"));
      else resolve(reply);
    });
  });
}
