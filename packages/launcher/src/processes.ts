import cluster, { type Worker } from "node:cluster";
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { freePort, generateInternalKeys, loadOrCreateDevSigner, type Logger, type ReadyMessage } from "@agileboard/kit";

const require = createRequire(import.meta.url);

/** A domain service's entry point, next to its package's compiled index. */
function entryOf(pkg: string): string {
  return join(dirname(require.resolve(pkg)), "main.js");
}

/** The domain services in start order: each is started after those it calls. */
const SERVICES = [
  { name: "tenancy", entry: "@agileboard/tenancy", calls: [] },
  { name: "sprints", entry: "@agileboard/sprints", calls: ["tenancy"] },
  { name: "workitems", entry: "@agileboard/workitems", calls: ["tenancy", "sprints"] },
  { name: "webhooks", entry: "@agileboard/webhooks", calls: ["tenancy"] },
] as const;
type ServiceName = (typeof SERVICES)[number]["name"];

/** Restarts allowed per child within RESTART_WINDOW_MS before the launcher gives up and stops everything. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const READY_TIMEOUT_MS = 30_000;

/** One process of the system, for the banner, tests and the benchmark's process table. */
export interface SystemProcess {
  name: string;
  pid: number;
}

export interface MultiProcessSystem {
  /** http://host:port of the gateway processes (they share the port). */
  url: string;
  processes(): SystemProcess[];
  /** Resolves when a child failed for good (too many restarts); the launcher then stops. */
  failed: Promise<Error>;
  /** Stops the gateways, then the services in reverse start order. */
  stop(): Promise<void>;
}

export interface MultiProcessOptions {
  /** The environment every child starts from (config already validated by the launcher). */
  env: Readonly<Record<string, string | undefined>>;
  natsUrl: string;
  dataDir: string;
  gatewayProcesses: number;
  /** The gateways' HOST and PORT (0 = any free port). */
  host: string;
  port: number;
  devAuth: boolean;
  shutdownGraceMs: number;
  logger: Logger;
}


function isReady(message: unknown): message is ReadyMessage {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "agileboard:ready";
}

/** Waits for the child's ready message; rejects if it exits first or takes too long. */
function whenReady(child: ChildProcess | Worker, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not become ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const onMessage = (message: unknown) => {
      if (!isReady(message)) return;
      cleanup();
      resolve(message.port);
    };
    const onExit = (code: number | null, signal: string | null) => fail(new Error(`${name} exited during start-up (${signal ?? `code ${code}`})`));
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    const fail = (err: Error) => {
      cleanup();
      reject(err);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/** Sends SIGTERM and waits for the exit; SIGKILL after the grace. */
function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), graceMs + 2_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * The embedded default on every core: each domain service and each gateway in its own process, all on
 * one NATS server, as a deployment runs them. The launcher supervises: a child that dies is restarted
 * on the same port (with a pause that grows), and the internal identity key pair and the dev signing key
 * are made once, before any child starts, so every process trusts the same keys.
 */
export async function startMultiProcess(options: MultiProcessOptions): Promise<MultiProcessSystem> {
  const { env, logger } = options;
  const keyDir = join(options.dataDir, "internal-auth");
  const keyEnv: Record<string, string> = {};
  if (!(env["INTERNAL_AUTH_PRIVATE_KEY"] && env["INTERNAL_AUTH_PUBLIC_KEY"])) {
    // A pair made per start, as the one-process default does: internal tokens live seconds, nothing outlives a run.
    const keys = generateInternalKeys();
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    const privatePath = join(keyDir, "private.pem");
    const publicPath = join(keyDir, "public.pem");
    writeFileSync(privatePath, keys.privateKey?.export({ type: "pkcs8", format: "pem" }) ?? "", { mode: 0o600 });
    writeFileSync(publicPath, keys.publicKey.export({ type: "spki", format: "pem" }));
    keyEnv["INTERNAL_AUTH_PRIVATE_KEY"] = privatePath;
    keyEnv["INTERNAL_AUTH_PUBLIC_KEY"] = publicPath;
  }
  // Gateways would each generate the dev key on first use and disagree: make it once here.
  if (options.devAuth) await loadOrCreateDevSigner(options.dataDir);

  const ports = new Map<ServiceName, number>();
  for (const service of SERVICES) ports.set(service.name, await freePort());
  const addressVar = (name: ServiceName) => `${name.toUpperCase()}_ADDRS`;
  const address = (name: ServiceName) => `127.0.0.1:${ports.get(name)}`;
  const childEnv = { ...env, ...keyEnv, NATS_URL: options.natsUrl };

  let stopping = false;
  let reportFailure: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (reportFailure = resolve));
  const services = new Map<ServiceName, ChildProcess>();
  const restarts = new Map<string, number[]>();

  /** Counts a restart; false when the child has failed too often to go on. */
  const mayRestart = (name: string): boolean => {
    const now = Date.now();
    const recent = (restarts.get(name) ?? []).filter((at) => now - at < RESTART_WINDOW_MS);
    recent.push(now);
    restarts.set(name, recent);
    return recent.length <= MAX_RESTARTS;
  };

  const startService = async (service: (typeof SERVICES)[number]): Promise<void> => {
    const serviceEnv: Record<string, string | undefined> = { ...childEnv, HOST: "127.0.0.1", PORT: String(ports.get(service.name)) };
    for (const peer of service.calls) serviceEnv[addressVar(peer)] = address(peer);
    const child = fork(entryOf(service.entry), [], { env: serviceEnv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    services.set(service.name, child);
    await whenReady(child, service.name);
    child.once("exit", (code, signal) => {
      if (stopping) return;
      const attempt = (restarts.get(service.name)?.length ?? 0) + 1;
      if (!mayRestart(service.name)) {
        reportFailure(new Error(`${service.name} exited ${MAX_RESTARTS + 1} times within a minute (last: ${signal ?? `code ${code}`})`));
        return;
      }
      const delayMs = Math.min(10_000, 250 * 2 ** (attempt - 1));
      logger.error({ child: service.name, code, signal, restart_in_ms: delayMs }, "service exited; restarting it");
      setTimeout(() => {
        if (!stopping) startService(service).catch((err: Error) => logger.error({ err, child: service.name }, "restart failed"));
      }, delayMs);
    });
  };

  const gateways = new Set<Worker>();
  // Every gateway must ask the cluster for the same port: with 0, each worker's listen would be a new
  // request for "any port", so a free one is chosen here once.
  const gatewayPort = options.port === 0 ? await freePort() : options.port;
  const gatewayEnv = {
    ...childEnv,
    ...Object.fromEntries(SERVICES.map((s) => [addressVar(s.name), address(s.name)])),
  };
  cluster.setupPrimary({ exec: entryOf("@agileboard/gateway"), args: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const startGateway = async (): Promise<void> => {
    // Every gateway listens on the same port; the cluster's primary (this process) holds it and deals connections out.
    const worker = cluster.fork({ ...gatewayEnv, PORT: String(gatewayPort) });
    gateways.add(worker);
    await whenReady(worker, "gateway");
    worker.once("exit", (code, signal) => {
      gateways.delete(worker);
      if (stopping) return;
      if (!mayRestart("gateway")) {
        reportFailure(new Error(`a gateway exited ${MAX_RESTARTS + 1} times within a minute (last: ${signal ?? `code ${code}`})`));
        return;
      }
      logger.error({ code, signal }, "gateway exited; starting another");
      setTimeout(() => {
        if (!stopping) startGateway().catch((err: Error) => logger.error({ err }, "gateway restart failed"));
      }, 500);
    });
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    await Promise.all([...gateways].map((worker) => terminate(worker.process, options.shutdownGraceMs)));
    for (const service of [...SERVICES].reverse()) {
      const child = services.get(service.name);
      if (child) await terminate(child, options.shutdownGraceMs);
    }
  };

  try {
    for (const service of SERVICES) await startService(service);
    await Promise.all(Array.from({ length: options.gatewayProcesses }, () => startGateway()));
  } catch (err) {
    await stop();
    throw err;
  }
  const host = options.host === "0.0.0.0" ? "127.0.0.1" : options.host;
  return {
    url: `http://${host}:${gatewayPort}`,
    processes: () => [
      ...SERVICES.flatMap((s) => {
        const pid = services.get(s.name)?.pid;
        return pid ? [{ name: s.name, pid }] : [];
      }),
      ...[...gateways].flatMap((w, i) => (w.process.pid ? [{ name: `gateway-${i + 1}`, pid: w.process.pid }] : [])),
    ],
    failed,
    stop,
  };
}
