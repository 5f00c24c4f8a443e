import { Writable } from "node:stream";
import { Project, TenancyServiceService } from "@agileboard/proto";
import { identity, internalAuthEnv } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InternalTokenVerifier, loadInternalVerifyKeys } from "../src/auth/internal-identity.js";
import { InternalError } from "../src/errors.js";
import { ReplicaRouter } from "../src/grpc/replica-router.js";
import { addServiceTo, bindServer, createGrpcServer, GRPC_MAX_MESSAGE_BYTES, shutdownServer, unimplemented, type ServiceHandlers } from "../src/grpc/server.js";
import { createLogger } from "../src/log.js";

/** A tenancy server whose ListProjects answers `projects` projects of 64 KiB descriptions, and its log lines. */
function oversizedTenancy(projects: number) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ service: "tenancy", level: "info", destination });
  const project = (i: number) => Project.fromPartial({ id: `${i}`, key: `K${i}`, name: "n", description: "d".repeat(64 * 1024), version: 1 });
  const handlers = {
    ...Object.fromEntries(Object.keys(TenancyServiceService).map((m) => [m, unimplemented(m)])),
    listProjects: () => ({ projects: Array.from({ length: projects }, (_, i) => project(i)), nextPageToken: "" }),
  } as unknown as ServiceHandlers<typeof TenancyServiceService>;
  const server = createGrpcServer();
  addServiceTo(server, TenancyServiceService, handlers, {
    service: "tenancy",
    replicaId: () => "test",
    logger,
    verifier: new InternalTokenVerifier(loadInternalVerifyKeys(internalAuthEnv().INTERNAL_AUTH_PUBLIC_KEY), "tenancy"),
  });
  return { server, lines };
}

describe("gRPC message limits", () => {
  const { server, lines } = oversizedTenancy(Math.ceil(GRPC_MAX_MESSAGE_BYTES / (64 * 1024)) + 10);
  let router: ReplicaRouter;

  beforeAll(async () => {
    const port = await bindServer(server, "127.0.0.1", 0);
    router = new ReplicaRouter({ service: "tenancy", addresses: [`127.0.0.1:${port}`], deadlineMs: 5_000, logger: createLogger({ service: "t", level: "silent" }), healthIntervalMs: 0 });
  });
  afterAll(async () => {
    router?.close();
    await shutdownServer(server, 1_000);
  });

  it("answers a reply over the limit with a clear INTERNAL error naming the sizes, logged once, never 'overloaded'", async () => {
    const err = await router.call("acme", TenancyServiceService.listProjects, { includeArchived: false, pageSize: 0, pageToken: "" }, await identity({ audience: "tenancy" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect((err as Error).message).toMatch(new RegExp(`the reply of listProjects is \\d+ bytes, over the ${GRPC_MAX_MESSAGE_BYTES}-byte message limit`));
    await new Promise((resolve) => setImmediate(resolve));
    const errors = lines.filter((l) => l["level"] === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: "rpc failed", method: "listProjects", code: "INTERNAL" });
    expect(JSON.stringify(errors[0]).length).toBeLessThan(10_000);
  });
});
