import { createServer, type Server as HttpServer } from "node:http";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Server, ServiceDefinition } from "@grpc/grpc-js";
import { createEventBus } from "./bus/create-event-bus.js";
import { NatsEventBus } from "./bus/nats-event-bus.js";
import { KvLeases, LEASE_BUCKET, LocalLeases, type TenantLeases } from "./leases.js";
import { EventConsumers, type EventConsumerSpec } from "./event-consumers.js";
import type { EventBus } from "./bus/event-bus.js";
import { addHealthService, addServiceTo, bindServer, createGrpcServer, shutdownServer, type ServiceHandlers } from "./grpc/server.js";
import { ReplicaRouter } from "./grpc/replica-router.js";
import { createLogger, type Logger } from "./log.js";
import { metricsRegistry } from "./metrics.js";
import { OutboxRelay } from "./outbox-relay.js";
import { Pipeline } from "./pipeline.js";
import { ProjectAccessChecker } from "./project-access.js";
import { purgeIdempotencyRecords } from "./storage/idempotency.js";
import { loadMigrations } from "./storage/migrations.js";
import { TenantStore } from "./storage/tenant-store.js";
import { exitOnSignals, reportReadyToParent } from "./shutdown.js";
import { ConfigError, startOrExit } from "./config.js";
import { InternalTokenVerifier, loadInternalVerifyKeys, type InternalKeys, type InternalService } from "./auth/internal-identity.js";
import { grpcTransport, type GrpcTlsConfig } from "./grpc/tls.js";
import { TenantArchive } from "./tenant-archive.js";

/** How often expired idempotency records are purged from open databases. */
const PURGE_INTERVAL_MS = 3600_000;

/** The configuration every domain service reads (kit `serviceEnv`, plus TENANCY_ADDRS for callers of tenancy). */
export interface DomainServiceConfig extends GrpcTlsConfig {
  INTERNAL_AUTH_PUBLIC_KEY?: string | undefined;
  HOST: string;
  PORT: number;
  METRICS_PORT: number;
  DATA_DIR: string;
  NATS_URL?: string | undefined;
  LOG_LEVEL: string;
  EVENTS_RETENTION_MS: number;
  NATS_REPLICAS: number;
  MIGRATIONS_DIR?: string | undefined;
  TENANT_DB_CACHE_SIZE: number;
  IDEMPOTENCY_TTL_MS: number;
  RPC_DEADLINE_MS: number;
  SHUTDOWN_GRACE_MS: number;
  ADVERTISE_ADDRESS?: string | undefined;
  LEASE_TTL_MS: number;
  TENANT_DB_EXCLUSIVE: boolean;
  TENANCY_ADDRS?: readonly string[];
  WORKITEMS_ADDRS?: readonly string[];
  SPRINTS_ADDRS?: readonly string[];
}

/** The domain services one service may call. */
export type PeerService = "tenancy" | "workitems" | "sprints";

/** Background work a service runs while it serves (e.g. webhook deliveries): started once bound, stopped first. */
export interface ServiceWorker {
  start(): void;
  /** Finishes or abandons work under way; what is left is picked up at the next start. */
  stop(): Promise<void>;
}

/** What a service's handlers are built from. */
export interface ServiceRuntime {
  service: string;
  replicaId: string;
  logger: Logger;
  store: TenantStore;
  bus: EventBus;
  relay: OutboxRelay;
  pipeline: Pipeline;
  /** Tenant ownership: leases in NATS KV, or none in a single process. */
  leases: TenantLeases;
  /** Routers to the other services this one calls (those whose `<NAME>_ADDRS` its config has). */
  peers: Partial<Record<PeerService, ReplicaRouter>>;
  /** Present when the service calls tenancy (TENANCY_ADDRS configured). */
  projectAccess?: ProjectAccessChecker;
  /** Tenant export and import of this service's files (every service serves its RPCs). */
  archive: TenantArchive;
  /** DATA_DIR. */
  dataDir: string;
}

/** How to start one domain service. */
export interface DomainServiceSpec<Definition extends ServiceDefinition> {
  /** "workitems": file stem, migrations folder, log and metrics label, internal token audience. */
  service: InternalService;
  /** Fully qualified gRPC service name, for the health service. */
  grpcServiceName: string;
  definition: Definition;
  buildHandlers(runtime: ServiceRuntime): ServiceHandlers<Definition>;
  /** Durable event consumers the service runs (read models, reactions to other services' events). */
  consumers?(runtime: ServiceRuntime): EventConsumerSpec[];
  /** Background work, started once the service serves. */
  workers?(runtime: ServiceRuntime): ServiceWorker[];
}

/** Things the embedded default shares between services in one process. */
export interface SharedDependencies {
  /** One bus for every service of the process (the in-process bus only works shared). */
  bus?: EventBus;
  /** The internal identity keys the process generated (instead of INTERNAL_AUTH_* files). */
  internalKeys?: InternalKeys;
}

/** The key that verifies internal identity: the shared one, else INTERNAL_AUTH_PUBLIC_KEY (required). */
function internalVerifyKeys(config: { INTERNAL_AUTH_PUBLIC_KEY?: string | undefined }, shared: SharedDependencies): InternalKeys {
  if (shared.internalKeys) return shared.internalKeys;
  if (!config.INTERNAL_AUTH_PUBLIC_KEY) {
    throw new ConfigError(["INTERNAL_AUTH_PUBLIC_KEY: required (the PEM public key or certificate of the gateway's internal identity key)"]);
  }
  return loadInternalVerifyKeys(config.INTERNAL_AUTH_PUBLIC_KEY);
}

/** A started service. */
export interface RunningService {
  /** The bound gRPC port. */
  port: number;
  runtime: ServiceRuntime;
  server: Server;
  /** Ordered shutdown: stop accepting, finish in-flight calls, stop the relay, drain the bus, close databases. */
  stop(): Promise<void>;
}

/** The repository's migrations folder, when running from a checkout. */
export function defaultMigrationsDir(): string {
  // <root>/packages/kit/{src,dist}/service-runtime.* -> <root>/migrations
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../../migrations");
}

/**
 * Wires one domain service in the order every service uses: logger → tenant store → bus → outbox relay →
 * gRPC server with health → bind → sweep the outboxes. Returns once it serves.
 */
export async function startDomainService<Definition extends ServiceDefinition>(
  spec: DomainServiceSpec<Definition>,
  config: DomainServiceConfig,
  shared: SharedDependencies = {},
): Promise<RunningService> {
  const logger = createLogger({ service: spec.service, level: config.LOG_LEVEL });
  // Key material and TLS first: a missing or unreadable file stops start-up before anything is opened.
  const verifier = new InternalTokenVerifier(internalVerifyKeys(config, shared), spec.service);
  const transport = grpcTransport(config);
  // host:port once bound (PORT may be 0).
  let replicaId = `${hostname()}:${config.PORT}`;
  const migrations = loadMigrations(config.MIGRATIONS_DIR ?? defaultMigrationsDir(), ["kit", spec.service]);
  const store = new TenantStore({
    dataDir: config.DATA_DIR,
    service: spec.service,
    migrations,
    maxOpen: config.TENANT_DB_CACHE_SIZE,
    logger,
    exclusiveLocking: config.TENANT_DB_EXCLUSIVE,
    onOpen: (_tenantId, db) => purgeIdempotencyRecords(db, Date.now(), config.IDEMPOTENCY_TTL_MS),
  });
  const ownsBus = !shared.bus;
  const bus =
    shared.bus ?? createEventBus({ natsUrl: config.NATS_URL, retentionMs: config.EVENTS_RETENTION_MS, replicas: config.NATS_REPLICAS, name: spec.service, logger });
  if (ownsBus && bus.kind === "memory") logger.warn("NATS_URL is unset: events stay inside this process");
  let advertised = config.ADVERTISE_ADDRESS ?? `${config.HOST}:${config.PORT}`;
  const leases: TenantLeases =
    bus instanceof NatsEventBus
      ? new KvLeases({
          openBucket: (ttlMs) => bus.keyValue(LEASE_BUCKET, ttlMs),
          service: spec.service,
          owner: () => advertised,
          connected: () => bus.ensureConnected(),
          ttlMs: config.LEASE_TTL_MS,
          logger,
        })
      : new LocalLeases();
  const relay = new OutboxRelay(store, bus, logger, leases);
  // A tenant leased elsewhere is closed here at once; a tenant taken over gets its leftover outbox published.
  leases.onLost((tenantId) => store.release(tenantId));
  leases.onAcquired((tenantId) => relay.notify(tenantId));
  const peers: Partial<Record<PeerService, ReplicaRouter>> = {};
  const addresses: Record<PeerService, readonly string[] | undefined> = {
    tenancy: config.TENANCY_ADDRS,
    workitems: config.WORKITEMS_ADDRS,
    sprints: config.SPRINTS_ADDRS,
  };
  for (const [peer, list] of Object.entries(addresses) as [PeerService, readonly string[] | undefined][]) {
    if (list) peers[peer] = new ReplicaRouter({ service: peer, addresses: list, deadlineMs: config.RPC_DEADLINE_MS, logger, transport });
  }
  const projectAccess = peers.tenancy ? new ProjectAccessChecker({ tenancy: peers.tenancy, bus }) : undefined;
  const runtime: ServiceRuntime = {
    service: spec.service,
    replicaId,
    logger,
    store,
    bus,
    relay,
    pipeline: new Pipeline(store, relay, leases),
    leases,
    peers,
    ...(projectAccess ? { projectAccess } : {}),
    archive: new TenantArchive({ service: spec.service, store, dataDir: config.DATA_DIR, logger }),
    dataDir: config.DATA_DIR,
  };

  const server = createGrpcServer();
  addServiceTo(server, spec.definition, spec.buildHandlers(runtime), {
    service: spec.service,
    replicaId: () => replicaId,
    logger,
    verifier,
    beforeCall: (tenantId) => leases.ensure(tenantId),
  });
  const health = addHealthService(server, [spec.grpcServiceName]);
  const port = await bindServer(server, config.HOST, config.PORT, transport.server);
  replicaId = `${hostname()}:${port}`;
  runtime.replicaId = replicaId;
  advertised = config.ADVERTISE_ADDRESS ?? `${config.HOST === "0.0.0.0" || config.HOST === "::" ? hostname() : config.HOST}:${port}`;
  health.setStatus("", "SERVING");
  health.setStatus(spec.grpcServiceName, "SERVING");
  void relay.sweep();
  const consumers = new EventConsumers(bus, logger);
  consumers.start(spec.consumers?.(runtime) ?? []);
  const workers = spec.workers?.(runtime) ?? [];
  for (const worker of workers) worker.start();
  const purgeTimer = setInterval(
    () => store.forEachOpen((_tenantId, db) => purgeIdempotencyRecords(db, Date.now(), config.IDEMPOTENCY_TTL_MS)),
    PURGE_INTERVAL_MS,
  );
  purgeTimer.unref();
  const metricsServer = config.METRICS_PORT > 0 ? await serveMetrics(config.HOST, config.METRICS_PORT) : undefined;
  logger.info({ host: config.HOST, port, bus: bus.kind, tls: transport.secure }, `listening on grpc://${config.HOST}:${port}`);

  return {
    port,
    runtime,
    server,
    async stop() {
      health.setStatus("", "NOT_SERVING");
      health.setStatus(spec.grpcServiceName, "NOT_SERVING");
      await shutdownServer(server, config.SHUTDOWN_GRACE_MS);
      consumers.stop();
      await Promise.all(workers.map((w) => w.stop()));
      runtime.archive.close();
      clearInterval(purgeTimer);
      await relay.stop();
      await leases.close();
      projectAccess?.close();
      for (const router of Object.values(peers)) router.close();
      if (ownsBus) await bus.close();
      store.close();
      metricsServer?.close();
    },
  };
}

function serveMetrics(host: string, port: number): Promise<HttpServer> {
  const server = createServer((req, res) => {
    if (req.url === "/metrics") {
      metricsRegistry.metrics().then(
        (body) => res.writeHead(200, { "content-type": metricsRegistry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    } else if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve_, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve_(server));
  });
}

/**
 * The `migrate` command: applies pending migrations to every tenant file of a service (the Helm chart runs
 * it as a pre-upgrade hook). With NATS, a tenant leased by a running replica is skipped: that replica (or the
 * new version that takes it over) applies the migrations when it opens the file. Returns what it did.
 */
export async function migrateAllTenants(opts: {
  service: string;
  dataDir: string;
  migrationsDir?: string | undefined;
  natsUrl?: string | undefined;
  leaseTtlMs: number;
  exclusiveLocking: boolean;
  logger: Logger;
}): Promise<{ migrated: number; skipped: number }> {
  const migrations = loadMigrations(opts.migrationsDir ?? defaultMigrationsDir(), ["kit", opts.service]);
  const store = new TenantStore({ dataDir: opts.dataDir, service: opts.service, migrations, maxOpen: 1, logger: opts.logger, exclusiveLocking: opts.exclusiveLocking });
  if (store.tenantIds().length === 0) {
    // A fresh install: nothing to migrate, and no need for the bus (which may not be up yet).
    opts.logger.info({ migrated: 0, skipped: 0 }, "migrations applied");
    return { migrated: 0, skipped: 0 };
  }
  const bus = opts.natsUrl ? new NatsEventBus({ servers: opts.natsUrl, name: `${opts.service}-migrate`, retentionMs: 24 * 3600_000, logger: opts.logger }) : undefined;
  const owner = `migrate-${hostname()}-${process.pid}`;
  const leases: TenantLeases = bus
    ? new KvLeases({ openBucket: (ttl) => bus.keyValue(LEASE_BUCKET, ttl), service: opts.service, owner: () => owner, connected: () => bus.ensureConnected(), ttlMs: opts.leaseTtlMs, logger: opts.logger })
    : new LocalLeases();
  if (bus) await bus.waitUntilReady(30_000);
  let migrated = 0;
  let skipped = 0;
  for (const tenantId of store.tenantIds()) {
    if (!(await leases.tryAcquire(tenantId))) {
      skipped++;
      continue;
    }
    store.open(tenantId);
    store.release(tenantId);
    await leases.release(tenantId);
    migrated++;
  }
  store.close();
  await leases.close();
  await bus?.close();
  opts.logger.info({ migrated, skipped }, "migrations applied");
  return { migrated, skipped };
}

/** A domain service's `migrate` command: brings every tenant file it owns to the current schema, then returns. */
export async function runTenantMigrations(service: string, config: DomainServiceConfig): Promise<void> {
  await migrateAllTenants({
    service,
    dataDir: config.DATA_DIR,
    migrationsDir: config.MIGRATIONS_DIR,
    natsUrl: config.NATS_URL,
    leaseTtlMs: config.LEASE_TTL_MS,
    exclusiveLocking: config.TENANT_DB_EXCLUSIVE,
    logger: createLogger({ service, level: config.LOG_LEVEL }),
  });
}

/** A domain service's `main`: starts it and stops it cleanly on SIGINT/SIGTERM. */
export async function runDomainService<Definition extends ServiceDefinition>(
  spec: DomainServiceSpec<Definition>,
  config: DomainServiceConfig,
): Promise<void> {
  const running = await startOrExit(() => startDomainService(spec, config));
  exitOnSignals(running.stop, { logger: running.runtime.logger, graceMs: config.SHUTDOWN_GRACE_MS });
  reportReadyToParent(running.port);
}
