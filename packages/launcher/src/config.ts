import { availableParallelism } from "node:os";
import { envEnum, envInt, loadConfig } from "@agileboard/kit";

/** Variables only the embedded default reads (everything else goes to the services and the gateway). */
export const launcherEnv = {
  EMBEDDED_BUS: envEnum(["auto", "memory", "nats-server"] as const, { default: "auto" }).describe(
    "`npm start` only, when NATS_URL is unset: `auto` starts a local nats-server if one is on PATH, else the in-process bus; `memory` or `nats-server` force one.",
  ),
  EMBEDDED_PROCESSES: envEnum(["auto", "one", "many"] as const, { default: "auto" }).describe(
    "`npm start` only: `auto` runs the gateway and each service in a process of its own when the bus is NATS (every core used), in one process on the in-process bus; `one` forces one process; `many` requires NATS.",
  ),
  GATEWAY_PROCESSES: envInt({ default: 0, min: 0, max: 64 }).describe(
    "`npm start` only, with processes of their own: how many gateway processes share the port (node:cluster), each taking a share of the sockets; 0 = one per four cores (at least one).",
  ),
} as const;

export function loadLauncherConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  const config = loadConfig(launcherEnv, env);
  // Four services and the bus share the other cores; fan-out is what grows with the sockets.
  const gatewayProcesses = config.GATEWAY_PROCESSES || Math.max(1, Math.floor(availableParallelism() / 4));
  return { ...config, GATEWAY_PROCESSES: gatewayProcesses, gatewayProcessesAsked: config.GATEWAY_PROCESSES > 0 };
}
