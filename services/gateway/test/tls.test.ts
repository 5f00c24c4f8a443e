import { credentials, Metadata } from "@grpc/grpc-js";
import { Client } from "@grpc/grpc-js";
import { ListProjectsRequest, TenancyServiceService } from "@agileboard/proto";
import { createProject, identity, issueTestCertificates, startTestSystem, tempDir, TestClient, type TestSystem } from "@agileboard/testkit";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SERVER_NAME = "agileboard-internal";

/** One ListProjects call over a channel with the given credentials: the gRPC status code, 0 when it worked. */
async function statusOf(address: string, channel: ReturnType<typeof credentials.createInsecure>): Promise<number> {
  const client = new Client(address, channel, { "grpc.ssl_target_name_override": SERVER_NAME, "grpc.default_authority": SERVER_NAME });
  const md: Metadata = await identity({ audience: "tenancy" });
  const method = TenancyServiceService.listProjects;
  const code = await new Promise<number>((resolve) => {
    client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, ListProjectsRequest.fromPartial({}), md, { deadline: Date.now() + 3_000 }, (err) => resolve(err?.code ?? 0));
  });
  client.close();
  return code;
}

describe("mutual TLS between the gateway and the services (GRPC_TLS_*)", () => {
  const dir = tempDir();
  const certs = issueTestCertificates(dir.path, SERVER_NAME);
  const stranger = issueTestCertificates(dir.path, SERVER_NAME, "stranger-");
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({
      bus: "memory",
      env: { GRPC_TLS_CERT: certs.cert, GRPC_TLS_KEY: certs.key, GRPC_TLS_CA: certs.ca, GRPC_TLS_SERVER_NAME: SERVER_NAME },
    });
  });
  afterAll(async () => {
    await system?.stop();
    dir.remove();
  });

  it("serves the whole system over TLS", async () => {
    const client = await TestClient.connect(system.url, await system.auth.token());
    const project = await createProject(client);
    expect(project.id).toBeTruthy();
    client.close();
  });

  it("accepts a client with a certificate of the same CA, and refuses plaintext and certificates of another CA", async () => {
    const address = `127.0.0.1:${system.embedded.services.tenancy.port}`;
    const read = (path: string) => readFileSync(path);
    expect(await statusOf(address, credentials.createSsl(read(certs.ca), read(certs.key), read(certs.cert)))).toBe(0);
    expect(await statusOf(address, credentials.createInsecure())).not.toBe(0);
    expect(await statusOf(address, credentials.createSsl(read(certs.ca), read(stranger.key), read(stranger.cert)))).not.toBe(0);
    expect(await statusOf(address, credentials.createSsl(read(stranger.ca), read(certs.key), read(certs.cert)))).not.toBe(0);
  });
});
