import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { REPO_ROOT, createWorkItem, seedProject, startTestSystem, startWebhookReceiver, TestClient, updateWorkItem, type SeededProject, type TestSystem, type WebhookReceiver, type JsonDocument } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTar } from "../src/tenant-archive/tar.js";

type Json = JsonDocument;
const SERVICES = ["tenancy", "workitems", "sprints", "webhooks"];

/** Runs `npm run tenant -- …` (the built CLI) without blocking this process, where the services run. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "services/gateway/dist/tenant-cli.js"), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The entries of a tar held in memory. */
async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  async function* source() {
    yield bytes;
  }
  for await (const entry of readTar(source())) {
    const parts: Buffer[] = [];
    for await (const c of entry.chunks()) parts.push(c);
    out.set(entry.name, Buffer.concat(parts));
  }
  return out;
}

/** Every row of every table of a SQLite file, table by table, in rowid order (virtual tables by content). */
function dump(path: string, skip: readonly string[] = []): Record<string, unknown[]> {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    const out: Record<string, unknown[]> = {};
    for (const name of tables) {
      if (skip.includes(name)) continue;
      // Some tables (FTS5's own) have no rowid: order by content, so equal tables compare equal.
      const rows = db.prepare(`SELECT * FROM "${name}"`).all();
      out[name] = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString("base64") : v))).sort();
    }
    return out;
  } finally {
    db.close();
  }
}

describe("tenant export and import", () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let admin: TestClient;
  let seed: SeededProject;
  let adminToken: string;
  let cliEnv: Record<string, string>;
  const http = (path: string, token: string, init: RequestInit = {}) => fetch(`${system.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    system = await startTestSystem({ bus: "nats", env: { WEBHOOK_ALLOWED_HOSTS: receiver.hostPort } });
    adminToken = await system.auth.token({ userId: "alice", roles: ["admin"] });
    admin = await TestClient.connect(system.url, adminToken);
    seed = await seedProject(admin);
    await admin.expect("webhook", { $case: "createWebhook", value: { projectId: seed.project.id, url: receiver.url, events: [], secret: "a-secret-long-enough" } });
    const { tenancy, workitems, sprints, webhooks } = system.embedded.services;
    cliEnv = {
      INTERNAL_AUTH_PRIVATE_KEY: system.env["INTERNAL_AUTH_PRIVATE_KEY"] as string,
      TENANCY_ADDRS: `127.0.0.1:${tenancy.port}`,
      WORKITEMS_ADDRS: `127.0.0.1:${workitems.port}`,
      SPRINTS_ADDRS: `127.0.0.1:${sprints.port}`,
      WEBHOOKS_ADDRS: `127.0.0.1:${webhooks.port}`,
      LOG_LEVEL: "warn",
    };
  });
  afterAll(async () => {
    admin?.close();
    await system?.stop();
    await receiver?.close();
  });

  it("exports while writes continue, and imports into an empty tenant with every row equal, the activity history included", async () => {
    // A writer keeps changing the tenant throughout the export.
    let writing = true;
    const acknowledged: { id: string; title: string; at: number }[] = [];
    const writer = (async () => {
      let n = 0;
      while (writing) {
        const item = await createWorkItem(admin, seed.project.id, { title: `load ${++n}` });
        await updateWorkItem(admin, item, { title: `load ${n} edited` });
        acknowledged.push({ id: item.id, title: `load ${n} edited`, at: Date.now() });
      }
    })();
    while (acknowledged.length < 3) await new Promise((r) => setImmediate(r));
    const exportStarted = Date.now();
    const res = await http("/api/v1/tenant/export", adminToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-tar");
    const archive = Buffer.from(await res.arrayBuffer());
    const exportEnded = Date.now();
    writing = false;
    await writer;
    expect(acknowledged.some((w) => w.at > exportStarted && w.at < exportEnded), "writes acknowledged while the export ran").toBe(true);

    const entries = await untar(archive);
    expect([...entries.keys()]).toEqual(["manifest.json", ...SERVICES.map((s) => `${s}.db`)]);
    const manifest = JSON.parse(entries.get("manifest.json")?.toString() ?? "{}") as Json;
    expect(manifest).toMatchObject({ format: "agileboard-tenant-archive", format_version: 1, tenant_id: "acme", absent: [] });
    const dir = join(system.dataDir, "archive-check");
    mkdirSync(dir, { recursive: true });
    for (const file of manifest["files"] as Json[]) {
      const bytes = entries.get(file["file"]) as Buffer;
      expect(bytes.length).toBe(file["size_bytes"]);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(file["sha256"]);
      expect(file["schema_version"]).toBe(file["migrations"].at(-1));
      writeFileSync(join(dir, file["file"]), bytes);
      const rows = dump(join(dir, file["file"]));
      expect(Object.fromEntries(Object.entries(rows).map(([t, r]) => [t, r.length]))).toEqual(file["row_counts"]);
    }
    // Each file is a consistent snapshot: every item in it has its audit row, and every change before the export is in.
    const rowsOf = (table: string) => (dump(join(dir, "workitems.db"))[table] as string[]).map((r) => JSON.parse(r) as Json);
    const items = rowsOf("work_items");
    const created = new Set(rowsOf("activity_log").filter((a) => a["action"] === "created" && a["entity_type"] === "work_item").map((a) => a["entity_id"]));
    expect(items.every((i) => created.has(i["id"]))).toBe(true);
    for (const w of acknowledged.filter((x) => x.at < exportStarted)) expect(items.find((i) => i["id"] === w.id)?.["title"]).toBe(w.title);

    // Into an empty tenant through the HTTP route, as that tenant's admin.
    const betaToken = await system.auth.token({ tenantId: "beta", userId: "bea", roles: ["admin"] });
    const imported = await http("/api/v1/tenant/import", betaToken, { method: "POST", headers: { "content-type": "application/x-tar" }, body: archive });
    expect(imported.status).toBe(200);
    const report = (await imported.json()) as Json;
    expect(report["services"].map((s: Json) => s["service"])).toEqual(SERVICES);
    for (const service of SERVICES) {
      const restored = dump(join(system.dataDir, "tenants", "beta", `${service}.db`), ["outbox"]);
      const original = dump(join(dir, `${service}.db`), ["outbox"]);
      expect(restored, service).toEqual(original);
      expect((restored["activity_log"] as unknown[]).length, `${service} activity`).toBe((original["activity_log"] as unknown[]).length);
    }
    expect(dump(join(system.dataDir, "tenants", "beta", "workitems.db"))["outbox"]).toEqual([]);

    // The imported tenant serves reads: the same context, history and all.
    const context = (await (await http(`/api/v1/projects/${seed.project.key}/context?max_items=500`, betaToken)).json()) as Json;
    expect(context["project"]["id"]).toBe(seed.project.id);
    expect(context["items"]["count"]).toBe(items.length);
    const history = (await (await http(`/api/v1/items/${seed.project.key}-2`, betaToken)).json()) as Json;
    expect(history["history"].map((h: Json) => h["field_name"])).toEqual(["assignee_id", ""]);

    // A tenant with data is refused, and keeps its data.
    const again = await http("/api/v1/tenant/import", betaToken, { method: "POST", headers: { "content-type": "application/x-tar" }, body: archive });
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json)["detail"]).toMatch(/tenant 'beta' is not empty/);
  });

  it("refuses a damaged archive before anything is installed, and refuses callers who are not tenant admins", async () => {
    const archive = Buffer.from(await (await http("/api/v1/tenant/export", adminToken)).arrayBuffer());
    const damaged = Buffer.from(archive);
    damaged[damaged.length - 2048] = (damaged[damaged.length - 2048] ?? 0) ^ 0xff;
    const deltaToken = await system.auth.token({ tenantId: "delta", userId: "dee", roles: ["admin"] });
    const refused = await http("/api/v1/tenant/import", deltaToken, { method: "POST", headers: { "content-type": "application/x-tar" }, body: damaged });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as Json)["detail"]).toMatch(/does not match its checksum/);
    const deltaFile = join(system.dataDir, "tenants", "delta", "tenancy.db");
    expect(existsSync(deltaFile) ? dump(deltaFile)["projects"] : []).toEqual([]);

    const member = await system.auth.token({ userId: "victor" });
    expect((await http("/api/v1/tenant/export", member)).status).toBe(403);
    expect((await http("/api/v1/tenant/import", member, { method: "POST", headers: { "content-type": "application/x-tar" }, body: archive })).status).toBe(403);
    const garbage = await http("/api/v1/tenant/import", deltaToken, { method: "POST", headers: { "content-type": "application/x-tar" }, body: Buffer.from("not a tar at all") });
    expect(garbage.status).toBe(400);
  });

  it("exports and imports with npm run tenant, as the operator and as a tenant admin through the gateway", async () => {
    const file = join(system.dataDir, "acme.tar");
    const exported = await runCli(["export", "acme", file], cliEnv);
    expect(exported.stderr, exported.stdout).toBe("");
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^exported tenant acme to .*acme\.tar \(\d+ bytes: tenancy \d+ rows, workitems \d+ rows, sprints \d+ rows, webhooks \d+ rows\)/);
    const manifest = JSON.parse((await untar(readFileSync(file))).get("manifest.json")?.toString() ?? "{}") as Json;
    expect(manifest["tenant_id"]).toBe("acme");

    const imported = await runCli(["import", file, "gamma"], cliEnv);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported .* into tenant gamma/);
    const gammaToken = await system.auth.token({ tenantId: "gamma", userId: "gus", roles: ["admin"] });
    expect((await http(`/api/v1/items/${seed.project.key}-1`, gammaToken)).status).toBe(200);

    const epsilonToken = await system.auth.token({ tenantId: "epsilon", userId: "eve", roles: ["admin"] });
    const viaGateway = await runCli(["import", file, "epsilon", "--url", system.url], { AGILEBOARD_TOKEN: epsilonToken });
    expect(viaGateway.code).toBe(0);
    const wrongTenant = await runCli(["export", "acme", join(system.dataDir, "x.tar"), "--url", system.url, "--token", epsilonToken], {});
    expect(wrongTenant.code).toBe(2);
    expect(wrongTenant.stderr).toMatch(/the token is for tenant 'epsilon', not 'acme'/);
    const refused = await runCli(["import", file, "gamma"], cliEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/import refused: tenant 'gamma' is not empty/);
  });
});
