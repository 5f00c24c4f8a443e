import { hasNatsServer, startNatsServer, type NatsServerProcess } from "@agileboard/kit";
import { loadGatewayConfig, startGateway, type RunningGateway } from "@agileboard/gateway";
import { startEmbedded, type EmbeddedSystem } from "@agileboard/launcher";
import { TestAuth } from "./auth.js";
import { internalAuthEnv } from "./internal-auth.js";
import { tempDir } from "./net.js";

/** A whole agileboard for one test file: temp DATA_DIR, a test JWKS, services and gateway on loopback. */
export interface TestSystem {
  /** http://127.0.0.1:<port> of the gateway. */
  url: string;
  auth: TestAuth;
  dataDir: string;
  embedded: EmbeddedSystem;
  /** Set when the system runs on NATS. */
  natsUrl?: string;
  /** Environment the system was started with (for starting more processes against it). */
  env: Record<string, string>;
  /** One more gateway on the same services and bus (NATS only). */
  addGateway(extraEnv?: Record<string, string>): Promise<RunningGateway>;
  stop(): Promise<void>;
}

/** Options of `startTestSystem`. */
export interface TestSystemOptions {
  /** "nats" starts a real nats-server for this system; "memory" uses the in-process bus. Default "nats". */
  bus?: "nats" | "memory";
  /** Extra environment for every process (limits, deadlines…). */
  env?: Record<string, string>;
}

/** Starts a nats-server with JetStream in a temp dir (install it from Debian's package if missing). */
export async function startTestNats(): Promise<NatsServerProcess & { storeDir: string; cleanup(): void }> {
  if (!hasNatsServer()) throw new Error("nats-server is not on PATH: apt-get install -y nats-server (the test command does this)");
  const dir = tempDir("agileboard-nats-");
  const server = await startNatsServer({ storeDir: dir.path });
  return { ...server, storeDir: dir.path, cleanup: dir.remove };
}

/** Starts the system the way `npm start` does (startEmbedded), configured with the test's own JWKS. */
export async function startTestSystem(opts: TestSystemOptions = {}): Promise<TestSystem> {
  const dir = tempDir();
  const auth = await TestAuth.create(dir.path);
  const nats = (opts.bus ?? "nats") === "nats" ? await startTestNats() : undefined;
  const env: Record<string, string> = {
    DATA_DIR: dir.path,
    HOST: "127.0.0.1",
    PORT: "0",
    AUTH_JWKS: auth.jwksPath,
    AUTH_DEV: "0",
    LOG_LEVEL: process.env["TEST_LOG_LEVEL"] ?? "silent",
    EMBEDDED_BUS: "memory",
    ...internalAuthEnv(),
    ...(nats ? { NATS_URL: nats.url } : {}),
    ...opts.env,
  };
  const embedded = await startEmbedded(env);
  const extraGateways: RunningGateway[] = [];
  return {
    url: embedded.gateway.url,
    auth,
    dataDir: dir.path,
    embedded,
    ...(nats ? { natsUrl: nats.url } : {}),
    env,
    async addGateway(extraEnv = {}) {
      if (!nats) throw new Error("a second gateway needs the NATS bus");
      const { tenancy, workitems, sprints, webhooks } = embedded.services;
      const gateway = await startGateway(
        loadGatewayConfig({
          ...env,
          TENANCY_ADDRS: `127.0.0.1:${tenancy.port}`,
          WORKITEMS_ADDRS: `127.0.0.1:${workitems.port}`,
          SPRINTS_ADDRS: `127.0.0.1:${sprints.port}`,
          WEBHOOKS_ADDRS: `127.0.0.1:${webhooks.port}`,
          GATEWAY_ID: `extra-${extraGateways.length + 1}`,
          ...extraEnv,
        }),
      );
      extraGateways.push(gateway);
      return gateway;
    },
    async stop() {
      for (const g of extraGateways) await g.stop();
      await embedded.stop();
      await nats?.stop();
      nats?.cleanup();
      dir.remove();
    },
  };
}
