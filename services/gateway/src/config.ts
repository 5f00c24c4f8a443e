import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hostname } from "node:os";
import { commonEnv, ConfigError, envBool, envInt, envOptionalString, envString, grpcTlsEnv, listenEnv, loadConfig, replicaEnv } from "@agileboard/kit";

// <root>/services/gateway/{src,dist}/config.* -> <root>/web/dist
const DEFAULT_WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../web/dist");

/** The variables the gateway reads. Names from SPEC §4 are fixed. */
export const gatewayEnv = {
  ...commonEnv,
  ...replicaEnv,
  ...listenEnv(8080),
  ...grpcTlsEnv,
  AUTH_JWKS: envOptionalString().describe("Where token keys come from: a JWKS file path or an http(s) URL."),
  AUTH_ISSUER: envOptionalString().describe("Required `iss` of tokens, when set."),
  AUTH_AUDIENCE: envOptionalString().describe("Required `aud` of tokens, when set."),
  AUTH_MAX_TOKEN_LIFETIME_S: envInt({ default: 0, min: 0, max: 366 * 24 * 3600 }).describe(
    "Refuse tokens whose `exp` is more than this many seconds away (0 = no limit).",
  ),
  INTERNAL_AUTH_PRIVATE_KEY: envOptionalString().describe(
    "PEM private key (EC P-256 or Ed25519) the gateway signs internal identity with; services verify with its public half (INTERNAL_AUTH_PUBLIC_KEY). Required outside the embedded default, which generates a pair.",
  ),
  INTERNAL_TOKEN_TTL_MS: envInt({ default: 60_000, min: 5_000, max: 3_600_000 }).describe(
    "Lifetime of the internal identity tokens the gateway mints per connection and service, in ms (renewed at half-life).",
  ),
  AUTH_DEV: envBool({ default: false }).describe(
    "1 = generate a dev key pair in DATA_DIR and serve POST /dev/token (any tenant, user, roles). `npm start` turns it on unless 0; never in Helm.",
  ),
  WS_RATE_PER_S: envInt({ default: 100, min: 1, max: 100_000 }).describe("Frames per second a connection may send (token bucket rate)."),
  WS_RATE_BURST: envInt({ default: 200, min: 1, max: 1_000_000 }).describe("Frames a connection may send in a burst (token bucket size)."),
  WS_MAX_CONNECTIONS: envInt({ default: 10_000, min: 1, max: 10_000_000 }).describe("WebSocket connections per gateway replica; beyond, upgrades get 503."),
  WS_MAX_CONNECTIONS_PER_TENANT: envInt({ default: 1_000, min: 1, max: 10_000_000 }).describe(
    "WebSocket connections per tenant on one replica; beyond, upgrades get 503.",
  ),
  WS_MAX_FRAME_BYTES: envInt({ default: 1_048_576, min: 1_024, max: 64 * 1_048_576 }).describe(
    "Largest frame accepted; a bigger one closes the socket with 1009.",
  ),
  WS_PING_INTERVAL_MS: envInt({ default: 30_000, min: 100, max: 3_600_000 }).describe(
    "WebSocket-level ping period; a peer that missed the last pong is dropped.",
  ),
  PRESENCE_HEARTBEAT_MS: envInt({ default: 5_000, min: 100, max: 600_000 }).describe(
    "How often a gateway repeats who has a project open; presence not repeated for 3 periods (a dead gateway) expires.",
  ),
  WEB_DIR: envString({ default: DEFAULT_WEB_DIR }).describe("The built web app served at / (index.html, assets/, embed/). Default: the repository's web/dist."),
  GATEWAY_ID: envString({ default: `${hostname()}-${process.pid}`, pattern: /^[A-Za-z0-9_.-]{1,64}$/, form: "1-64 letters, digits, _ . -" }).describe(
    "This replica's id in event origins (default host-pid); unique per replica.",
  ),
} as const;

/** The gateway's validated configuration. */
export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/** Reads the gateway's configuration; throws a ConfigError naming every bad variable. */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  const config = loadConfig(gatewayEnv, env);
  if (!config.AUTH_JWKS && !config.AUTH_DEV) {
    throw new ConfigError(["AUTH_JWKS: required (a JWKS file or URL) unless AUTH_DEV=1"]);
  }
  return config;
}
