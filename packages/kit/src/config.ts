import { z } from "zod";

/** Every problem found in the environment, each naming its variable. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
}

type EnvValue = string | undefined;

/** Reads an integer variable; `default` applies when unset or empty. */
export function envInt(opts: { default: number; min: number; max: number }) {
  return z
    .string()
    .optional()
    .transform((raw: EnvValue, ctx) => {
      if (raw === undefined) return opts.default;
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw) || value < opts.min || value > opts.max) {
        ctx.addIssue({
          code: "custom",
          message: `expected an integer from ${opts.min} to ${opts.max}, got "${raw}"`,
        });
        return z.NEVER;
      }
      return value;
    });
}

/** Reads a switch: `1`/`true` or `0`/`false`. */
export function envBool(opts: { default: boolean }) {
  return z
    .string()
    .optional()
    .transform((raw: EnvValue, ctx) => {
      if (raw === undefined) return opts.default;
      if (raw === "1" || raw === "true") return true;
      if (raw === "0" || raw === "false") return false;
      ctx.addIssue({ code: "custom", message: `expected 1, 0, true or false, got "${raw}"` });
      return z.NEVER;
    });
}

function checkedString(opts: { pattern?: RegExp; form?: string }) {
  return z
    .string()
    .optional()
    .superRefine((raw: EnvValue, ctx) => {
      if (raw !== undefined && opts.pattern && !opts.pattern.test(raw)) {
        ctx.addIssue({ code: "custom", message: `expected ${opts.form ?? opts.pattern.source}, got "${raw}"` });
      }
    });
}

/** Reads a string with a default. */
export function envString(opts: { default: string; pattern?: RegExp; form?: string }) {
  return checkedString(opts).transform((raw): string => raw ?? opts.default);
}

/** Reads an optional string: undefined when unset. */
export function envOptionalString(opts: { pattern?: RegExp; form?: string } = {}) {
  return checkedString(opts);
}

/** Reads one of a fixed set of words. */
export function envEnum<const T extends readonly [string, ...string[]]>(values: T, opts: { default: T[number] }) {
  return z
    .string()
    .optional()
    .transform((raw: EnvValue, ctx): T[number] => {
      if (raw === undefined) return opts.default;
      if ((values as readonly string[]).includes(raw)) return raw as T[number];
      ctx.addIssue({ code: "custom", message: `expected one of ${values.join(", ")}, got "${raw}"` });
      return z.NEVER;
    });
}

/** Reads a comma-separated list of `host:port` addresses. */
export function envAddressList(opts: { default: readonly string[] }) {
  return z
    .string()
    .optional()
    .transform((raw: EnvValue, ctx): readonly string[] => {
      if (raw === undefined) return opts.default;
      const items = raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      const bad = items.filter((s) => !/^[A-Za-z0-9_.-]+:\d{1,5}$/.test(s) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(s));
      if (items.length === 0 || bad.length > 0) {
        ctx.addIssue({ code: "custom", message: `expected a comma-separated list of host:port, got "${raw}"` });
        return z.NEVER;
      }
      return items;
    });
}

/** The log levels pino knows. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Variables every agileboard process reads. */
export const commonEnv = {
  /** Root of the tenant files (`<DATA_DIR>/tenants/<tenant>/<service>.db`) and dev keys. Default ./data. */
  DATA_DIR: envString({ default: "./data" }).describe(
    "Root of the tenant databases (`<DATA_DIR>/tenants/<tenant>/<service>.db`) and of the dev auth keys.",
  ),
  /** NATS server URL(s), comma-separated; unset = the embedded in-process bus. */
  NATS_URL: envOptionalString({ pattern: /^(nats|tls|ws|wss):\/\/\S+$/, form: "a nats:// URL (comma-separated for several)" }).describe(
    "NATS server URL(s), comma-separated. Unset: the embedded in-process bus.",
  ),
  /** pino level. Default info. */
  LOG_LEVEL: envEnum(LOG_LEVELS, { default: "info" }).describe("Log level: fatal, error, warn, info, debug, trace or silent."),
  /** How long events stay in the log for resume (JetStream max age), ms. Default 7 days; at least 24 h. */
  EVENTS_RETENTION_MS: envInt({ default: 7 * 24 * 3600_000, min: 24 * 3600_000, max: 365 * 24 * 3600_000 }).describe(
    "How long events stay in the event log for resume, in ms (at least 24 h).",
  ),
  /** Replicas of the event stream and the lease bucket in a NATS cluster. */
  NATS_REPLICAS: envInt({ default: 1, min: 1, max: 5 }).describe(
    "Replicas of the JetStream event stream and the lease bucket (3 in a 3-node NATS cluster).",
  ),
  /** Deadline of calls to other services, ms. */
  RPC_DEADLINE_MS: envInt({ default: 5_000, min: 100, max: 120_000 }).describe("Deadline of each gRPC call to another service, in ms."),
  /** Shutdown: how long in-flight calls may finish before the process quits anyway. */
  SHUTDOWN_GRACE_MS: envInt({ default: 10_000, min: 0, max: 300_000 }).describe(
    "On SIGTERM, how long in-flight work may finish before the process exits anyway, in ms.",
  ),
} as const;

/** Variables that turn on TLS between the gateway and the services (off when unset). */
export const grpcTlsEnv = {
  GRPC_TLS_CERT: envOptionalString().describe(
    "PEM certificate (chain) this process presents on internal gRPC (cert-manager's tls.crt). Set with GRPC_TLS_KEY and GRPC_TLS_CA to turn on mutual TLS.",
  ),
  GRPC_TLS_KEY: envOptionalString().describe("PEM private key of GRPC_TLS_CERT (tls.key)."),
  GRPC_TLS_CA: envOptionalString().describe("PEM CA bundle that internal gRPC peers' certificates must chain to (ca.crt)."),
  GRPC_TLS_SERVER_NAME: envOptionalString({ pattern: /^[A-Za-z0-9.-]{1,253}$/, form: "a DNS name" }).describe(
    "Name clients expect in service certificates (replicas are dialled by IP); default: the address's host.",
  ),
} as const;

/** Where a process listens; each kind of process has its own default port. */
export const listenEnv = (defaultPort: number) => ({
  /** Address the server binds. Default 0.0.0.0. */
  HOST: envString({ default: "0.0.0.0" }).describe("Address the server binds."),
  /** The server's port. */
  PORT: envInt({ default: defaultPort, min: 0, max: 65535 }).describe(
    "Port of the server: HTTP for the gateway (8080), gRPC for tenancy (50051), workitems (50052), sprints (50053).",
  ),
});

/**
 * The variables of a gRPC domain service (tenancy, workitems, sprints). Each service has its own default
 * port (tenancy 50051, workitems 50052, sprints 50053) so that all three run side by side on one host.
 */
export const serviceEnv = (opts: { defaultPort: number }) => ({
  ...commonEnv,
  ...listenEnv(opts.defaultPort),
  ...grpcTlsEnv,
  /** Port of the plain-HTTP /metrics and /healthz endpoint; 0 = off. */
  METRICS_PORT: envInt({ default: 0, min: 0, max: 65535 }).describe("Port of the service's HTTP /metrics endpoint; 0 turns it off."),
  /** Folder holding `migrations/<service>/` and `migrations/kit/`. */
  MIGRATIONS_DIR: envOptionalString().describe("Folder holding `kit/` and `<service>/` SQL migrations. Default: the repository's `migrations/`."),
  /** Bounded LRU of open tenant databases per service. */
  TENANT_DB_CACHE_SIZE: envInt({ default: 256, min: 1, max: 100_000 }).describe("How many tenant databases a service keeps open (LRU)."),
  /** How other replicas and the gateways reach this one; default `<HOST or hostname>:<bound port>`. */
  ADVERTISE_ADDRESS: envOptionalString({ pattern: /^[A-Za-z0-9_.\-[\]:]+:\d{1,5}$/, form: "host:port" }).describe(
    "host:port other processes use to reach this replica (named as the owner of its tenants); default `<HOST or hostname>:<port>`.",
  ),
  /** Tenant ownership lease lifetime, ms (NATS only). */
  LEASE_TTL_MS: envInt({ default: 6_000, min: 1_000, max: 600_000 }).describe(
    "With NATS: how long a tenant's ownership lease lives unrenewed; a crashed replica's tenants move after it.",
  ),
  /** locking_mode=EXCLUSIVE: the WAL index in process memory, for network volumes. */
  TENANT_DB_EXCLUSIVE: envBool({ default: false }).describe(
    "1 = open tenant files with locking_mode=EXCLUSIVE (WAL index in process memory): set it on network volumes.",
  ),
  /** Public half of the gateway's internal identity key. */
  INTERNAL_AUTH_PUBLIC_KEY: envOptionalString().describe(
    "PEM public key or X.509 certificate (EC P-256 or Ed25519) that verifies the identity the gateway signs into every internal call. Required (the embedded default generates a pair).",
  ),
  /** How long idempotency records are kept, ms; at least 24 h. */
  IDEMPOTENCY_TTL_MS: envInt({ default: 48 * 3600_000, min: 24 * 3600_000, max: 30 * 24 * 3600_000 }).describe(
    "How long a processed message_id's reply is kept, in ms (at least 24 h).",
  ),
});

/** The service address lists, used by every caller of a domain service. */
export const replicaEnv = {
  TENANCY_ADDRS: envAddressList({ default: ["127.0.0.1:50051"] }).describe(
    "tenancy replicas (host:port, comma-separated); tenants are spread over them by rendezvous hashing.",
  ),
  WORKITEMS_ADDRS: envAddressList({ default: ["127.0.0.1:50052"] }).describe("workitems replicas (host:port, comma-separated)."),
  SPRINTS_ADDRS: envAddressList({ default: ["127.0.0.1:50053"] }).describe("sprints replicas (host:port, comma-separated)."),
  WEBHOOKS_ADDRS: envAddressList({ default: ["127.0.0.1:50054"] }).describe("webhooks replicas (host:port, comma-separated)."),
} as const;

/**
 * Validates the variables a schema names and returns them typed and frozen. Unset and empty values both
 * mean "use the default". Throws a ConfigError listing every problem, each naming its variable.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<z.output<z.ZodObject<Shape>>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const raw = env[key];
    input[key] = raw === undefined || raw.trim() === "" ? undefined : raw.trim();
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  return Object.freeze(result.data);
}

/** The variable names of a schema with their descriptions, for docs and the README check. */
export function describeConfig(shape: z.ZodRawShape): { name: string; description: string }[] {
  return Object.entries(shape).map(([name, schema]) => ({ name, description: z.globalRegistry.get(schema)?.description ?? "" }));
}

/** Loads configuration for a process entry point: on a ConfigError, prints every problem and exits 1. */
export function configOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    exitOnConfigError(err);
  }
}

/** Starts a process's work; a ConfigError found while starting (e.g. an unreadable AUTH_JWKS) exits 1 too. */
export async function startOrExit<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    exitOnConfigError(err);
  }
}

function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
