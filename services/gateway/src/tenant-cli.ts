#!/usr/bin/env node
// `npm run tenant -- export <tenant> <file.tar>` and `npm run tenant -- import <file.tar> <tenant>`.
//   Operator, straight to the services:  INTERNAL_AUTH_PRIVATE_KEY=<gateway's key> TENANCY_ADDRS=… WORKITEMS_ADDRS=…
//                                         SPRINTS_ADDRS=… WEBHOOKS_ADDRS=… npm run tenant -- export acme acme.tar
//   Tenant admin, through a gateway:     npm run tenant -- export acme acme.tar --url http://127.0.0.1:8080 --token <jwt>
//                                         (or AGILEBOARD_URL / AGILEBOARD_TOKEN; the token's tenant must be <tenant>)
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import type { ReadableStream } from "node:stream/web";
import { Readable } from "node:stream";
import { loadMcpConfig, mcpEnv } from "@agileboard/mcp";
import {
  commonEnv,
  configOrExit,
  createLogger,
  envOptionalString,
  grpcTlsEnv,
  grpcTransport,
  identityMetadata,
  InternalTokenSigner,
  isTenantId,
  loadConfig,
  loadInternalSigningKeys,
  RELEASE_VERSION,
  replicaEnv,
  ReplicaRouter,
  startOrExit,
  AppError,
} from "@agileboard/kit";
import type { ServiceName } from "./dispatch/table.js";
import { ARCHIVED_SERVICES, TenantArchiver, type ImportReport, type Manifest } from "./tenant-archive/archiver.js";

/** What the command reads: the services and the operator key, or a gateway and a token. */
export const tenantCliEnv = {
  ...replicaEnv,
  ...grpcTlsEnv,
  RPC_DEADLINE_MS: commonEnv.RPC_DEADLINE_MS,
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  INTERNAL_AUTH_PRIVATE_KEY: envOptionalString(),
  ...mcpEnv,
} as const;

const USAGE = "usage: npm run tenant -- export <tenant> <file.tar> | import <file.tar> <tenant>  [--url <gateway> --token <jwt>]";

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const [command, first, second] = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.match(/^--(url|token)$/));
const tenantId = command === "export" ? first : second;
const file = command === "export" ? second : first;
if ((command !== "export" && command !== "import") || !tenantId || !file) fail(USAGE);
if (!isTenantId(tenantId)) fail(`'${tenantId}' is not a tenant id (^[a-z0-9][a-z0-9_-]{0,62}$)`);

const config = configOrExit(() => loadConfig(tenantCliEnv));
const viaGateway = process.argv.includes("--url") || process.argv.some((a) => a.startsWith("--url=")) || Boolean(config.AGILEBOARD_URL);

/** The tenant a JWT names (read, not verified: the gateway verifies it). */
function tenantOfToken(token: string): string | undefined {
  try {
    return (JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { tenant_id?: string }).tenant_id;
  } catch {
    return undefined;
  }
}

async function viaHttp(): Promise<string> {
  let target: { url: string; token: string };
  try {
    target = loadMcpConfig(process.argv.slice(2));
  } catch (err) {
    fail(err instanceof Error ? err.message.replace("agileboard-mcp", "npm run tenant --") : String(err));
  }
  if (tenantOfToken(target.token) !== tenantId) fail(`the token is for tenant '${tenantOfToken(target.token) ?? "?"}', not '${tenantId}': over HTTP a tenant admin exports and imports their own tenant`);
  const base = target.url.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${target.token}` };
  if (command === "export") {
    const res = await fetch(`${base}/api/v1/tenant/export`, { headers });
    if (!res.ok || !res.body) fail(`export refused: HTTP ${res.status} ${await res.text()}`, 1);
    const partial = `${file}.partial`;
    const out = createWriteStream(partial);
    for await (const chunk of Readable.fromWeb(res.body as ReadableStream<Uint8Array>)) {
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    renameSync(partial, file as string);
    return `exported tenant ${tenantId} to ${file} (${statSync(file as string).size} bytes)`;
  }
  const res = await fetch(`${base}/api/v1/tenant/import`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/x-tar" },
    body: Readable.toWeb(createReadStream(file as string)) as unknown as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit & { duplex: "half" });
  const text = await res.text();
  if (!res.ok) fail(`import refused: HTTP ${res.status} ${text}`, 1);
  return describeImport(JSON.parse(text) as ImportReport);
}

async function direct(): Promise<string> {
  const keyPath = config.INTERNAL_AUTH_PRIVATE_KEY;
  if (!keyPath) fail("INTERNAL_AUTH_PRIVATE_KEY: required to call the services as the operator (or give --url and --token to go through a gateway)");
  const { signer, transport } = await startOrExit(async () => ({ signer: new InternalTokenSigner(loadInternalSigningKeys(keyPath), 60_000), transport: grpcTransport(config) }));
  const logger = createLogger({ service: "tenant-cli", level: config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL });
  const addresses: Record<ServiceName, readonly string[]> = {
    tenancy: config.TENANCY_ADDRS,
    workitems: config.WORKITEMS_ADDRS,
    sprints: config.SPRINTS_ADDRS,
    webhooks: config.WEBHOOKS_ADDRS,
  };
  const routers = Object.fromEntries(
    ARCHIVED_SERVICES.map((s) => [s, new ReplicaRouter({ service: s, addresses: addresses[s], deadlineMs: Math.max(config.RPC_DEADLINE_MS, 60_000), logger, healthIntervalMs: 0, transport })]),
  ) as Record<ServiceName, ReplicaRouter>;
  // The operator acts with tenant admin rights, signed with the gateway's key as every internal call must be.
  const identity = async (service: ServiceName) =>
    identityMetadata((await signer.mint({ tenantId: tenantId as string, userId: "operator", roles: ["admin"], origin: "" }, service)).token);
  const archiver = new TenantArchiver(routers, RELEASE_VERSION);
  try {
    if (command === "export") {
      const partial = `${file}.partial`;
      const out = createWriteStream(partial);
      let manifest: Manifest;
      try {
        manifest = await archiver.export(tenantId as string, identity, async (chunk) => {
          if (!out.write(chunk)) await once(out, "drain");
        });
      } catch (err) {
        out.destroy();
        rmSync(partial, { force: true });
        throw err;
      }
      out.end();
      await once(out, "finish");
      renameSync(partial, file as string);
      const rows = manifest.files.map((f) => `${f.service} ${Object.values(f.row_counts).reduce((a, b) => a + b, 0)} rows`).join(", ");
      return `exported tenant ${tenantId} to ${file} (${statSync(file as string).size} bytes: ${rows})`;
    }
    return describeImport(await archiver.import(tenantId as string, identity, createReadStream(file as string)));
  } finally {
    for (const router of Object.values(routers)) router.close();
  }
}

function describeImport(report: ImportReport): string {
  const rows = report.services.map((s) => `${s.service} ${Object.entries(s.row_counts).filter(([t]) => t !== "schema_migrations").reduce((a, [, b]) => a + b, 0)} rows`).join(", ");
  return `imported ${file} into tenant ${report.tenant_id} (${rows})`;
}

try {
  process.stdout.write(`${await (viaGateway ? viaHttp() : direct())}\n`);
} catch (err) {
  fail(err instanceof AppError ? `${command} refused: ${err.message}` : `${command} failed: ${err instanceof Error ? err.message : String(err)}`, 1);
}
