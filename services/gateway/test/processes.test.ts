import BetterSqlite3 from "better-sqlite3";
import { startNatsServer } from "@agileboard/kit";
import { ErrorCode, ProjectRole, WorkItemStatus, WorkItemType } from "@agileboard/proto";
import { loadGatewayConfig, startGateway, type RunningGateway } from "@agileboard/gateway";
import { loadSprintsConfig, startSprints } from "@agileboard/sprints";
import { loadTenancyConfig, startTenancy } from "@agileboard/tenancy";
import {
  addMember,
  createProject,
  createSprint,
  createWorkItem,
  freePort,
  listAllItems,
  settle,
  spawnEntry,
  startTestNats,
  startTestSystem,
  TestAuth,
  TestClient,
  tempDir,
  updateWorkItem,
  waitFor,
  type ChildService,
  type TestSystem, internalAuthEnv } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// These tests run the built entry points (dist/) as separate processes: `npm test` builds first.

describe("two gateway processes sharing one NATS", () => {
  let system: TestSystem;
  const gateways: ChildService[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    system = await startTestSystem();
    const { tenancy, workitems, sprints } = system.embedded.services;
    for (const id of ["gw-a", "gw-b"]) {
      const port = await freePort();
      gateways.push(
        await spawnEntry("services/gateway/dist/main.js", {
          ...system.env,
          PORT: String(port),
          GATEWAY_ID: id,
          TENANCY_ADDRS: `127.0.0.1:${tenancy.port}`,
          WORKITEMS_ADDRS: `127.0.0.1:${workitems.port}`,
          SPRINTS_ADDRS: `127.0.0.1:${sprints.port}`,
        }),
      );
      urls.push(`http://127.0.0.1:${port}`);
    }
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await system?.stop();
  });

  it("delivers a change made through one gateway to subscribers on the other, and to none twice", async () => {
    const [urlA, urlB] = urls as [string, string];
    const alice = await TestClient.connect(urlA, await system.auth.token({ userId: "alice" }));
    const aliceOnB = await TestClient.connect(urlB, await system.auth.token({ userId: "alice" }));
    const bob = await TestClient.connect(urlB, await system.auth.token({ userId: "bob" }));
    const project = await createProject(alice);
    await addMember(alice, project.id, "bob", ProjectRole.PROJECT_ROLE_EDITOR);
    for (const c of [alice, aliceOnB, bob]) await c.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: {} } });

    const item = await createWorkItem(alice, project.id, { title: "from A" });
    const seenByBob = await bob.waitForEvent((e) => e.change?.$case === "workItemCreated");
    expect((seenByBob.change?.value as { id: string }).id).toBe(item.id);
    // The requester's own other connection, on the other replica, gets it too.
    await aliceOnB.waitForEvent((e) => e.change?.$case === "workItemCreated");

    await createWorkItem(bob, project.id, { title: "from B" });
    await alice.waitForEvent((e) => (e.change?.value as { title?: string }).title === "from B");
    await settle(300);
    expect(bob.events.filter((e) => e.change?.$case === "workItemCreated")).toHaveLength(1);
    expect(alice.events.filter((e) => e.change?.$case === "workItemCreated")).toHaveLength(1);
    for (const c of [alice, aliceOnB, bob]) c.close();
  });

  it("on SIGTERM answers every request it took, then closes its sockets with 1001", async () => {
    const port = await freePort();
    const { tenancy, workitems, sprints } = system.embedded.services;
    const gateway = await spawnEntry("services/gateway/dist/main.js", {
      ...system.env,
      PORT: String(port),
      GATEWAY_ID: "gw-term",
      TENANCY_ADDRS: `127.0.0.1:${tenancy.port}`,
      WORKITEMS_ADDRS: `127.0.0.1:${workitems.port}`,
      SPRINTS_ADDRS: `127.0.0.1:${sprints.port}`,
    });
    const client = await TestClient.connect(`http://127.0.0.1:${port}`, await system.auth.token());
    const project = await createProject(client);
    const requests = Array.from({ length: 20 }, (_, i) =>
      client.request({
        $case: "createWorkItem",
        value: { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: `drain ${i}`, description: "", parentId: "", priority: 0, assigneeId: "", sprintId: "", labels: [], status: 0 },
      }),
    );
    const exit = gateway.stop();
    const replies = await Promise.all(requests);
    expect((await client.closed).code).toBe(1001);
    expect((await exit).code).toBe(0);

    // Every request got a reply: a result, or UNAVAILABLE for those that arrived after draining began.
    const created = replies.filter((f) => f.payload?.$case === "workItem").map((f) => (f.payload?.value as { title: string }).title);
    const refused = replies.filter((f) => f.payload?.$case === "error" && f.payload.value.code === ErrorCode.ERROR_CODE_UNAVAILABLE);
    expect(created.length + refused.length).toBe(20);
    // What was acknowledged is stored, and nothing refused was.
    const reader = await TestClient.connect(urls[0] ?? "", await system.auth.token());
    const list = await reader.expect("workItemList", {
      $case: "listWorkItems",
      value: { projectId: project.id, statuses: [], itemTypes: [], assigneeId: "", sprintId: "", parentId: "", includeDeleted: false, pageSize: 100, pageToken: "", backlogOnly: false },
    });
    expect(list.items.map((i) => i.title).sort()).toEqual([...created].sort());
    reader.close();
  });
});

describe("a crash between commit and publish", () => {
  const dir = tempDir();
  let auth: TestAuth;
  let gateway: RunningGateway;
  let stopTenancy: () => Promise<void>;
  let workitems: ChildService | undefined;
  let natsStore: string;
  let natsPort: number;
  let nats: Awaited<ReturnType<typeof startNatsServer>>;
  let workitemsEnv: Record<string, string>;

  beforeAll(async () => {
    auth = await TestAuth.create(dir.path);
    const first = await startTestNats();
    natsStore = first.storeDir;
    natsPort = first.port;
    nats = first;
    const common = { DATA_DIR: dir.path, HOST: "127.0.0.1", NATS_URL: nats.url, LOG_LEVEL: "silent", ...internalAuthEnv() };
    const tenancy = await startTenancy(loadTenancyConfig({ ...common, PORT: "0" }));
    stopTenancy = tenancy.stop;
    const workitemsPort = await freePort();
    workitemsEnv = { ...common, PORT: String(workitemsPort), TENANCY_ADDRS: `127.0.0.1:${tenancy.port}` };
    workitems = await spawnEntry("services/workitems/dist/main.js", workitemsEnv);
    gateway = await startGateway(
      loadGatewayConfig({
        ...common,
        PORT: "0",
        AUTH_JWKS: auth.jwksPath,
        TENANCY_ADDRS: `127.0.0.1:${tenancy.port}`,
        WORKITEMS_ADDRS: `127.0.0.1:${workitemsPort}`,
        SPRINTS_ADDRS: "127.0.0.1:1",
      }),
    );
  });
  afterAll(async () => {
    await gateway?.stop();
    await workitems?.stop();
    await stopTenancy?.();
    await nats?.stop();
    dir.remove();
  });

  it("answers UNAVAILABLE for a service that is down, and says so on /readyz", async () => {
    const client = await TestClient.connect(gateway.url, await auth.token());
    const error = await client.expectError({ $case: "listSprints", value: { projectId: crypto.randomUUID(), pageSize: 0, pageToken: "" } });
    expect(error.code).toBe(ErrorCode.ERROR_CODE_UNAVAILABLE);
    await client.expect("pong", { $case: "ping", value: { clientTimeMs: 1 } });
    client.close();
    await waitFor(async () => (await fetch(`${gateway.url}/readyz`)).status === 503, 5_000, "readyz to report sprints down");
    const body = (await (await fetch(`${gateway.url}/readyz`)).json()) as { checks: Record<string, boolean> };
    expect(body.checks).toMatchObject({ sprints: false, tenancy: true, workitems: true });
  });

  it("loses no event: the outbox publishes it when the service comes back", async () => {
    const alice = await TestClient.connect(gateway.url, await auth.token({ userId: "alice" }));
    const bob = await TestClient.connect(gateway.url, await auth.token({ userId: "bob" }));
    const project = await createProject(alice);
    await addMember(alice, project.id, "bob", ProjectRole.PROJECT_ROLE_VIEWER);
    await bob.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: {} } });
    // workitems takes the tenant's lease on its first call; a lease it holds stays usable for a few seconds
    // without the bus (half its TTL), after which it would refuse to write rather than risk a second writer.
    await alice.expect("workItemList", { $case: "listWorkItems", value: listAllItems(project.id) });

    // The bus goes away: the next change commits, but its event cannot be published.
    await nats.stop();
    const item = await createWorkItem(alice, project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_BUG, title: "committed, not published" });
    const db = new BetterSqlite3(`${dir.path}/tenants/acme/workitems.db`, { readonly: true });
    const waiting = db.prepare("SELECT event_id FROM outbox").all();
    db.close();
    expect(waiting).toHaveLength(1);

    // The service dies before it could publish.
    await workitems?.kill();
    nats = await startNatsServer({ storeDir: natsStore, port: natsPort });
    workitems = await spawnEntry("services/workitems/dist/main.js", workitemsEnv);
    await waitFor(() => /outbox sweep found unpublished events/.test(workitems?.output() ?? ""), 10_000, "the start-up sweep to find the event");

    const event = await bob.waitForEvent((e) => e.change?.$case === "workItemCreated", 20_000);
    expect((event.change?.value as { id: string }).id).toBe(item.id);
    await settle(300);
    expect(bob.events.filter((e) => e.change?.$case === "workItemCreated")).toHaveLength(1);
    await waitFor(() => {
      const check = new BetterSqlite3(`${dir.path}/tenants/acme/workitems.db`, { readonly: true });
      const left = check.prepare("SELECT COUNT(*) AS n FROM outbox").get() as { n: number };
      check.close();
      return left.n === 0;
    });
    alice.close();
    bob.close();
  });
});

describe("a sprint completing while workitems is down", () => {
  const dir = tempDir();
  let auth: TestAuth;
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let gateway: RunningGateway;
  let stopServices: (() => Promise<void>)[] = [];
  let workitems: ChildService | undefined;
  let workitemsEnv: Record<string, string>;

  beforeAll(async () => {
    auth = await TestAuth.create(dir.path);
    nats = await startTestNats();
    const common = { DATA_DIR: dir.path, HOST: "127.0.0.1", NATS_URL: nats.url, LOG_LEVEL: "silent", PORT: "0", ...internalAuthEnv() };
    const tenancy = await startTenancy(loadTenancyConfig(common));
    const sprints = await startSprints(loadSprintsConfig({ ...common, TENANCY_ADDRS: `127.0.0.1:${tenancy.port}` }));
    stopServices = [sprints.stop, tenancy.stop];
    const port = await freePort();
    workitemsEnv = { ...common, PORT: String(port), TENANCY_ADDRS: `127.0.0.1:${tenancy.port}`, SPRINTS_ADDRS: `127.0.0.1:${sprints.port}` };
    workitems = await spawnEntry("services/workitems/dist/main.js", workitemsEnv);
    gateway = await startGateway(
      loadGatewayConfig({
        ...common,
        AUTH_JWKS: auth.jwksPath,
        TENANCY_ADDRS: `127.0.0.1:${tenancy.port}`,
        WORKITEMS_ADDRS: `127.0.0.1:${port}`,
        SPRINTS_ADDRS: `127.0.0.1:${sprints.port}`,
      }),
    );
  });
  afterAll(async () => {
    await gateway?.stop();
    await workitems?.stop();
    for (const stop of stopServices) await stop();
    await nats?.stop();
    nats?.cleanup();
    dir.remove();
  });

  it("moves exactly the unfinished items, once, when workitems comes back", async () => {
    const alice = await TestClient.connect(gateway.url, await auth.token({ userId: "alice" }));
    const project = await createProject(alice);
    const sprint = await createSprint(alice, project.id);
    const done = await updateWorkItem(alice, await createWorkItem(alice, project.id, { title: "done", sprintId: sprint.id }), { status: WorkItemStatus.WORK_ITEM_STATUS_DONE });
    const open = [await createWorkItem(alice, project.id, { title: "open 1", sprintId: sprint.id }), await createWorkItem(alice, project.id, { title: "open 2", sprintId: sprint.id })];
    const active = await alice.expect("sprint", { $case: "startSprint", value: { sprintId: sprint.id, expectedVersion: sprint.version } });

    await alice.expect("sprint", { $case: "completeSprint", value: { sprintId: active.id, expectedVersion: active.version, carryOverSprintId: "" } });
    // workitems dies around the time the sprint_completed event reaches it, then comes back.
    await workitems?.kill();
    workitems = await spawnEntry("services/workitems/dist/main.js", workitemsEnv);

    const items = async () =>
      (await alice.expect("workItemList", { $case: "listWorkItems", value: listAllItems(project.id) })).items;
    // An event the dead process had received but not acknowledged comes back after the ack wait (5 s).
    await waitFor(async () => (await items()).filter((i) => i.sprintId === "").length === 2, 20_000, "the unfinished items to reach the backlog");
    await settle(500);
    const byTitle = new Map((await items()).map((i) => [i.title, i]));
    expect(byTitle.get("done")).toMatchObject({ sprintId: sprint.id, version: done.version });
    for (const item of open) expect(byTitle.get(item.title)).toMatchObject({ sprintId: "", version: item.version + 1 });
    const db = new BetterSqlite3(`${dir.path}/tenants/acme/workitems.db`, { readonly: true });
    const moves = db.prepare("SELECT COUNT(*) AS n FROM activity_log WHERE field_name = 'sprint_id' AND old_value = ?").get(sprint.id) as { n: number };
    db.close();
    expect(moves.n).toBe(2);
    alice.close();
  });
});
