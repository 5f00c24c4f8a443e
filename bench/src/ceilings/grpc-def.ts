// A one-method gRPC service carrying raw bytes: no protobuf codegen, so the ceiling is grpc-js itself.
import type { ServiceDefinition } from "@grpc/grpc-js";

const identity = (b: Buffer): Buffer => b;

export const rawService: ServiceDefinition = {
  Call: {
    path: "/bench.Raw/Call",
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};
