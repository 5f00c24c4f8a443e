import { loadConfig, replicaEnv, serviceEnv } from "@agileboard/kit";

/** The variables sprints reads: the domain-service set, plus where tenancy runs (for permission checks). */
export const sprintsEnv = { ...serviceEnv({ defaultPort: 50053 }), TENANCY_ADDRS: replicaEnv.TENANCY_ADDRS };

/** sprints's validated configuration. */
export type SprintsConfig = ReturnType<typeof loadSprintsConfig>;

/** Reads sprints's configuration from the environment; throws a ConfigError naming every bad variable. */
export function loadSprintsConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  return loadConfig(sprintsEnv, env);
}
