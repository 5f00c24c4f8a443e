import { generateKeyPairSync } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from "testcontainers";
import { freePort, TestAuth, tempDir } from "@agileboard/testkit";
import { BASE_IMAGES, imageOf, requireLocalImages, SERVICES, type ServiceName } from "./images.js";

/** One running container. */
export interface Node {
  name: string;
  /** Main port (HTTP for gateways, gRPC for services). */
  port: number;
  /** HTTP /metrics of a domain service (0 for others). */
  metricsPort: number;
  /** 127.0.0.1:<port>. */
  address: string;
  container: StartedTestContainer;
  /** What it printed. */
  logs: string[];
}

/** Options of the topology. */
export interface TopologyOptions {
  /** Image tag of the services (agileboard-<service>:<tag>). */
  tag: string;
  /** Extra environment for every agileboard container. */
  env?: Record<string, string>;
}

/** How to create a node's container, from its image (a node can come back on another image: an upgrade). */
type Spec = (image?: string) => GenericContainer;

const UID = 1000;

/**
 * The deployment shape on one host, every container on host networking and bound to 127.0.0.1: NATS with
 * JetStream (store on a bind mount, so it survives a restart), tenancy, sprints, webhooks, two workitems replicas
 * sharing one tenant volume, two gateways. Nodes can be killed, terminated and started again on their ports.
 */
export class Topology {
  readonly nodes = new Map<string, Node>();
  private readonly specs = new Map<string, { spec: Spec; port: number; metricsPort: number }>();
  private readonly dirs: { remove(): void }[] = [];
  private addresses: Record<string, string> = {};
  natsPort = 0;

  private constructor(
    private readonly opts: TopologyOptions,
    readonly auth: TestAuth,
    private readonly authDir: string,
    readonly dataDir: string,
    private readonly natsStore: string,
  ) {}

  static async start(opts: TopologyOptions): Promise<Topology> {
    await requireLocalImages([BASE_IMAGES.nats, ...SERVICES.map((s) => imageOf(s, opts.tag))]);
    const data = tempDir("agileboard-data-");
    const authDir = tempDir("agileboard-auth-");
    const store = tempDir("agileboard-nats-store-");
    // The services run as uid 1000: the tenant volume must be theirs; the JWKS must be readable.
    chownSync(data.path, UID, UID);
    chmodSync(authDir.path, 0o755);
    const auth = await TestAuth.create(authDir.path);
    chmodSync(auth.jwksPath, 0o644);
    writeInternalKeys(authDir.path);
    const topology = new Topology(opts, auth, authDir.path, data.path, store.path);
    topology.dirs.push(data, authDir, store);
    try {
      await topology.boot();
    } catch (err) {
      await topology.stop();
      throw err;
    }
    return topology;
  }

  node(name: string): Node {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** http://127.0.0.1:<port> of a gateway. */
  url(gateway: string): string {
    return `http://${this.node(gateway).address}`;
  }

  get natsUrl(): string {
    return `nats://127.0.0.1:${this.natsPort}`;
  }

  /** The workitems replicas' addresses as the gateways know them. */
  get workitemsAddresses(): string[] {
    return (this.addresses["WORKITEMS_ADDRS"] ?? "").split(",");
  }

  /** SIGKILL, nothing else first: a crash (no graceful release of leases, nothing flushed). */
  async kill(name: string): Promise<void> {
    const node = this.node(name);
    const client = await getContainerRuntimeClient();
    await client.container.getById(node.container.getId()).kill({ signal: "SIGKILL" });
    // Removes the dead container.
    await node.container.stop({ timeout: 0 }).catch(() => undefined);
  }

  /** SIGTERM, then up to `graceMs` to drain. */
  async terminate(name: string, graceMs = 10_000): Promise<void> {
    await this.node(name).container.stop({ timeout: graceMs });
  }

  /** Starts a node again on its ports and settings, optionally from another image (an upgrade). */
  async restart(name: string, image?: string): Promise<Node> {
    const entry = this.specs.get(name);
    if (!entry) throw new Error(`no node ${name}`);
    return this.run(name, () => entry.spec(image), entry.port, entry.metricsPort);
  }

  /** One more gateway, e.g. with its own view of which workitems replicas exist. */
  async addGateway(name: string, env: Record<string, string>): Promise<Node> {
    const port = await freePort();
    return this.define(name, () => this.gatewaySpec(name, port, env), port, 0);
  }

  /** A one-shot container of a service image (e.g. the migrate command); resolves with its output. */
  async runOnce(image: string, args: string[]): Promise<string> {
    const logs: string[] = [];
    const container = await new GenericContainer(image)
      .withNetworkMode("host")
      .withEnvironment({ ...this.common(), TENANT_DB_EXCLUSIVE: "1" })
      .withBindMounts([
        { source: this.dataDir, target: "/data", mode: "rw" },
        { source: join(this.authDir, "internal-public"), target: "/internal-auth", mode: "ro" },
      ])
      .withCommand(args)
      .withLogConsumer((stream) => stream.on("data", (chunk: Buffer | string) => logs.push(chunk.toString())))
      .withWaitStrategy(Wait.forOneShotStartup())
      .withStartupTimeout(60_000)
      .start();
    await container.stop({ timeout: 1_000 }).catch(() => undefined);
    return logs.join("");
  }

  async stop(): Promise<void> {
    for (const node of [...this.nodes.values()].reverse()) await node.container.stop({ timeout: 5_000 }).catch(() => undefined);
    for (const dir of this.dirs) dir.remove();
  }

  private async boot(): Promise<void> {
    this.natsPort = await freePort();
    await this.define(
      "nats",
      () =>
        new GenericContainer(BASE_IMAGES.nats)
          .withNetworkMode("host")
          .withCommand(["-js", "-sd", "/store", "-a", "127.0.0.1", "-p", String(this.natsPort)])
          .withBindMounts([{ source: this.natsStore, target: "/store", mode: "rw" }])
          .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
          .withStartupTimeout(20_000),
      this.natsPort,
      0,
    );
    const ports = new Map<string, [number, number]>();
    for (const name of ["tenancy", "sprints", "webhooks", "workitems-1", "workitems-2", "gateway-a", "gateway-b"]) ports.set(name, [await freePort(), await freePort()]);
    const addr = (name: string) => `127.0.0.1:${ports.get(name)?.[0]}`;
    this.addresses = {
      TENANCY_ADDRS: addr("tenancy"),
      SPRINTS_ADDRS: addr("sprints"),
      WEBHOOKS_ADDRS: addr("webhooks"),
      WORKITEMS_ADDRS: `${addr("workitems-1")},${addr("workitems-2")}`,
    };
    const service = (name: string, svc: Exclude<ServiceName, "gateway">) => {
      const [port, metricsPort] = ports.get(name) as [number, number];
      return this.define(name, (image) => this.serviceSpec(svc, port, metricsPort, image), port, metricsPort);
    };
    await service("tenancy", "tenancy");
    await service("sprints", "sprints");
    await service("webhooks", "webhooks");
    await Promise.all([service("workitems-1", "workitems"), service("workitems-2", "workitems")]);
    for (const [name, id] of [
      ["gateway-a", "gw-a"],
      ["gateway-b", "gw-b"],
    ] as const) {
      const [port] = ports.get(name) as [number, number];
      await this.define(name, () => this.gatewaySpec(id, port, {}), port, 0);
    }
  }

  private common(): Record<string, string> {
    return {
      NATS_URL: this.natsUrl,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      DATA_DIR: "/data",
      INTERNAL_AUTH_PUBLIC_KEY: "/internal-auth/identity.pub",
      ...this.addresses,
      ...this.opts.env,
    };
  }

  private serviceSpec(service: Exclude<ServiceName, "gateway">, port: number, metricsPort: number, image?: string): GenericContainer {
    return new GenericContainer(image ?? imageOf(service, this.opts.tag))
      .withNetworkMode("host")
      .withEnvironment({
        ...this.common(),
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        ADVERTISE_ADDRESS: `127.0.0.1:${port}`,
        // The shared volume is treated as a network volume: WAL index in process memory, one writer per file.
        TENANT_DB_EXCLUSIVE: "1",
      })
      .withBindMounts([
        { source: this.dataDir, target: "/data", mode: "rw" },
        // Only the public half: services verify the identity the gateways sign, they never mint one.
        { source: join(this.authDir, "internal-public"), target: "/internal-auth", mode: "ro" },
      ])
      .withWaitStrategy(Wait.forLogMessage(/listening on /))
      .withStartupTimeout(30_000);
  }

  private gatewaySpec(id: string, port: number, env: Record<string, string>): GenericContainer {
    return new GenericContainer(imageOf("gateway", this.opts.tag))
      .withNetworkMode("host")
      .withEnvironment({
        ...this.common(),
        PORT: String(port),
        GATEWAY_ID: id,
        AUTH_JWKS: "/auth/jwks.json",
        INTERNAL_AUTH_PRIVATE_KEY: "/auth/internal-private/identity.key",
        ...env,
      })
      .withBindMounts([{ source: this.authDir, target: "/auth", mode: "ro" }])
      .withWaitStrategy(Wait.forLogMessage(/listening on /))
      .withStartupTimeout(30_000);
  }

  private define(name: string, spec: Spec, port: number, metricsPort: number): Promise<Node> {
    this.specs.set(name, { spec, port, metricsPort });
    return this.run(name, () => spec(), port, metricsPort);
  }

  private async run(name: string, build: () => GenericContainer, port: number, metricsPort: number): Promise<Node> {
    const logs: string[] = [];
    const container = await build()
      .withLogConsumer((stream) => stream.on("data", (chunk: Buffer | string) => logs.push(chunk.toString())))
      .start();
    // Recorded as soon as it runs, so stop() can always find it.
    const node: Node = { name, port, metricsPort, address: `127.0.0.1:${port}`, container, logs };
    this.nodes.set(name, node);
    return node;
  }
}

/** A service's file of one tenant on the shared volume, for checks from the host. */
export function tenantFile(dataDir: string, tenantId: string, service: string): string {
  return join(dataDir, "tenants", tenantId, `${service}.db`);
}

/**
 * The gateways' internal identity key pair, as a deployment's Secrets hold it: the private key readable by
 * the services' uid in `internal-private/` (mounted into gateways only), the public key in `internal-public/`.
 */
function writeInternalKeys(authDir: string): void {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const privateDir = join(authDir, "internal-private");
  const publicDir = join(authDir, "internal-public");
  mkdirSync(privateDir, { mode: 0o700 });
  mkdirSync(publicDir, { mode: 0o755 });
  writeFileSync(join(privateDir, "identity.key"), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o400 });
  writeFileSync(join(publicDir, "identity.pub"), publicKey.export({ type: "spki", format: "pem" }), { mode: 0o444 });
  for (const path of [privateDir, join(privateDir, "identity.key")]) chownSync(path, UID, UID);
}
