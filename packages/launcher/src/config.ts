import { envEnum, loadConfig } from "@agileboard/kit";

/** Variables only the embedded default reads (everything else goes to the services and the gateway). */
export const launcherEnv = {
  EMBEDDED_BUS: envEnum(["auto", "memory", "nats-server"] as const, { default: "auto" }).describe(
    "`npm start` only, when NATS_URL is unset: `auto` starts a local nats-server if one is on PATH, else the in-process bus; `memory` or `nats-server` force one.",
  ),
} as const;

export function loadLauncherConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  return loadConfig(launcherEnv, env);
}
