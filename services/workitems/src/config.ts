import { loadConfig, replicaEnv, serviceEnv } from "@agileboard/kit";

/**
 * The variables workitems reads: the domain-service set, plus where tenancy runs (permission checks) and
 * where sprints runs (looking up a sprint an assignment names before its events arrived).
 */
export const workitemsEnv = { ...serviceEnv({ defaultPort: 50052 }), TENANCY_ADDRS: replicaEnv.TENANCY_ADDRS, SPRINTS_ADDRS: replicaEnv.SPRINTS_ADDRS };

/** workitems's validated configuration. */
export type WorkitemsConfig = ReturnType<typeof loadWorkitemsConfig>;

/** Reads workitems's configuration from the environment; throws a ConfigError naming every bad variable. */
export function loadWorkitemsConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  return loadConfig(workitemsEnv, env);
}
