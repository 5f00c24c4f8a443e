import { ConfigError, createLogger, hasNatsServer, type Logger } from "@agileboard/kit";
import { loadGatewayConfig } from "@agileboard/gateway";
import { chooseBus, type BusKind } from "./bus.js";
import { loadLauncherConfig } from "./config.js";
import { startEmbedded } from "./embedded.js";
import { startMultiProcess, type SystemProcess } from "./processes.js";

/** What `npm start` runs, in either shape. */
export interface RunningSystem {
  url: string;
  busKind: BusKind;
  /** "one": everything in this process; "many": each service and gateway in a process of its own. */
  processMode: "one" | "many";
  processes(): SystemProcess[];
  logger: Logger;
  /** Resolves if the system cannot go on (a child that keeps dying); the launcher then stops. */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/**
 * The embedded default: on NATS, a process per service and per gateway, so every core works; on the
 * in-process bus (a machine with only Node) everything in this process, which is the only way that bus works.
 */
export async function startSystem(env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunningSystem> {
  const launcher = loadLauncherConfig(env);
  const base = { ...env, AUTH_DEV: env["AUTH_DEV"] ?? "1" };
  // Validated here, once, so a bad variable is named before any process starts.
  const gatewayConfig = loadGatewayConfig(base);
  const logger = createLogger({ service: "agileboard", level: gatewayConfig.LOG_LEVEL });
  const wantsOne = launcher.EMBEDDED_PROCESSES === "one";
  if (wantsOne && launcher.gatewayProcessesAsked && launcher.GATEWAY_PROCESSES > 1) throw new ConfigError(["GATEWAY_PROCESSES: more than one gateway needs EMBEDDED_PROCESSES=auto or many"]);
  const memoryBus = !gatewayConfig.NATS_URL && (launcher.EMBEDDED_BUS === "memory" || (launcher.EMBEDDED_BUS === "auto" && !hasNatsServer()));
  if (memoryBus && (launcher.EMBEDDED_PROCESSES === "many" || (launcher.gatewayProcessesAsked && launcher.GATEWAY_PROCESSES > 1))) {
    throw new ConfigError([
      `${launcher.EMBEDDED_PROCESSES === "many" ? "EMBEDDED_PROCESSES=many" : "GATEWAY_PROCESSES"}: processes of their own need NATS (NATS_URL, or nats-server on PATH); the in-process bus works only in one process`,
    ]);
  }
  if (wantsOne || memoryBus) {
    const embedded = await startEmbedded(base);
    return {
      url: embedded.gateway.url,
      busKind: embedded.busKind,
      processMode: "one",
      processes: () => [{ name: "agileboard", pid: process.pid }],
      logger: embedded.gateway.logger,
      failed: new Promise(() => undefined),
      stop: embedded.stop,
    };
  }
  const bus = await chooseBus({ natsUrl: gatewayConfig.NATS_URL, embeddedBus: launcher.EMBEDDED_BUS, dataDir: gatewayConfig.DATA_DIR, logger });
  try {
    const system = await startMultiProcess({
      env: base,
      natsUrl: bus.natsUrl ?? "",
      dataDir: gatewayConfig.DATA_DIR,
      gatewayProcesses: launcher.GATEWAY_PROCESSES,
      host: gatewayConfig.HOST,
      port: gatewayConfig.PORT,
      devAuth: gatewayConfig.AUTH_DEV,
      shutdownGraceMs: gatewayConfig.SHUTDOWN_GRACE_MS,
      logger,
    });
    return {
      url: system.url,
      busKind: bus.kind,
      processMode: "many",
      processes: () => [...system.processes(), ...(bus.natsServer ? [{ name: "nats-server", pid: bus.natsServer.pid }] : [])],
      logger,
      failed: system.failed,
      async stop() {
        await system.stop();
        await bus.natsServer?.stop();
      },
    };
  } catch (err) {
    await bus.natsServer?.stop();
    throw err;
  }
}
