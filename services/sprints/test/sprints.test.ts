import { Client, credentials, Metadata } from "@grpc/grpc-js";
import BetterSqlite3 from "better-sqlite3";
import { PermissionDeniedError, type RunningService } from "@agileboard/kit";
import { SprintsServiceService, TenancyServiceService, WorkItemsServiceService, WorkItemType } from "@agileboard/proto";
import { loadTenancyConfig, startTenancy } from "@agileboard/tenancy";
import { grpcCall, grpcClient, identity, startTestNats, tempDir, waitFor, internalAuthEnv } from "@agileboard/testkit";
import { loadWorkitemsConfig, startWorkitems } from "@agileboard/workitems";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSprintsConfig, startSprints } from "../src/index.js";

describe("sprints service, with its report read model fed by real work item events", () => {
  const dir = tempDir();
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  const services: RunningService[] = [];
  let sprintsService: RunningService;
  let tenancy: Client;
  let workitems: Client;
  let sprints: Client;

  beforeAll(async () => {
    nats = await startTestNats();
    const env = { DATA_DIR: dir.path, HOST: "127.0.0.1", PORT: "0", NATS_URL: nats.url, LOG_LEVEL: "silent", ...internalAuthEnv() };
    const t = await startTenancy(loadTenancyConfig(env));
    sprintsService = await startSprints(loadSprintsConfig({ ...env, TENANCY_ADDRS: `127.0.0.1:${t.port}` }));
    const w = await startWorkitems(loadWorkitemsConfig({ ...env, TENANCY_ADDRS: `127.0.0.1:${t.port}`, SPRINTS_ADDRS: `127.0.0.1:${sprintsService.port}` }));
    services.push(w, sprintsService, t);
    tenancy = grpcClient(`127.0.0.1:${t.port}`);
    workitems = grpcClient(`127.0.0.1:${w.port}`);
    sprints = grpcClient(`127.0.0.1:${sprintsService.port}`);
  });
  afterAll(async () => {
    for (const c of [tenancy, workitems, sprints]) c?.close();
    for (const s of services) await s.stop();
    await nats?.stop();
    nats?.cleanup();
    dir.remove();
  });

  it("reports SERVING on grpc.health.v1", async () => {
    const client = new Client(`127.0.0.1:${sprintsService.port}`, credentials.createInsecure());
    const reply = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        "/grpc.health.v1.Health/Check",
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        new Metadata(),
        (err, value) => (err ? reject(err) : resolve(value ?? Buffer.alloc(0))),
      ),
    );
    expect([...reply]).toEqual([0x08, 0x01]); // status: SERVING
    client.close();
  });

  it("keeps each item version once in its history, and rebuilds it from the log for a tenant admin only", async () => {
    const project = await grpcCall(tenancy, TenancyServiceService.createProject, { key: "REB", name: "Rebuild", description: "" }, identity());
    const sprint = await grpcCall(sprints, SprintsServiceService.createSprint, { projectId: project.id, name: "S", goal: "", startsAtMs: 0, endsAtMs: 0 }, identity());
    for (const points of [1, 2, 3]) {
      await grpcCall(
        workitems,
        WorkItemsServiceService.createWorkItem,
        { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: `p${points}`, description: "", parentId: "", priority: 0, assigneeId: "", storyPoints: points, sprintId: sprint.id, labels: [], status: 0 },
        identity(),
      );
    }
    const report = () => grpcCall(sprints, SprintsServiceService.getSprintReport, { sprintId: sprint.id }, identity());
    await waitFor(async () => (await report()).committedPoints === 6, 5_000, "the read model to see the items");

    const db = new BetterSqlite3(`${dir.path}/tenants/acme/sprints.db`, { readonly: true });
    const rows = () => db.prepare("SELECT COUNT(*) AS n FROM work_item_history").get() as { n: number };
    const before = rows().n;
    await expect(grpcCall(sprints, SprintsServiceService.rebuildReportModel, {}, identity())).rejects.toBeInstanceOf(PermissionDeniedError);
    const rebuilt = await grpcCall(sprints, SprintsServiceService.rebuildReportModel, {}, identity({ roles: ["admin"] }));
    expect(rebuilt.eventsApplied).toBe(before);
    expect(rows().n).toBe(before);
    db.close();
    expect((await report()).committedPoints).toBe(6);
  });
});
