import {
  ConfigError,
  createEventBus,
  grpcTransport,
  InternalTokenSigner,
  loadInternalSigningKeys,
  createLogger,
  createTokenVerifier,
  InvalidArgumentError,
  loadOrCreateDevSigner,
  newId,
  ProjectAccessChecker,
  RateLimitedError,
  RELEASE_VERSION,
  ReplicaRouter,
  UnauthenticatedError,
  type EventBus,
  type Logger,
  type SharedDependencies,
} from "@agileboard/kit";
import { protoFiles } from "@agileboard/proto";
import Fastify from "fastify";
import { WebSocketServer, type WebSocket } from "ws";
import type { GatewayConfig } from "./config.js";
import { Dispatcher } from "./dispatch/dispatcher.js";
import { peekMessageId } from "./dispatch/frame-codec.js";
import { buildDispatchTable, serverFrameField, type ServiceName } from "./dispatch/table.js";
import { PresenceTracker } from "./fanout/presence.js";
import { ProjectFeeds } from "./fanout/project-feeds.js";
import { Subscriptions } from "./fanout/subscriptions.js";
import { registerRoutes } from "./http/routes.js";
import { registerWebApp } from "./http/web-app.js";
import { HttpCallers } from "./http/api/callers.js";
import { ApiReads } from "./http/api/reads.js";
import { registerApi } from "./http/api/routes.js";
import { registerMcp } from "./http/mcp.js";
import { registerTenantRoutes } from "./http/api/tenant-routes.js";
import { TenantArchiver } from "./tenant-archive/archiver.js";
import { ServiceCalls } from "./http/api/service-calls.js";
import { CLOSE_TOKEN_EXPIRED, Connection } from "./ws/connection.js";
import { ConnectionRegistry } from "./ws/registry.js";
import { createUpgradeHandler, SUBPROTOCOL } from "./ws/upgrade.js";

/** A running gateway. */
export interface RunningGateway {
  port: number;
  /** http://host:port */
  url: string;
  logger: Logger;
  /** Graceful stop: refuse new work, let in-flight requests finish, close sockets with 1001, then the rest. */
  stop(): Promise<void>;
}

/**
 * Wires the gateway: logger → internal identity key and TLS → bus → service routers → token verifier →
 * dispatch table → feeds → HTTP and WebSocket server. `shared` lets the embedded default hand in its bus
 * and the internal key pair it generated.
 */
export async function startGateway(config: GatewayConfig, shared: SharedDependencies = {}): Promise<RunningGateway> {
  const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL });
  // Key material and TLS first: a missing or unreadable file stops start-up before anything is opened.
  const internalKeys = shared.internalKeys ?? (config.INTERNAL_AUTH_PRIVATE_KEY ? loadInternalSigningKeys(config.INTERNAL_AUTH_PRIVATE_KEY) : undefined);
  if (!internalKeys) throw new ConfigError(["INTERNAL_AUTH_PRIVATE_KEY: required (the PEM key the gateway signs internal identity with)"]);
  const signer = new InternalTokenSigner(internalKeys, config.INTERNAL_TOKEN_TTL_MS);
  const transport = grpcTransport(config);
  const ownsBus = !shared.bus;
  const bus: EventBus =
    shared.bus ??
    createEventBus({ natsUrl: config.NATS_URL, retentionMs: config.EVENTS_RETENTION_MS, replicas: config.NATS_REPLICAS, name: `gateway-${config.GATEWAY_ID}`, logger });
  const router = (service: ServiceName, addresses: readonly string[]) =>
    new ReplicaRouter({ service, addresses, deadlineMs: config.RPC_DEADLINE_MS, logger, transport });
  const routers: Record<ServiceName, ReplicaRouter> = {
    tenancy: router("tenancy", config.TENANCY_ADDRS),
    workitems: router("workitems", config.WORKITEMS_ADDRS),
    sprints: router("sprints", config.SPRINTS_ADDRS),
    webhooks: router("webhooks", config.WEBHOOKS_ADDRS),
  };
  const devSigner = config.AUTH_DEV
    ? await loadOrCreateDevSigner(config.DATA_DIR, { ...(config.AUTH_ISSUER ? { issuer: config.AUTH_ISSUER } : {}), ...(config.AUTH_AUDIENCE ? { audience: config.AUTH_AUDIENCE } : {}) })
    : undefined;
  const verifier = createTokenVerifier({
    ...(config.AUTH_JWKS ? { jwks: config.AUTH_JWKS } : {}),
    ...(devSigner ? { extraKeys: devSigner.jwks } : {}),
    ...(config.AUTH_ISSUER ? { issuer: config.AUTH_ISSUER } : {}),
    ...(config.AUTH_AUDIENCE ? { audience: config.AUTH_AUDIENCE } : {}),
    maxLifetimeS: config.AUTH_MAX_TOKEN_LIFETIME_S,
  });
  const access = new ProjectAccessChecker({ tenancy: routers.tenancy, bus });
  const table = buildDispatchTable(protoFiles);
  const replyField = (name: string) => serverFrameField(protoFiles, name);

  let draining = false;
  const registry = new ConnectionRegistry({ maxConnections: config.WS_MAX_CONNECTIONS, maxPerTenant: config.WS_MAX_CONNECTIONS_PER_TENANT });
  const feeds: ProjectFeeds = new ProjectFeeds(
    bus,
    logger,
    (tenantId, projectId, userId) => {
      // A removed member stops receiving the project's events at once.
      for (const conn of feeds.membersOf(tenantId, projectId)) {
        if (conn.userId === userId && !conn.identity.roles.includes("admin")) subscriptions.revoke(conn, projectId, newId());
      }
    },
    { live: (conn, projectId) => presence.joined(conn, projectId), left: (conn, projectId) => presence.left(conn, projectId) },
  );
  const presence = new PresenceTracker({
    bus,
    gatewayId: config.GATEWAY_ID,
    heartbeatMs: config.PRESENCE_HEARTBEAT_MS,
    membersOf: (tenantId, projectId) => feeds.membersOf(tenantId, projectId),
    logger,
  });
  const subscriptions = new Subscriptions(feeds, bus, access, { subscribed: replyField("subscribed"), unsubscribed: replyField("unsubscribed") });
  const dispatcher = new Dispatcher({
    table,
    routers,
    subscriptions,
    verifier,
    logger,
    replyFields: { pong: replyField("pong"), tokenRefreshed: replyField("token_refreshed") },
    isDraining: () => draining,
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.WS_MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const alive = new WeakMap<Connection, boolean>();
  const onExpired = (conn: Connection) => {
    dispatcher.sendError(conn, "", new UnauthenticatedError("token expired; reconnect with a new token"));
    conn.close(CLOSE_TOKEN_EXPIRED, "token expired");
  };
  const onConnection = (socket: WebSocket, identity: { tenantId: string; userId: string; roles: string[]; expiresAtMs: number }) => {
    const conn = new Connection(socket, identity, config.GATEWAY_ID, { ratePerSecond: config.WS_RATE_PER_S, burst: config.WS_RATE_BURST }, signer, onExpired);
    registry.add(conn);
    alive.set(conn, true);
    const connLogger = logger.child({ conn_id: conn.id, tenant_id: conn.tenantId, user_id: conn.userId });
    connLogger.debug("connected");
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        dispatcher.sendError(conn, "", new InvalidArgumentError("text frames are not supported; send binary agileboard.v1.ClientFrame frames"));
        return;
      }
      if (!conn.limiter.take()) {
        dispatcher.sendError(conn, peekMessageId(data), new RateLimitedError(`more than ${config.WS_RATE_PER_S} frames per second; slow down`));
        if (conn.limiter.isAbusive) conn.close(1008, "rate limit exceeded");
        return;
      }
      void dispatcher.handle(conn, data);
    });
    socket.on("pong", () => alive.set(conn, true));
    socket.on("error", (err) => connLogger.debug({ err }, "socket error"));
    socket.on("close", (code) => {
      feeds.leaveAll(conn);
      registry.remove(conn);
      conn.dispose();
      connLogger.debug({ code }, "disconnected");
    });
  };

  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  registerRoutes(app, {
    readiness: () => ({
      bus: bus.isHealthy(),
      tenancy: routers.tenancy.healthyCount() > 0,
      workitems: routers.workitems.healthyCount() > 0,
      sprints: routers.sprints.healthyCount() > 0,
      webhooks: routers.webhooks.healthyCount() > 0,
      accepting: !draining,
    }),
    ...(devSigner ? { devSigner } : {}),
  });
  const callers = new HttpCallers({ verifier, signer, gatewayId: config.GATEWAY_ID, ratePerSecond: config.WS_RATE_PER_S, burst: config.WS_RATE_BURST });
  const serviceCalls = new ServiceCalls(table, routers);
  const archiver = new TenantArchiver(routers, RELEASE_VERSION);
  await registerApi(app, {
    callers,
    reads: new ApiReads(serviceCalls),
    logger,
    version: RELEASE_VERSION,
    extraRoutes: (api, helpers) => registerTenantRoutes(api, helpers, archiver),
  });
  registerMcp(app, { callers, logger });
  // The web app last: its SPA fallback must never answer a route the API owns.
  await registerWebApp(app, { webDir: config.WEB_DIR, devAuth: Boolean(devSigner) });
  await app.listen({ host: config.HOST, port: config.PORT });
  app.server.on("upgrade", createUpgradeHandler({ wss, verifier, registry, logger, isDraining: () => draining, onConnection }));
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;

  // Drop peers that stopped answering WebSocket pings (half-open TCP, sleeping laptops).
  const heartbeat = setInterval(() => {
    for (const conn of registry.connections) {
      if (!alive.get(conn)) {
        conn.socket.terminate();
        continue;
      }
      alive.set(conn, false);
      conn.socket.ping();
    }
  }, config.WS_PING_INTERVAL_MS);
  heartbeat.unref();

  const url = `http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${port}`;
  logger.info({ host: config.HOST, port, bus: bus.kind, dev_auth: Boolean(devSigner) }, `listening on ${url}`);

  return {
    port,
    url,
    logger,
    async stop() {
      draining = true;
      const deadline = Date.now() + config.SHUTDOWN_GRACE_MS;
      while (registry.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const conn of registry.connections) conn.close(1001, "server shutting down");
      clearInterval(heartbeat);
      wss.close();
      presence.close();
      feeds.closeAll();
      access.close();
      await app.close();
      for (const r of Object.values(routers)) r.close();
      if (ownsBus) await bus.close();
    },
  };
}
