import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Client } from "@grpc/grpc-js";
import { InvalidArgumentError, NotFoundError, PermissionDeniedError, type RunningService } from "@agileboard/kit";
import { ProjectRole, TenancyServiceService, WebhookDeliveryStatus, WebhooksServiceService, type Project, type Webhook } from "@agileboard/proto";
import { loadTenancyConfig, startTenancy } from "@agileboard/tenancy";
import { grpcCall, grpcClient, identity, internalAuthEnv, startTestNats, startWebhookReceiver, tempDir, waitFor, type WebhookReceiver } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookSender } from "../src/delivery/http-sender.js";
import { loadWebhooksConfig, startWebhooks } from "../src/index.js";

const SECRET = "a-secret-of-some-length";

/** The body's signature as a receiver checks it: HMAC-SHA256 of "<t>.<body>". */
function signatureValid(header: string | string[] | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
  return Boolean(m) && createHmac("sha256", SECRET).update(`${m?.[1]}.${body}`).digest("hex") === m?.[2];
}

describe("webhooks service", () => {
  const dir = tempDir();
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  const services: RunningService[] = [];
  let tenancy: Client;
  let webhooks: Client;
  let receiver: WebhookReceiver;
  let failing: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    failing = await startWebhookReceiver();
    failing.answer(500);
    nats = await startTestNats();
    const env = { DATA_DIR: dir.path, HOST: "127.0.0.1", PORT: "0", NATS_URL: nats.url, LOG_LEVEL: "silent", ...internalAuthEnv() };
    const t = await startTenancy(loadTenancyConfig(env));
    const w = await startWebhooks(
      loadWebhooksConfig({
        ...env,
        TENANCY_ADDRS: `127.0.0.1:${t.port}`,
        WEBHOOK_ALLOWED_HOSTS: `${receiver.hostPort},${failing.hostPort}`,
        WEBHOOK_RETRY_MIN_DELAY_MS: "50",
        WEBHOOK_RETRY_MAX_DELAY_MS: "200",
        WEBHOOK_RETRY_WINDOW_MS: "1500",
        WEBHOOK_POLL_INTERVAL_MS: "500",
      }),
    );
    services.push(w, t);
    tenancy = grpcClient(`127.0.0.1:${t.port}`);
    webhooks = grpcClient(`127.0.0.1:${w.port}`);
  });
  afterAll(async () => {
    for (const c of [tenancy, webhooks]) c?.close();
    for (const s of services) await s.stop();
    await nats?.stop();
    nats?.cleanup();
    await receiver?.close();
    await failing?.close();
    dir.remove();
  });

  let keys = 0;
  const newProject = (): Promise<Project> => grpcCall(tenancy, TenancyServiceService.createProject, { key: `WH${++keys}`, name: "Hooks", description: "" }, identity({ audience: "webhooks" }));
  const create = (projectId: string, url: string, events: string[] = [], who = identity({ audience: "webhooks" })): Promise<Webhook> =>
    grpcCall(webhooks, WebhooksServiceService.createWebhook, { projectId, url, events, secret: SECRET }, who);
  /** A project event: renaming the project (project_updated). */
  const rename = async (project: Project, name: string) => {
    const list = await grpcCall(tenancy, TenancyServiceService.listProjects, { includeArchived: false, pageSize: 0, pageToken: "" }, identity());
    const current = list.projects.find((p) => p.id === project.id) as Project;
    await grpcCall(tenancy, TenancyServiceService.updateProject, { projectId: project.id, expectedVersion: current.version, name }, identity());
  };
  const bodiesFor = (r: WebhookReceiver, projectId: string) =>
    r.received.filter((x) => (JSON.parse(x.body) as { projectId: string }).projectId === projectId);

  it("lets a project admin register, list, update and delete an endpoint, and refuses editors and strangers", async () => {
    const project = await newProject();
    const hook = await create(project.id, receiver.url, ["project_updated"]);
    expect(hook).toMatchObject({ url: receiver.url, events: ["project_updated"], active: true, version: 1, secretHint: SECRET.slice(-4) });
    expect(JSON.stringify(hook)).not.toContain(SECRET);
    await grpcCall(tenancy, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "eddie", role: ProjectRole.PROJECT_ROLE_EDITOR }, identity());
    await expect(create(project.id, receiver.url, [], identity({ userId: "eddie", audience: "webhooks" }))).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(grpcCall(webhooks, WebhooksServiceService.listWebhooks, { projectId: project.id, pageSize: 0, pageToken: "" }, identity({ userId: "stranger", audience: "webhooks" }))).rejects.toBeInstanceOf(NotFoundError);

    const paused = await grpcCall(webhooks, WebhooksServiceService.updateWebhook, { webhookId: hook.id, expectedVersion: 1, active: false, events: { events: [] } }, identity({ audience: "webhooks" }));
    expect(paused).toMatchObject({ active: false, events: [], version: 2 });
    const list = await grpcCall(webhooks, WebhooksServiceService.listWebhooks, { projectId: project.id, pageSize: 0, pageToken: "" }, identity({ audience: "webhooks" }));
    expect(list.webhooks.map((w) => w.id)).toEqual([hook.id]);
    await grpcCall(webhooks, WebhooksServiceService.deleteWebhook, { webhookId: hook.id, expectedVersion: 2 }, identity({ audience: "webhooks" }));
    const after = await grpcCall(webhooks, WebhooksServiceService.listWebhooks, { projectId: project.id, pageSize: 0, pageToken: "" }, identity({ audience: "webhooks" }));
    expect(after.webhooks).toEqual([]);
  });

  it.each([
    ["a loopback address", "http://127.0.0.1:1/hook", /loopback, private or reserved/],
    ["a private address", "http://10.1.2.3/hook", /loopback, private or reserved/],
    ["cloud metadata", "http://169.254.169.254/latest/meta-data", /loopback, private or reserved/],
    ["IPv6 loopback", "http://[::1]:8080/hook", /loopback, private or reserved/],
    ["a name for loopback", "http://localhost:9/hook", /loopback, private or reserved/],
    ["an unknown event", "https://hooks.example.com/x", /'item_moved' is not an event name/],
  ])("refuses an endpoint at %s with INVALID_ARGUMENT on url", async (_what, url, message) => {
    const project = await newProject();
    const err = await create(project.id, url, url.includes("example") ? ["item_moved"] : []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).violations[0]?.description).toMatch(message);
  });

  it("delivers the project's events in order, signed, with the event and delivery headers, and only the events asked for", async () => {
    const project = await newProject();
    const all = await create(project.id, receiver.url);
    await create(project.id, receiver.url, ["member_added"]);
    for (const name of ["one", "two", "three"]) await rename(project, name);
    await grpcCall(tenancy, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "vera", role: ProjectRole.PROJECT_ROLE_VIEWER }, identity());
    await waitFor(() => bodiesFor(receiver, project.id).length === 5, 10_000, "5 deliveries");

    const got = bodiesFor(receiver, project.id);
    const events = got.map((r) => r.headers["x-agileboard-event"]);
    expect(events.filter((e) => e === "project_updated")).toHaveLength(3);
    expect(events.filter((e) => e === "member_added")).toHaveLength(2);
    for (const r of got) {
      expect(signatureValid(r.headers["x-agileboard-signature"], r.body)).toBe(true);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["x-agileboard-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    }
    const names = got
      .filter((r) => r.headers["x-agileboard-event"] === "project_updated")
      .map((r) => (JSON.parse(r.body) as { event: { projectUpdated: { name: string } } }).event.projectUpdated.name);
    expect(names).toEqual(["one", "two", "three"]);
    const body = JSON.parse(got[0]?.body ?? "{}") as { tenantId: string; projectId: string; event: { sequence: string; eventId: string } };
    expect(body).toMatchObject({ tenantId: "acme", projectId: project.id });
    expect(body.event.sequence).toMatch(/^[1-9]\d*$/);

    const log = await grpcCall(webhooks, WebhooksServiceService.listWebhookDeliveries, { webhookId: all.id, pageSize: 0, pageToken: "" }, identity({ audience: "webhooks" }));
    expect(log.deliveries.map((d) => d.status)).toEqual(Array(4).fill(WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED));
    expect(log.deliveries.map((d) => d.eventType)).toEqual(["member_added", "project_updated", "project_updated", "project_updated"]);
    expect(log.deliveries.every((d) => d.attempts === 1 && d.lastStatusCode === 200)).toBe(true);
  });

  it("sends a test event at once, beside a line held up by a failing event, and records its outcome", async () => {
    const project = await newProject();
    const hook = await create(project.id, failing.url);
    await rename(project, "held");
    const list = () => grpcCall(webhooks, WebhooksServiceService.listWebhookDeliveries, { webhookId: hook.id, pageSize: 0, pageToken: "" }, identity({ audience: "webhooks" }));
    await waitFor(async () => (await list()).deliveries.some((d) => d.attempts >= 2), 5_000, "retries of the failing event");
    const queued = await grpcCall(webhooks, WebhooksServiceService.testWebhook, { webhookId: hook.id }, identity({ audience: "webhooks" }));
    expect(queued.deliveries[0]).toMatchObject({ eventType: "webhook_test", status: WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_PENDING, eventSequence: 0 });
    await waitFor(() => failing.received.some((r) => r.headers["x-agileboard-delivery"] === queued.deliveries[0]?.id), 5_000, "the test delivery");
    const test = failing.received.find((r) => r.headers["x-agileboard-delivery"] === queued.deliveries[0]?.id);
    expect(test?.headers["x-agileboard-event"]).toBe("webhook_test");
    expect(JSON.parse(test?.body ?? "{}")).toMatchObject({ test: true, webhookId: hook.id, tenantId: "acme" });
    const row = (await list()).deliveries.find((d) => d.eventType === "project_updated");
    expect(row).toMatchObject({ lastStatusCode: 500, lastError: "HTTP 500: receiver says 500" });
    expect(row?.attempts).toBeGreaterThanOrEqual(2);
  });

  it("gives an event up after the retry window, marks it failed, and goes on with the next one", async () => {
    const project = await newProject();
    const hook = await create(project.id, failing.url);
    await rename(project, "first");
    await rename(project, "second");
    const list = () => grpcCall(webhooks, WebhooksServiceService.listWebhookDeliveries, { webhookId: hook.id, pageSize: 0, pageToken: "" }, identity({ audience: "webhooks" }));
    await waitFor(async () => (await list()).deliveries.filter((d) => d.status === WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_FAILED).length === 2, 10_000, "both given up");
    const [second, first] = (await list()).deliveries;
    expect(first?.eventSequence).toBeLessThan(second?.eventSequence ?? 0);
    expect(first?.attempts).toBeGreaterThan(2);
    expect((second?.lastAttemptAtMs ?? 0) >= (first?.lastAttemptAtMs ?? 0)).toBe(true);
  });
});

describe("WebhookSender", () => {
  it("refuses a name that resolves to loopback at connect time, and private IP literals without connecting", async () => {
    const target = await startWebhookReceiver();
    const sender = new WebhookSender({ timeoutMs: 2_000, allowedHosts: [] });
    try {
      const port = target.hostPort.split(":")[1];
      const byName = await sender.send(`http://localhost:${port}/hook`, "{}", {});
      expect(byName).toMatchObject({ ok: false, statusCode: 0 });
      expect(byName.error).toMatch(/^refused: localhost resolves to .*(127\.0\.0\.1|::1)/);
      for (const url of [`http://127.0.0.1:${port}/`, "http://10.0.0.1/", "http://[::ffff:127.0.0.1]:80/", "http://169.254.169.254/"]) {
        expect((await sender.send(url, "{}", {})).error).toMatch(/^refused: /);
      }
      expect(target.received).toEqual([]);
    } finally {
      await sender.close();
      await target.close();
    }
  });

  it("delivers to an allow-listed endpoint, does not follow redirects, and reads at most 64 KiB of an answer", async () => {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      if (req.url === "/redirect") res.writeHead(307, { location: "http://169.254.169.254/" }).end();
      else if (req.url === "/huge") {
        res.writeHead(500);
        const chunk = Buffer.alloc(64 * 1024, 120);
        let sent = 0;
        const pump = () => {
          while (sent < 1000 && res.write(chunk)) sent++;
          if (sent < 1000) res.once("drain", pump);
          else res.end();
        };
        pump();
      } else res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sender = new WebhookSender({ timeoutMs: 5_000, allowedHosts: [hostPort] });
    try {
      expect(await sender.send(`http://${hostPort}/ok`, "{}", {})).toEqual({ ok: true, statusCode: 204, error: "" });
      expect(await sender.send(`http://${hostPort}/redirect`, "{}", {})).toMatchObject({ ok: false, statusCode: 307, error: "HTTP 307 (redirects are not followed)" });
      const huge = await sender.send(`http://${hostPort}/huge`, "{}", {});
      expect(huge).toMatchObject({ ok: false, statusCode: 500 });
      expect(huge.error.length).toBeLessThan(300);
      expect(hits).toBe(3);
    } finally {
      await sender.close();
      server.closeAllConnections();
      server.close();
    }
  });

  it("gives up on an endpoint that does not answer within the timeout", async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sender = new WebhookSender({ timeoutMs: 300, allowedHosts: [hostPort] });
    try {
      expect(await sender.send(`http://${hostPort}/`, "{}", {})).toMatchObject({ ok: false, statusCode: 0, error: "timed out after 300 ms" });
    } finally {
      await sender.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
