import { type Client, type Metadata } from "@grpc/grpc-js";
import BetterSqlite3 from "better-sqlite3";
import { connect, type NatsConnection } from "nats";
import { ConflictError, InvalidArgumentError, NotFoundError, PermissionDeniedError, type RunningService } from "@agileboard/kit";
import {
  Event,
  ProjectRole,
  TenancyServiceService,
  WorkItemsServiceService,
  WorkItemStatus,
  WorkItemType,
  type CreateWorkItemRequest,
} from "@agileboard/proto";
import { loadTenancyConfig, startTenancy } from "@agileboard/tenancy";
import { grpcCall, grpcClient, identity, startTestNats, tempDir, waitFor, internalAuthEnv, type TestCallMetadata } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkitemsConfig, startWorkitems } from "../src/index.js";

describe("workitems over gRPC, with tenancy, SQLite and NATS", () => {
  const dir = tempDir();
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let tenancy: RunningService;
  let workitems: RunningService;
  let projects: Client;
  let items: Client;
  let observer: NatsConnection;
  const published: { subject: string; event: Event }[] = [];
  const as = (userId: string) => identity({ userId });

  const newProject = async () => {
    const key = `W${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    return grpcCall(projects, TenancyServiceService.createProject, { key, name: key, description: "" }, as("alice"));
  };
  const create = (projectId: string, over: Partial<CreateWorkItemRequest> = {}, md: TestCallMetadata = as("alice")) =>
    grpcCall(items, WorkItemsServiceService.createWorkItem,
      { projectId, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "t", description: "", parentId: "", priority: 0, assigneeId: "", sprintId: "", labels: [], status: 0, ...over },
      md,
    );

  beforeAll(async () => {
    nats = await startTestNats();
    const env = { DATA_DIR: dir.path, HOST: "127.0.0.1", PORT: "0", NATS_URL: nats.url, LOG_LEVEL: "silent", ...internalAuthEnv() };
    tenancy = await startTenancy(loadTenancyConfig(env));
    workitems = await startWorkitems(loadWorkitemsConfig({ ...env, TENANCY_ADDRS: `127.0.0.1:${tenancy.port}` }));
    projects = grpcClient(`127.0.0.1:${tenancy.port}`);
    items = grpcClient(`127.0.0.1:${workitems.port}`);
    observer = await connect({ servers: nats.url });
    observer.subscribe("agileboard.evt.*.*.work_item", { callback: (_e, m) => published.push({ subject: m.subject, event: Event.decode(m.data) }) });
  });
  afterAll(async () => {
    projects?.close();
    items?.close();
    await observer?.close();
    await workitems?.stop();
    await tenancy?.stop();
    await nats?.stop();
    nats?.cleanup();
    dir.remove();
  });

  it("writes a status change, its activity row and its event in one transaction, then publishes and clears the outbox", async () => {
    const project = await newProject();
    const item = await create(project.id, { title: "Ship it" });
    const done = await grpcCall(items, WorkItemsServiceService.updateWorkItem,
      { workItemId: item.id, expectedVersion: 1, status: WorkItemStatus.WORK_ITEM_STATUS_DONE, clearStoryPoints: false },
      as("alice"),
    );
    expect(done.version).toBe(2);

    const db = new BetterSqlite3(`${dir.path}/tenants/acme/workitems.db`, { readonly: true });
    const rows = db.prepare("SELECT action, field_name, old_value, new_value, user_id FROM activity_log WHERE entity_id = ? ORDER BY id").all(item.id);
    expect(rows).toEqual([
      { action: "created", field_name: null, old_value: null, new_value: null, user_id: "alice" },
      { action: "updated", field_name: "status", old_value: "WORK_ITEM_STATUS_BACKLOG", new_value: "WORK_ITEM_STATUS_DONE", user_id: "alice" },
    ]);
    await waitFor(() => published.filter((p) => p.event.projectId === project.id).length === 2);
    const update = published.find((p) => p.event.change?.$case === "workItemUpdated" && p.event.projectId === project.id);
    expect(update?.subject).toBe(`agileboard.evt.acme.${project.id}.work_item`);
    expect(update?.event.changes).toEqual([{ field: "status", oldValue: "WORK_ITEM_STATUS_BACKLOG", newValue: "WORK_ITEM_STATUS_DONE" }]);
    await waitFor(() => (db.prepare("SELECT COUNT(*) AS n FROM outbox").get() as { n: number }).n === 0);
    db.close();
  });

  it("changes nothing on a CONFLICT", async () => {
    const project = await newProject();
    const item = await create(project.id, { title: "Original" });
    await grpcCall(items, WorkItemsServiceService.updateWorkItem, { workItemId: item.id, expectedVersion: 1, title: "First", clearStoryPoints: false }, as("alice"));
    const error = await grpcCall(items, WorkItemsServiceService.updateWorkItem, { workItemId: item.id, expectedVersion: 1, title: "Second", clearStoryPoints: false }, as("alice")).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).currentVersion).toBe(2);
    const current = await grpcCall(items, WorkItemsServiceService.getWorkItem, { workItemId: item.id }, as("alice"));
    expect(current).toMatchObject({ title: "First", version: 2 });
  });

  it("asks tenancy: viewers read, cannot write; strangers see nothing", async () => {
    const project = await newProject();
    const item = await create(project.id);
    await grpcCall(projects, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "vic", role: ProjectRole.PROJECT_ROLE_VIEWER }, as("alice"));
    expect((await grpcCall(items, WorkItemsServiceService.getWorkItem, { workItemId: item.id }, as("vic"))).id).toBe(item.id);
    await expect(create(project.id, {}, as("vic"))).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(grpcCall(items, WorkItemsServiceService.getWorkItem, { workItemId: item.id }, as("stranger"))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("applies a promotion to the very next write (write checks are never cached)", async () => {
    const project = await newProject();
    await grpcCall(projects, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "pat", role: ProjectRole.PROJECT_ROLE_VIEWER }, as("alice"));
    await expect(create(project.id, {}, as("pat"))).rejects.toBeInstanceOf(PermissionDeniedError);
    await grpcCall(projects, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "pat", role: ProjectRole.PROJECT_ROLE_EDITOR }, as("alice"));
    expect((await create(project.id, { title: "now allowed" }, as("pat"))).title).toBe("now allowed");
  });

  it("drops a cached read permission when the member-removed event arrives, long before the cache TTL", async () => {
    const project = await newProject();
    const item = await create(project.id);
    await grpcCall(projects, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "rita", role: ProjectRole.PROJECT_ROLE_VIEWER }, as("alice"));
    expect((await grpcCall(items, WorkItemsServiceService.getWorkItem, { workItemId: item.id }, as("rita"))).id).toBe(item.id);
    await grpcCall(projects, TenancyServiceService.removeProjectMember, { projectId: project.id, userId: "rita" }, as("alice"));
    await waitFor(
      async () => grpcCall(items, WorkItemsServiceService.getWorkItem, { workItemId: item.id }, as("rita")).then(() => false, (err: unknown) => err instanceof NotFoundError),
      3_000,
      "the removal to reach the cache",
    );
  });

  it("validates every field and the hierarchy", async () => {
    const project = await newProject();
    const error = await create(project.id, { title: "", itemType: 0, storyPoints: 500, parentId: "not-a-uuid" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).violations.map((v) => v.field).sort()).toEqual(["item_type", "parent_id", "story_points", "title"]);
    const epic = await create(project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_EPIC });
    const story = await create(project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_STORY, parentId: epic.id });
    await expect(
      grpcCall(items, WorkItemsServiceService.updateWorkItem, { workItemId: epic.id, expectedVersion: 1, parentId: story.id, clearStoryPoints: false }, as("alice")),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("moves a card with one row written and keeps ranks unique", async () => {
    const project = await newProject();
    const a = await create(project.id, { title: "a" });
    const b = await create(project.id, { title: "b" });
    const c = await create(project.id, { title: "c" });
    const db = new BetterSqlite3(`${dir.path}/tenants/acme/workitems.db`, { readonly: true });
    const versions = () => db.prepare("SELECT title, version FROM work_items WHERE project_id = ? ORDER BY title").all(project.id);
    await grpcCall(items, WorkItemsServiceService.moveWorkItem, { workItemId: c.id, expectedVersion: 1, status: 0, beforeId: a.id, afterId: b.id }, as("alice"));
    expect(versions()).toEqual([
      { title: "a", version: 1 },
      { title: "b", version: 1 },
      { title: "c", version: 2 },
    ]);
    const order = db.prepare("SELECT title FROM work_items WHERE project_id = ? ORDER BY rank").pluck().all(project.id);
    expect(order).toEqual(["a", "c", "b"]);
    const ranks = db.prepare("SELECT rank FROM work_items WHERE project_id = ?").pluck().all(project.id);
    expect(new Set(ranks).size).toBe(3);
    db.close();
    await expect(
      grpcCall(items, WorkItemsServiceService.moveWorkItem, { workItemId: a.id, expectedVersion: 1, status: 0, beforeId: a.id, afterId: "" }, as("alice")),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("re-indexes an item's text for search only when its title or description changed, not on a move", async () => {
    const project = await newProject();
    const item = await create(project.id, { title: "quokka sighting" });
    // The repository writes whole rows, so every UPDATE names title and description; the trigger must look at values.
    const db = new BetterSqlite3(`${dir.path}/tenants/acme/workitems.db`);
    const changesBy = (sql: string, ...params: unknown[]) => {
      const before = db.prepare("SELECT total_changes()").pluck().get() as number;
      db.prepare(sql).run(...params);
      return (db.prepare("SELECT total_changes()").pluck().get() as number) - before;
    };
    const found = (word: string) => db.prepare("SELECT rowid FROM work_items_search WHERE work_items_search MATCH ?").pluck().all(word).length;
    expect(changesBy("UPDATE work_items SET title = title, description = description, status = 'in_progress' WHERE id = ?", item.id)).toBe(1);
    expect(changesBy("UPDATE work_items SET title = 'wombat sighting', description = description WHERE id = ?", item.id)).toBeGreaterThan(1);
    expect(found("wombat")).toBe(1);
    expect(found("quokka")).toBe(0);
    db.close();
  });
});
