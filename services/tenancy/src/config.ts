import { loadConfig, serviceEnv } from "@agileboard/kit";

/** The variables tenancy reads (all shared with the other domain services). */
export const tenancyEnv = { ...serviceEnv({ defaultPort: 50051 }) };

/** tenancy's validated configuration. */
export type TenancyConfig = ReturnType<typeof loadTenancyConfig>;

/** Reads tenancy's configuration from the environment; throws a ConfigError naming every bad variable. */
export function loadTenancyConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  return loadConfig(tenancyEnv, env);
}
