import { readdirSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Metadata } from "@grpc/grpc-js";
import { createLogger, ReplicaRouter, UnauthenticatedError, type UnaryMethod } from "@agileboard/kit";
import { ErrorCode, ListProjectsRequest, ListSprintsRequest, ListWorkItemsRequest, ProjectRole, SprintsServiceService, TenancyServiceService, WorkItemsServiceService, type WorkItem } from "@agileboard/proto";
import { addMember, createProject, createWorkItem, grpcCall, grpcClient, listAllItems, startWebhookReceiver, subscribe, TestClient, waitFor, ForeignSigner, type WebhookReceiver } from "@agileboard/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { buildDerivedImage, imageOf, Topology } from "../src/index.js";
import { connectWhenUp, newItem, outcome, report, tenantCalls } from "./helpers.js";

const TAG = process.env["AGILEBOARD_IMAGE_TAG"] ?? "test";
const LEASE_TTL_MS = 3_000;

describe("the container topology: NATS, tenancy, sprints, webhooks, two workitems replicas, two gateways", () => {
  let topology: Topology;
  let receiver: WebhookReceiver;
  const clients: TestClient[] = [];
  const connect = async (gateway: string, userId: string, tenantId = "acme") => {
    const client = await connectWhenUp(topology.url(gateway), await topology.auth.token({ userId, tenantId }));
    clients.push(client);
    return client;
  };
  const items = async (client: TestClient, projectId: string) =>
    (await client.expect("workItemList", { $case: "listWorkItems", value: listAllItems(projectId, { pageSize: 500 }) })).items;

  const dumpLogsOnFailure = () =>
    onTestFailed(() => {
      for (const node of topology.nodes.values()) process.stdout.write(`\n--- ${node.name}\n${node.logs.join("").split("\n").slice(-25).join("\n")}\n`);
    });

  beforeEach(() => dumpLogsOnFailure());

  beforeAll(async () => {
    // A webhook receiver on the host; the containers share the host's network and may call it (allow-listed).
    receiver = await startWebhookReceiver();
    topology = await Topology.start({
      tag: TAG,
      env: { LEASE_TTL_MS: String(LEASE_TTL_MS), PRESENCE_HEARTBEAT_MS: "1000", LOG_LEVEL: process.env["INTEGRATION_LOG_LEVEL"] ?? "info", WEBHOOK_ALLOWED_HOSTS: receiver.hostPort },
    });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await topology?.stop();
    await receiver?.close();
  });

  it("delivers an event produced through gateway A to a subscriber on gateway B", async () => {
    const alice = await connect("gateway-a", "alice");
    const bob = await connect("gateway-b", "bob");
    const project = await createProject(alice);
    await addMember(alice, project.id, "bob", ProjectRole.PROJECT_ROLE_VIEWER);
    await subscribe(bob, project.id);
    const started = Date.now();
    const item = await createWorkItem(alice, project.id, { title: "across replicas" });
    const event = await bob.waitForEvent((e) => e.change?.$case === "workItemCreated");
    expect((event.change?.value as WorkItem).id).toBe(item.id);
    report("A → B", { delivered_after_ms: Date.now() - started });
  });

  it("delivers a project's events from the webhooks container to a receiver, signed, and serves the REST API from a gateway image", async () => {
    const alice = await connect("gateway-a", "alice");
    const project = await createProject(alice);
    const started = Date.now();
    await alice.expect("webhook", { $case: "createWebhook", value: { projectId: project.id, url: receiver.url, events: [], secret: "a-container-secret" } });
    const item = await createWorkItem(alice, project.id, { title: "hooked in a container" });
    await waitFor(() => receiver.received.some((r) => r.body.includes(item.id)), 15_000, "the delivery");
    const delivery = receiver.received.find((r) => r.body.includes(item.id));
    expect(delivery?.headers["x-agileboard-event"]).toBe("work_item_created");
    expect(String(delivery?.headers["x-agileboard-signature"])).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const token = await topology.auth.token({ userId: "alice" });
    const rest = await fetch(`${topology.url("gateway-b")}/api/v1/items/${project.key}-1`, { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(200);
    expect(((await rest.json()) as { item: { title: string } }).item.title).toBe("hooked in a container");
    report("webhook", { delivered_after_ms: Date.now() - started });
  });

  it("carries Unicode identities signed between containers, and refuses forged or unsigned identity at every service", async () => {
    const jose = await connect("gateway-a", "josé", "unicode");
    const yuki = await connect("gateway-b", "ユーザー", "unicode");
    const project = await createProject(jose);
    await addMember(jose, project.id, "ユーザー", ProjectRole.PROJECT_ROLE_EDITOR);
    await subscribe(jose, project.id);
    await createWorkItem(yuki, project.id, { title: "from B" });
    const event = await jose.waitForEvent((e) => e.change?.$case === "workItemCreated");
    expect(event.actorUserId).toBe("ユーザー");

    const forger = await ForeignSigner.foreign();
    const refusals: Record<string, string> = {};
    for (const node of ["tenancy", "sprints", "workitems-1", "workitems-2"]) {
      const client = grpcClient(topology.node(node).address);
      const [method, request] =
        node === "tenancy"
          ? [TenancyServiceService.listProjects, ListProjectsRequest.fromPartial({})]
          : node === "sprints"
            ? [SprintsServiceService.listSprints, ListSprintsRequest.fromPartial({ projectId: project.id })]
            : [WorkItemsServiceService.listWorkItems, ListWorkItemsRequest.fromPartial({ projectId: project.id })];
      const headers = new Metadata();
      headers.set("x-agileboard-tenant", "unicode");
      headers.set("x-agileboard-user", "mallory");
      headers.set("x-agileboard-roles", JSON.stringify(["admin"]));
      for (const [what, md] of [["unsigned headers", headers], ["a token from another key", await forger.metadata("unicode", "mallory")]] as const) {
        const err = await grpcCall(client, method as UnaryMethod<typeof request, unknown>, request, md).catch((e: unknown) => e);
        expect(err, `${node}: ${what}`).toBeInstanceOf(UnauthenticatedError);
        refusals[`${node} (${what})`] = (err as Error).message;
      }
      client.close();
    }
    report("signed identity", { unicode_actor: event.actorUserId, refused: Object.keys(refusals).length });
  });

  it("writes each tenant's data through one workitems replica (tenant affinity, from the replicas' metrics)", async () => {
    const tenants = Array.from({ length: 8 }, (_, i) => `affinity-${i}`);
    for (const tenant of tenants) {
      const a = await connect("gateway-a", "alice", tenant);
      const b = await connect("gateway-b", "alice", tenant);
      const project = await createProject(a);
      for (let i = 0; i < 3; i++) {
        await createWorkItem(a, project.id, { title: `a${i}` });
        await createWorkItem(b, project.id, { title: `b${i}` });
      }
    }
    const [one, two] = await Promise.all(["workitems-1", "workitems-2"].map((n) => tenantCalls(topology.node(n).metricsPort)));
    let onOne = 0;
    for (const tenant of tenants) {
      const served = [one?.get(tenant) ?? 0, two?.get(tenant) ?? 0];
      expect(served.filter((n) => n > 0), `${tenant} served by ${served.join(" and ")}`).toHaveLength(1);
      expect((served[0] ?? 0) + (served[1] ?? 0)).toBe(6);
      if ((served[0] ?? 0) > 0) onOne++;
    }
    report("tenant affinity", { tenants: tenants.length, on_replica_1: onOne, on_replica_2: tenants.length - onOne, split_tenants: 0 });
  });

  it("never lets two replicas write one tenant's file: the non-owner refuses, the call goes to the owner; the owner's death hands it over", async () => {
    const [w1, w2] = topology.workitemsAddresses as [string, string];
    const order = new ReplicaRouter({ service: "workitems", addresses: [w1, w2], deadlineMs: 1_000, logger: createLogger({ service: "t", level: "silent" }), healthIntervalMs: 0 });
    // A tenant whose preferred replica (as the gateways rank them) is workitems-2 …
    const tenant = Array.from({ length: 100 }, (_, i) => `owner-${i}`).find((t) => order.orderFor(t)[0] === w2) ?? "";
    order.close();
    // … made to be owned by workitems-1 through a gateway that believes only workitems-1 is alive.
    const onlyOne = await topology.addGateway("gateway-only-1", { WORKITEMS_ADDRS: w1, GATEWAY_ID: "gw-only-1" });
    const onlyTwo = await topology.addGateway("gateway-only-2", { WORKITEMS_ADDRS: w2, GATEWAY_ID: "gw-only-2" });
    const viaOne = await connect(onlyOne.name, "alice", tenant);
    const project = await createProject(viaOne);
    await createWorkItem(viaOne, project.id, { title: "owned by replica 1" });

    // A gateway that knows both tries workitems-2 first, is told the owner, and lands there.
    const reroutes = async () => {
      const text = await (await fetch(`${topology.url("gateway-a")}/metrics`)).text();
      return Number(/agileboard_rpc_failovers_total\{service="workitems",reason="owner"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const reroutesBefore = await reroutes();
    const viaBoth = await connect("gateway-a", "alice", tenant);
    await createWorkItem(viaBoth, project.id, { title: "re-routed" });
    const rerouted = (await reroutes()) - reroutesBefore;
    expect(rerouted).toBe(1);
    // A gateway that knows only workitems-2 cannot reach the owner: UNAVAILABLE, and nothing written.
    const viaTwo = await connect(onlyTwo.name, "alice", tenant);
    const refused = await viaTwo.request(newItem(project.id, "must not be written"));
    expect(outcome(refused)).toBe(String(ErrorCode.ERROR_CODE_UNAVAILABLE));
    const served = async (n: string) => (await tenantCalls(topology.node(n).metricsPort)).get(tenant) ?? 0;
    expect(await served("workitems-2")).toBe(0);
    expect(await served("workitems-1")).toBe(2);
    expect((await items(viaBoth, project.id)).map((i) => i.title).sort()).toEqual(["owned by replica 1", "re-routed"]);

    // The owner dies: once its lease expires, workitems-2 takes the tenant over.
    await topology.kill("workitems-1");
    const killedAt = Date.now();
    let takeoverMs = 0;
    await waitFor(
      async () => {
        const reply = await viaTwo.request(newItem(project.id, "after takeover"));
        takeoverMs = Date.now() - killedAt;
        return outcome(reply) === "ok";
      },
      20_000,
      "workitems-2 to take the tenant over",
    );
    expect(await served("workitems-2")).toBeGreaterThan(0);
    report("one writer per tenant", {
      rerouted_to_owner: rerouted,
      refused_by_non_owner: outcome(refused) === String(ErrorCode.ERROR_CODE_UNAVAILABLE) ? 1 : 0,
      non_owner_writes: await served("workitems-2") - 1,
      takeover_after_owner_death_ms: takeoverMs,
      lease_ttl_ms: LEASE_TTL_MS,
    });
    await topology.restart("workitems-1");
  });

  it("fails a killed workitems replica's tenants over within seconds, keeps every acknowledged write, and answers UNAVAILABLE meanwhile", async () => {
    const writer = await connect("gateway-a", "alice", "load");
    const project = await createProject(writer);
    await createWorkItem(writer, project.id, { title: "warm-up" });
    const owner = (await tenantCalls(topology.node("workitems-1").metricsPort)).get("load") ? "workitems-1" : "workitems-2";
    const acked: string[] = [];
    const outcomes = new Map<string, number>();
    let maxLatencyMs = 0;
    let killedAt = 0;
    let failoverMs = 0;
    let n = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (n === 20) {
        await topology.kill(owner);
        killedAt = Date.now();
      }
      const started = Date.now();
      const reply = await writer.request(newItem(project.id, `w${n++}`));
      maxLatencyMs = Math.max(maxLatencyMs, Date.now() - started);
      const result = outcome(reply);
      outcomes.set(result, (outcomes.get(result) ?? 0) + 1);
      if (result === "ok") {
        acked.push((reply.payload?.value as WorkItem).id);
        if (killedAt && !failoverMs) failoverMs = Date.now() - killedAt;
      } else {
        // A well-behaved client backs off on UNAVAILABLE (and stays under the rate limit).
        await new Promise((r) => setTimeout(r, 100));
      }
      if (failoverMs && acked.length >= 40) break;
    }
    expect(failoverMs).toBeGreaterThan(0);
    expect(failoverMs).toBeLessThan(15_000);
    // Every failure was a prompt UNAVAILABLE, never a hang past the gateway's deadline.
    expect([...outcomes.keys()].every((k) => k === "ok" || k === String(ErrorCode.ERROR_CODE_UNAVAILABLE))).toBe(true);
    expect(maxLatencyMs).toBeLessThan(12_000);
    const found = new Set((await items(writer, project.id)).map((i) => i.id));
    const lost = acked.filter((id) => !found.has(id));
    expect(lost).toEqual([]);
    report("replica killed under load", {
      killed: owner,
      failover_ms: failoverMs,
      writes_acknowledged: acked.length,
      acknowledged_found: acked.length - lost.length,
      unavailable_answers: outcomes.get(String(ErrorCode.ERROR_CODE_UNAVAILABLE)) ?? 0,
      slowest_answer_ms: maxLatencyMs,
    });
    await topology.restart(owner);
  });

  it("reconnects everything after NATS restarts, and subscribers resume with no missing event", async () => {
    const alice = await connect("gateway-a", "alice", "natsrestart");
    const live = await connect("gateway-b", "alice", "natsrestart");
    const project = await createProject(alice);
    await subscribe(live, project.id);
    for (let i = 0; i < 3; i++) await createWorkItem(alice, project.id, { title: `before ${i}` });
    const before = await live.waitForEvents(3);
    const resumeFrom = before[2]?.sequence ?? 0;
    const late = await connect("gateway-b", "alice", "natsrestart");
    late.close();

    await topology.terminate("nats", 5_000);
    await topology.restart("nats");
    await waitFor(async () => (await fetch(`${topology.url("gateway-a")}/readyz`)).status === 200 && (await fetch(`${topology.url("gateway-b")}/readyz`)).status === 200, 30_000, "the gateways to be ready again");
    const writtenAfter: string[] = [];
    for (let i = 0; i < 3; i++) {
      await waitFor(async () => outcome(await alice.request(newItem(project.id, `after ${i}`))) === "ok", 20_000, "writes to succeed again");
      writtenAfter.push(`after ${i}`);
    }
    await waitFor(() => live.events.filter((e) => e.change?.$case === "workItemCreated").length === 6, 20_000, "live events after the restart");
    const liveAfter = live.events.filter((e) => e.change?.$case === "workItemCreated").slice(3).map((e) => (e.change?.value as WorkItem).title);
    expect(liveAfter).toEqual(writtenAfter);
    const resumed = await connect("gateway-a", "alice", "natsrestart");
    const reply = await resumed.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: { [project.id]: resumeFrom } } });
    expect(reply.resyncProjectIds).toEqual([]);
    await resumed.waitForEvents(3, 10_000);
    const titles = resumed.events.map((e) => (e.change?.value as WorkItem).title);
    expect(titles).toEqual(writtenAfter);
    report("NATS restart", {
      live_events_after_restart: liveAfter.length,
      replayed_on_resume: titles.length,
      missing: writtenAfter.filter((t) => !titles.includes(t) || !liveAfter.includes(t)).length,
    });
  });

  it("drains a gateway on SIGTERM: clients get 1001, reconnect to the other gateway, resume, and miss nothing", async () => {
    const alice = await connect("gateway-b", "alice", "drain");
    const project = await createProject(alice);
    const watcher = await connect("gateway-a", "alice", "drain");
    await subscribe(watcher, project.id);
    await createWorkItem(alice, project.id, { title: "seen" });
    const [seen] = await watcher.waitForEvents(1);
    const closing = watcher.closed;
    const terminating = topology.terminate("gateway-a", 10_000);
    expect((await closing).code).toBe(1001);
    for (let i = 0; i < 4; i++) await createWorkItem(alice, project.id, { title: `missed ${i}` });
    await terminating;
    const again = await connect("gateway-b", "alice", "drain");
    const reply = await again.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: { [project.id]: seen?.sequence ?? 0 } } });
    expect(reply.resyncProjectIds).toEqual([]);
    const replayed = await again.waitForEvents(4);
    const missed = ["missed 0", "missed 1", "missed 2", "missed 3"];
    const replayedTitles = replayed.map((e) => (e.change?.value as WorkItem).title);
    expect(replayedTitles).toEqual(missed);
    report("gateway SIGTERM", { close_code: 1001, replayed_after_reconnect: replayed.length, missing: missed.filter((t) => !replayedTitles.includes(t)).length });
    await topology.restart("gateway-a");
  });

  it("applies a migration added by an upgrade to the existing tenant files", async () => {
    for (let i = 0; i < 6; i++) {
      const client = await connect("gateway-a", "alice", `upgrade-${i}`);
      await createWorkItem(client, (await createProject(client)).id, { title: "before the upgrade" });
    }
    const next = await buildDerivedImage(imageOf("workitems", TAG), `agileboard-workitems:${TAG}-next`, {
      "/app/migrations/workitems/9999_create_upgrade_probe.sql": "CREATE TABLE upgrade_probe (id INTEGER PRIMARY KEY);\n",
    });
    // The pre-upgrade hook: migrates what no running replica owns, leaves the rest to the new version.
    const hook = await topology.runOnce(next, ["dist/migrate.js"]);
    const counts = /"migrated":(\d+),"skipped":(\d+)/.exec(hook);
    expect(counts).not.toBeNull();
    // The rollout: each replica comes back on the new image and migrates the files it opens.
    for (const name of ["workitems-1", "workitems-2"]) {
      await topology.terminate(name);
      await topology.restart(name, next);
    }
    const tenants = readdirSync(join(topology.dataDir, "tenants"));
    for (const tenant of tenants) {
      const c = await connect("gateway-a", "alice", tenant);
      // Any call that opens the tenant's workitems file (listing a user's time entries does); retried, as a
      // client does, while the gateway notices the replicas are back.
      await waitFor(
        async () => outcome(await c.request({ $case: "listTimeEntries", value: { workItemId: "", userId: "nobody", pageSize: 0, pageToken: "" } })) === "ok",
        20_000,
        `tenant ${tenant} to be served by the new version`,
      );
    }
    // Check from the host once the replicas let go of their files (exclusive locking).
    for (const name of ["workitems-1", "workitems-2"]) await topology.terminate(name);
    let upgraded = 0;
    let files = 0;
    for (const tenant of tenants) {
      const path = join(topology.dataDir, "tenants", tenant, "workitems.db");
      let db: BetterSqlite3.Database;
      try {
        db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
      } catch {
        continue;
      }
      files++;
      const applied = db.prepare("SELECT COUNT(*) AS n FROM schema_migrations WHERE migration_id = 'workitems/9999_create_upgrade_probe.sql'").get() as { n: number };
      const table = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'upgrade_probe'").get() as { n: number };
      if (applied.n === 1 && table.n === 1) upgraded++;
      db.close();
    }
    expect(files).toBeGreaterThanOrEqual(6);
    expect(upgraded).toBe(files);
    report("migration in an upgrade", { tenant_files: files, migrated_by_hook: Number(counts?.[1]), left_to_owners: Number(counts?.[2]), at_new_schema: upgraded });
  });
});
