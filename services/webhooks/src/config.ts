import { envAddressList, envInt, loadConfig, replicaEnv, serviceEnv } from "@agileboard/kit";

/** Default of WEBHOOK_RETRY_WINDOW_MS: a delivery is retried for a day and an hour before it is given up. */
export const DEFAULT_RETRY_WINDOW_MS = 25 * 3600_000;

/** The variables webhooks reads: the domain-service set, where tenancy runs, and the delivery settings. */
export const webhooksEnv = {
  ...serviceEnv({ defaultPort: 50054 }),
  TENANCY_ADDRS: replicaEnv.TENANCY_ADDRS,
  WEBHOOK_ALLOWED_HOSTS: envAddressList({ default: [] }).describe(
    "Webhook endpoints (host:port, comma-separated) that may be on loopback or private addresses; all others must resolve to public addresses.",
  ),
  WEBHOOK_TIMEOUT_MS: envInt({ default: 10_000, min: 100, max: 120_000 }).describe(
    "How long one delivery attempt may take (connect, send, answer), in ms; longer counts as a failure.",
  ),
  WEBHOOK_RETRY_WINDOW_MS: envInt({ default: DEFAULT_RETRY_WINDOW_MS, min: 1_000, max: 30 * 24 * 3600_000 }).describe(
    "How long a delivery is retried before it is marked failed and the next one goes, in ms (default 25 h).",
  ),
  WEBHOOK_RETRY_MIN_DELAY_MS: envInt({ default: 1_000, min: 10, max: 3_600_000 }).describe(
    "Wait before the first retry, in ms; each further retry waits twice as long, up to WEBHOOK_RETRY_MAX_DELAY_MS.",
  ),
  WEBHOOK_RETRY_MAX_DELAY_MS: envInt({ default: 3_600_000, min: 10, max: 24 * 3600_000 }).describe("Longest wait between two attempts of a delivery, in ms."),
  WEBHOOK_POLL_INTERVAL_MS: envInt({ default: 30_000, min: 100, max: 3_600_000 }).describe(
    "How often every owned tenant's webhooks are looked at even without news (a safety net for missed nudges), in ms.",
  ),
};

/** webhooks's validated configuration. */
export type WebhooksConfig = ReturnType<typeof loadWebhooksConfig>;

/** Reads webhooks's configuration from the environment; throws a ConfigError naming every bad variable. */
export function loadWebhooksConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  return loadConfig(webhooksEnv, env);
}
