import { createEventBus, createLogger, generateInternalKeys, type RunningService, type SharedDependencies } from "@agileboard/kit";
import { loadGatewayConfig, startGateway, type RunningGateway } from "@agileboard/gateway";
import { loadSprintsConfig, startSprints } from "@agileboard/sprints";
import { loadTenancyConfig, startTenancy } from "@agileboard/tenancy";
import { loadWebhooksConfig, startWebhooks } from "@agileboard/webhooks";
import { loadWorkitemsConfig, startWorkitems } from "@agileboard/workitems";
import { chooseBus, type BusKind } from "./bus.js";
import { loadLauncherConfig } from "./config.js";

/** The whole system in one process. */
export interface EmbeddedSystem {
  gateway: RunningGateway;
  services: { tenancy: RunningService; workitems: RunningService; sprints: RunningService; webhooks: RunningService };
  /** Which bus runs: "memory", "nats" (NATS_URL) or "nats-server" (a child this process started). */
  busKind: BusKind;
  /** Stops the gateway, the services, the bus and any nats-server it started, in that order. */
  stop(): Promise<void>;
}

/**
 * The embedded default (SPEC §4): every service and the gateway in this process, services on loopback
 * ports of their own, talking real gRPC as in production; only the bus may differ. `env` is read as the
 * processes would read it; the gateway takes PORT and HOST, the services listen on 127.0.0.1.
 */
export async function startEmbedded(env: Readonly<Record<string, string | undefined>> = process.env): Promise<EmbeddedSystem> {
  const launcher = loadLauncherConfig(env);
  const base = { ...env, AUTH_DEV: env["AUTH_DEV"] ?? "1" };
  const gatewayConfig = loadGatewayConfig(base);
  const logger = createLogger({ service: "agileboard", level: gatewayConfig.LOG_LEVEL });

  const { kind: busKind, natsUrl, natsServer } = await chooseBus({
    natsUrl: gatewayConfig.NATS_URL,
    embeddedBus: launcher.EMBEDDED_BUS,
    dataDir: gatewayConfig.DATA_DIR,
    logger,
  });
  const bus = createEventBus({ natsUrl, retentionMs: gatewayConfig.EVENTS_RETENTION_MS, replicas: gatewayConfig.NATS_REPLICAS, name: "agileboard-embedded", logger });
  // Internal identity: the key files when configured (as a deployment has them), else a pair made now.
  const configuredKeys = Boolean(env["INTERNAL_AUTH_PRIVATE_KEY"] && env["INTERNAL_AUTH_PUBLIC_KEY"]);
  const shared: SharedDependencies = configuredKeys ? { bus } : { bus, internalKeys: generateInternalKeys() };
  const serviceEnv = { ...base, HOST: "127.0.0.1", PORT: "0" };

  const started: RunningService[] = [];
  try {
    const tenancy = await startTenancy(loadTenancyConfig(serviceEnv), shared);
    started.push(tenancy);
    const tenancyAddr = `127.0.0.1:${tenancy.port}`;
    const sprints = await startSprints(loadSprintsConfig({ ...serviceEnv, TENANCY_ADDRS: tenancyAddr }), shared);
    started.push(sprints);
    const workitems = await startWorkitems(
      loadWorkitemsConfig({ ...serviceEnv, TENANCY_ADDRS: tenancyAddr, SPRINTS_ADDRS: `127.0.0.1:${sprints.port}` }),
      shared,
    );
    started.push(workitems);
    const webhooks = await startWebhooks(loadWebhooksConfig({ ...serviceEnv, TENANCY_ADDRS: tenancyAddr }), shared);
    started.push(webhooks);
    const gateway = await startGateway(
      loadGatewayConfig({
        ...base,
        TENANCY_ADDRS: tenancyAddr,
        WORKITEMS_ADDRS: `127.0.0.1:${workitems.port}`,
        SPRINTS_ADDRS: `127.0.0.1:${sprints.port}`,
        WEBHOOKS_ADDRS: `127.0.0.1:${webhooks.port}`,
      }),
      shared,
    );
    return {
      gateway,
      services: { tenancy, workitems, sprints, webhooks },
      busKind,
      async stop() {
        await gateway.stop();
        for (const s of [...started].reverse()) await s.stop();
        await bus.close();
        await natsServer?.stop();
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await bus.close().catch(() => undefined);
    await natsServer?.stop();
    throw err;
  }
}
