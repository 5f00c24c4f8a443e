import type { RunningService } from "@agileboard/kit";
import { ErrorCode, ProjectRole, WebhookDeliveryStatus, type Event } from "@agileboard/proto";
import { addMember, createProject, createWorkItem, startTestSystem, startWebhookReceiver, subscribe, TestClient, updateWorkItem, waitFor, type TestSystem, type WebhookReceiver } from "@agileboard/testkit";
import { loadWebhooksConfig, startWebhooks, verifySignature } from "@agileboard/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SECRET = "whsec-0123456789abcdef";

/** The requests a receiver answered with 2xx, one per delivery id (first answer), in arrival order. */
function delivered(receiver: WebhookReceiver, projectId: string): { delivery: string; event: string; body: { event: { eventId: string; sequence: string } } }[] {
  const seen = new Set<string>();
  const out = [];
  for (const r of receiver.received) {
    const body = JSON.parse(r.body) as { projectId: string; event: { eventId: string; sequence: string } };
    const delivery = String(r.headers["x-agileboard-delivery"]);
    if (body.projectId !== projectId || r.status >= 300 || seen.has(delivery)) continue;
    seen.add(delivery);
    out.push({ delivery, event: String(r.headers["x-agileboard-event"]), body });
  }
  return out;
}

describe("webhooks through the gateway", () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let webhooksService: RunningService | undefined;
  const clients: TestClient[] = [];
  const connect = async (userId: string, url = system.url) => {
    const client = await TestClient.connect(url, await system.auth.token({ userId }));
    clients.push(client);
    return client;
  };
  const createWebhook = (client: TestClient, projectId: string, url: string, events: string[] = []) =>
    client.expect("webhook", { $case: "createWebhook", value: { projectId, url, events, secret: SECRET } });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    system = await startTestSystem({
      bus: "nats",
      env: { WEBHOOK_ALLOWED_HOSTS: receiver.hostPort, WEBHOOK_RETRY_MIN_DELAY_MS: "50", WEBHOOK_RETRY_MAX_DELAY_MS: "300", WEBHOOK_POLL_INTERVAL_MS: "500" },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await webhooksService?.stop();
    await system?.stop();
    await receiver?.close();
  });

  it("registers an endpoint with create_webhook and delivers work item events, signed, as proto3 JSON", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const hook = await createWebhook(alice, project.id, receiver.url, ["work_item_created", "work_item_updated"]);
    expect(hook).toMatchObject({ projectId: project.id, url: receiver.url, events: ["work_item_created", "work_item_updated"], active: true });
    const item = await createWorkItem(alice, project.id, { title: "Hook me" });
    await updateWorkItem(alice, item, { title: "Hooked" });
    await alice.expect("comment", { $case: "addComment", value: { workItemId: item.id, body: "not asked for" } });
    await waitFor(() => delivered(receiver, project.id).length === 2, 10_000, "two deliveries");

    const got = receiver.received.filter((r) => (JSON.parse(r.body) as { projectId: string }).projectId === project.id);
    expect(got.map((r) => r.headers["x-agileboard-event"])).toEqual(["work_item_created", "work_item_updated"]);
    for (const r of got) expect(verifySignature(SECRET, String(r.headers["x-agileboard-signature"]), r.body, Date.now())).toBe(true);
    const body = JSON.parse(got[1]?.body ?? "{}") as Record<string, unknown>;
    expect(body).toMatchObject({
      tenantId: "acme",
      projectId: project.id,
      event: { projectId: project.id, actorUserId: "alice", workItemUpdated: { id: item.id, title: "Hooked", version: "2", status: "WORK_ITEM_STATUS_BACKLOG" }, changes: [{ field: "title", oldValue: "Hook me", newValue: "Hooked" }] },
    });

    const log = await alice.expect("webhookDeliveryList", { $case: "listWebhookDeliveries", value: { webhookId: hook.id, pageSize: 0, pageToken: "" } });
    expect(log.deliveries.map((d) => [d.eventType, d.status])).toEqual([
      ["work_item_updated", WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED],
      ["work_item_created", WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_DELIVERED],
    ]);
    const test = await alice.expect("webhookDeliveryList", { $case: "testWebhook", value: { webhookId: hook.id } });
    await waitFor(() => receiver.received.some((r) => r.headers["x-agileboard-delivery"] === test.deliveries[0]?.id), 5_000, "the test event");
  });

  it("lets only project admins manage webhooks, and refuses private addresses with a violation on url", async () => {
    const alice = await connect("alice");
    const eddie = await connect("eddie");
    const project = await createProject(alice);
    await addMember(alice, project.id, "eddie", ProjectRole.PROJECT_ROLE_EDITOR);
    const denied = await eddie.expectError({ $case: "createWebhook", value: { projectId: project.id, url: receiver.url, events: [], secret: SECRET } });
    expect(denied.code).toBe(ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    const listDenied = await eddie.expectError({ $case: "listWebhooks", value: { projectId: project.id, pageSize: 0, pageToken: "" } });
    expect(listDenied.code).toBe(ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    for (const url of ["http://10.0.0.7/hook", "http://127.0.0.1:9/hook", "http://[::1]/hook", "http://169.254.169.254/"]) {
      const refused = await alice.expectError({ $case: "createWebhook", value: { projectId: project.id, url, events: [], secret: SECRET } });
      expect(refused.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
      expect(refused.violations[0]).toMatchObject({ field: "url" });
      expect(refused.violations[0]?.description).toMatch(/loopback, private or reserved.*WEBHOOK_ALLOWED_HOSTS/);
    }
  });

  it("loses nothing and keeps the order across a receiver outage, a webhooks service restart and a gateway restart", async () => {
    const watcher = await connect("alice");
    const extra = await system.addGateway({ GATEWAY_ID: "gw-hooks-1" });
    const writer = await connect("alice", extra.url);
    const project = await createProject(writer);
    await subscribe(watcher, project.id);
    await createWebhook(writer, project.id, receiver.url);
    receiver.answer(503);
    const item = await createWorkItem(writer, project.id, { title: "v0" });
    let current = item;
    for (let i = 1; i <= 3; i++) current = await updateWorkItem(writer, current, { title: `v${i}` });
    // Deliveries are being retried against the outage.
    await waitFor(() => receiver.received.filter((r) => r.status === 503 && r.body.includes(project.id)).length >= 2, 10_000, "failed attempts");

    // The gateway the changes came through goes away; more changes come through another one.
    await extra.stop();
    const writer2 = await connect("alice", (await system.addGateway({ GATEWAY_ID: "gw-hooks-2" })).url);
    for (let i = 4; i <= 5; i++) current = await updateWorkItem(writer2, current, { title: `v${i}` });

    // The webhooks service restarts on its port while the receiver is still down.
    const old = system.embedded.services.webhooks;
    await old.stop();
    const tenancyAddr = `127.0.0.1:${system.embedded.services.tenancy.port}`;
    webhooksService = await startWebhooks(
      loadWebhooksConfig({ ...system.env, HOST: "127.0.0.1", PORT: String(old.port), TENANCY_ADDRS: tenancyAddr, WEBHOOK_ALLOWED_HOSTS: receiver.hostPort, WEBHOOK_RETRY_MIN_DELAY_MS: "50", WEBHOOK_RETRY_MAX_DELAY_MS: "300", WEBHOOK_POLL_INTERVAL_MS: "500" }),
    );
    current = await updateWorkItem(writer2, current, { title: "v6" });
    receiver.answer(200);

    const events = await watcher.waitForEvents(7, 10_000);
    const expected = events.filter((e: Event) => e.projectId === project.id).map((e) => e.eventId);
    expect(expected).toHaveLength(7);
    await waitFor(() => delivered(receiver, project.id).length === 7, 20_000, "every event delivered");
    const got = delivered(receiver, project.id);
    expect(got.map((d) => d.body.event.eventId)).toEqual(expected);
    const sequences = got.map((d) => Number(d.body.event.sequence));
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(got.map((d) => d.event)).toEqual(["work_item_created", ...Array(6).fill("work_item_updated")]);
    // Each event kept one delivery id across its retries and the restart.
    const attemptsPerEvent = new Map<string, Set<string>>();
    for (const r of receiver.received.filter((x) => x.body.includes(project.id))) {
      const id = (JSON.parse(r.body) as { event: { eventId: string } }).event.eventId;
      attemptsPerEvent.set(id, (attemptsPerEvent.get(id) ?? new Set()).add(String(r.headers["x-agileboard-delivery"])));
    }
    expect([...attemptsPerEvent.values()].every((ids) => ids.size === 1)).toBe(true);
  });
});
