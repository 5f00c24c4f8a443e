import { credentials, Client, Metadata } from "@grpc/grpc-js";
import { UnimplementedError, type RunningService } from "@agileboard/kit";
import { SprintsServiceService } from "@agileboard/proto";
import { grpcCall, grpcClient, identity, tempDir } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSprintsConfig, startSprints } from "../src/index.js";

describe("sprints service (operations land with the next issue)", () => {
  const dir = tempDir();
  let service: RunningService;
  beforeAll(async () => {
    service = await startSprints(loadSprintsConfig({ DATA_DIR: dir.path, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", TENANCY_ADDRS: "127.0.0.1:1" }));
  });
  afterAll(async () => {
    await service?.stop();
    dir.remove();
  });

  it("reports SERVING on grpc.health.v1", async () => {
    const client = new Client(`127.0.0.1:${service.port}`, credentials.createInsecure());
    const reply = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        "/grpc.health.v1.Health/Check",
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        new Metadata(),
        (err, value) => (err ? reject(err) : resolve(value ?? Buffer.alloc(0))),
      ),
    );
    expect([...reply]).toEqual([0x08, 0x01]); // status: SERVING
    client.close();
  });

  it("answers its operations with UNIMPLEMENTED", async () => {
    const client = grpcClient(`127.0.0.1:${service.port}`);
    await expect(grpcCall(client, SprintsServiceService.listSprints, { projectId: crypto.randomUUID() }, identity())).rejects.toBeInstanceOf(UnimplementedError);
    client.close();
  });
});
