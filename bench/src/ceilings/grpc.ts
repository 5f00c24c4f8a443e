// grpcUnary: a small unary call echoed by another process, one call at a time.
import { credentials, makeGenericClientConstructor, type Client as GrpcClient } from "@grpc/grpc-js";
import { rawService } from "./grpc-def.js";
import type { LatencySummary } from "./index.js";
import { Child } from "./processes.js";
import { summarize } from "./stats.js";
import { sequentialLatencies, type Budget } from "./timing.js";

const RawClient = makeGenericClientConstructor(rawService, "Raw");

/** A promise-returning unary call on a client of `rawService`. */
export function rawCall(client: GrpcClient, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest<Buffer, Buffer>(
      "/bench.Raw/Call",
      (b) => b,
      (b) => b,
      request,
      (err, reply) => (err || !reply ? reject(err ?? new Error("empty reply")) : resolve(reply)),
    );
  });
}

export function rawClient(port: number): GrpcClient {
  return new RawClient(`127.0.0.1:${port}`, credentials.createInsecure());
}

export async function measureGrpcUnary(budget: Budget): Promise<LatencySummary> {
  const echo = await Child.start<{ port: number }>("grpc-echo");
  const client = rawClient(echo.info.port);
  try {
    const request = Buffer.alloc(64, 7);
    const samples = await sequentialLatencies(budget, async () => {
      await rawCall(client, request);
    });
    return summarize(samples);
  } finally {
    client.close();
    echo.kill();
  }
}
