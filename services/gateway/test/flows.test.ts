import { randomUUID } from "node:crypto";
import { ErrorCode, ProjectRole, WorkItemStatus, WorkItemType, type WorkItem } from "@agileboard/proto";
import {
  addMember,
  createProject,
  createWorkItem,
  settle,
  startTestSystem,
  TestClient,
  uniqueProjectKey,
  type TestSystem,
} from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("projects, members and work items over the WebSocket", () => {
  let system: TestSystem;
  const clients: TestClient[] = [];
  const connect = async (userId: string, tenantId = "acme", roles: string[] = []) => {
    const client = await TestClient.connect(system.url, await system.auth.token({ userId, tenantId, roles }));
    clients.push(client);
    return client;
  };
  const subscribe = (client: TestClient, projectId: string) =>
    client.expect("subscribed", { $case: "subscribe", value: { projectIds: [projectId], resumeAfter: {} } });

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await system?.stop();
  });

  it("creates a project whose creator is its admin, and lists it", async () => {
    const alice = await connect("alice");
    const key = uniqueProjectKey();
    const project = await createProject(alice, { key, name: "Payments", description: "cards" });
    expect(project).toMatchObject({ key, name: "Payments", description: "cards", version: 1 });
    const members = await alice.expect("projectMemberList", { $case: "listProjectMembers", value: { projectId: project.id, pageSize: 0, pageToken: "" } });
    expect(members.members).toEqual([expect.objectContaining({ userId: "alice", role: ProjectRole.PROJECT_ROLE_ADMIN })]);
    const list = await alice.expect("projectList", { $case: "listProjects", value: { includeArchived: false, pageSize: 0, pageToken: "" } });
    expect(list.projects.map((p) => p.id)).toContain(project.id);
  });

  it("refuses a second project with the same key with CONFLICT", async () => {
    const alice = await connect("alice");
    const key = uniqueProjectKey();
    await createProject(alice, { key });
    const error = await alice.expectError({ $case: "createProject", value: { key, name: "Again", description: "" } });
    expect(error.code).toBe(ErrorCode.ERROR_CODE_CONFLICT);
  });

  it("numbers items per project and keeps the hierarchy rules", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const epic = await createWorkItem(alice, project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_EPIC, title: "Checkout" });
    const story = await createWorkItem(alice, project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_STORY, title: "Pay by card", parentId: epic.id });
    const task = await createWorkItem(alice, project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "Form", parentId: story.id });
    expect([epic.number, story.number, task.number]).toEqual([1, 2, 3]);
    expect(task.status).toBe(WorkItemStatus.WORK_ITEM_STATUS_BACKLOG);

    const badTask = await alice.expectError({
      $case: "createWorkItem",
      value: { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "x", description: "", parentId: epic.id, priority: 0, assigneeId: "", sprintId: "", labels: [], status: 0 },
    });
    expect(badTask.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(badTask.violations).toEqual([{ field: "parent_id", description: "must be a story for a task" }]);

    const otherProject = await createProject(alice);
    const crossProject = await alice.expectError({
      $case: "createWorkItem",
      value: { projectId: otherProject.id, itemType: WorkItemType.WORK_ITEM_TYPE_STORY, title: "x", description: "", parentId: epic.id, priority: 0, assigneeId: "", sprintId: "", labels: [], status: 0 },
    });
    expect(crossProject.violations[0]?.description).toMatch(/same project/);
  });

  it("updates only the fields present and fails with CONFLICT and current_version on a stale version", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const item = await createWorkItem(alice, project.id, { title: "Before", description: "keep me" });
    const updated = await alice.expect("workItem", {
      $case: "updateWorkItem",
      value: { workItemId: item.id, expectedVersion: 1, title: "After", status: WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS, clearStoryPoints: false },
    });
    expect(updated).toMatchObject({ title: "After", description: "keep me", status: WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS, version: 2 });

    const conflict = await alice.expectError({ $case: "updateWorkItem", value: { workItemId: item.id, expectedVersion: 1, title: "Lost", clearStoryPoints: false } });
    expect(conflict).toMatchObject({ code: ErrorCode.ERROR_CODE_CONFLICT, currentVersion: 2 });
    const current = await alice.expect("workItem", { $case: "getWorkItem", value: { workItemId: item.id } });
    expect(current.title).toBe("After");
  });

  it("replays the stored reply for a repeated message_id and runs nothing twice", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const messageId = randomUUID();
    const request = {
      $case: "createWorkItem" as const,
      value: { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_BUG, title: "Once", description: "", parentId: "", priority: 0, assigneeId: "", sprintId: "", labels: [], status: 0 },
    };
    const first = await alice.expect("workItem", request, messageId);
    const again = await alice.expect("workItem", request, messageId);
    expect(again).toEqual(first);
    const list = await alice.expect("workItemList", { $case: "listWorkItems", value: listAll(project.id) });
    expect(list.items).toHaveLength(1);

    const reuse = await alice.expectError({ ...request, value: { ...request.value, title: "Different" } }, messageId);
    expect(reuse.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(reuse.violations[0]?.field).toBe("message_id");
  });

  it("lets a viewer read and refuses a viewer's write with PERMISSION_DENIED", async () => {
    const alice = await connect("alice");
    const victor = await connect("victor");
    const project = await createProject(alice);
    const item = await createWorkItem(alice, project.id);
    await addMember(alice, project.id, "victor", ProjectRole.PROJECT_ROLE_VIEWER);
    expect((await victor.expect("workItem", { $case: "getWorkItem", value: { workItemId: item.id } })).id).toBe(item.id);
    const denied = await victor.expectError({ $case: "updateWorkItem", value: { workItemId: item.id, expectedVersion: 1, title: "mine", clearStoryPoints: false } });
    expect(denied.code).toBe(ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    const deniedMember = await victor.expectError({ $case: "addProjectMember", value: { projectId: project.id, userId: "mallory", role: ProjectRole.PROJECT_ROLE_ADMIN } });
    expect(deniedMember.code).toBe(ErrorCode.ERROR_CODE_PERMISSION_DENIED);
  });

  it("hides a project from a user who is not a member", async () => {
    const alice = await connect("alice");
    const eve = await connect("eve");
    const project = await createProject(alice);
    const item = await createWorkItem(alice, project.id);
    expect((await eve.expectError({ $case: "getWorkItem", value: { workItemId: item.id } })).code).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    expect((await eve.expectError({ $case: "listWorkItems", value: listAll(project.id) })).code).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    const list = await eve.expect("projectList", { $case: "listProjects", value: { includeArchived: false, pageSize: 0, pageToken: "" } });
    expect(list.projects.map((p) => p.id)).not.toContain(project.id);
  });

  it("makes a tenant admin (token role) admin of every project", async () => {
    const alice = await connect("alice");
    const boss = await connect("boss", "acme", ["admin"]);
    const project = await createProject(alice);
    await addMember(boss, project.id, "dave", ProjectRole.PROJECT_ROLE_EDITOR);
    const list = await boss.expect("projectList", { $case: "listProjects", value: { includeArchived: false, pageSize: 0, pageToken: "" } });
    expect(list.projects.map((p) => p.id)).toContain(project.id);
  });

  it("keeps tenants apart: another tenant sees neither the project nor its events", async () => {
    const alice = await connect("alice", "acme");
    const mallory = await connect("alice", "globex");
    const project = await createProject(alice);
    const item = await createWorkItem(alice, project.id);
    expect((await mallory.expectError({ $case: "getWorkItem", value: { workItemId: item.id } })).code).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    const denied = await mallory.expectError({ $case: "subscribe", value: { projectIds: [project.id], resumeAfter: {} } });
    expect(denied.code).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    // Same key in the other tenant is no conflict.
    await createProject(mallory, { key: project.key });
    await createWorkItem(alice, project.id);
    await settle(200);
    expect(mallory.events).toHaveLength(0);
  });

  it("sends each change to every subscriber but not back to the connection that made it", async () => {
    const alice = await connect("alice");
    const aliceTab2 = await connect("alice");
    const bob = await connect("bob");
    const carol = await connect("carol");
    const project = await createProject(alice);
    await addMember(alice, project.id, "bob", ProjectRole.PROJECT_ROLE_EDITOR);
    await addMember(alice, project.id, "carol", ProjectRole.PROJECT_ROLE_EDITOR);
    await subscribe(alice, project.id);
    await subscribe(aliceTab2, project.id);
    await subscribe(bob, project.id);
    // carol is a member but not subscribed.

    const item = await createWorkItem(alice, project.id, { title: "Live" });
    const moved = await alice.expect("workItem", {
      $case: "moveWorkItem",
      value: { workItemId: item.id, expectedVersion: 1, status: WorkItemStatus.WORK_ITEM_STATUS_DONE, beforeId: "", afterId: "" },
    });
    for (const client of [aliceTab2, bob]) {
      const created = await client.waitForEvent((e) => e.change?.$case === "workItemCreated");
      expect((created.change?.value as WorkItem).id).toBe(item.id);
      const update = await client.waitForEvent((e) => e.change?.$case === "workItemUpdated");
      expect(update.actorUserId).toBe("alice");
      expect(update.changes).toContainEqual({ field: "status", oldValue: "WORK_ITEM_STATUS_BACKLOG", newValue: "WORK_ITEM_STATUS_DONE" });
      expect((update.change?.value as WorkItem).version).toBe(moved.version);
      expect(update.sequence).toBeGreaterThan(created.sequence);
    }
    await settle(200);
    expect(alice.events.filter((e) => e.change?.$case?.startsWith("workItem"))).toHaveLength(0);
    expect(carol.events).toHaveLength(0);
    expect(bob.events.filter((e) => e.change?.$case?.startsWith("workItem"))).toHaveLength(2);
  });

  it("moves a card between two neighbours by rewriting its rank only", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const [a, b, c] = [await createWorkItem(alice, project.id, { title: "a" }), await createWorkItem(alice, project.id, { title: "b" }), await createWorkItem(alice, project.id, { title: "c" })];
    const todo = WorkItemStatus.WORK_ITEM_STATUS_TODO;
    const move = (id: string, version: number, beforeId: string, afterId: string) =>
      alice.expect("workItem", { $case: "moveWorkItem", value: { workItemId: id, expectedVersion: version, status: todo, beforeId, afterId } });
    if (!a || !b || !c) throw new Error("setup");
    await move(a.id, 1, "", ""); // todo: a
    await move(b.id, 1, a.id, ""); // todo: a b
    await move(c.id, 1, a.id, b.id); // todo: a c b
    await move(b.id, 2, "", a.id); // todo: b a c
    const list = await alice.expect("workItemList", { $case: "listWorkItems", value: { ...listAll(project.id), statuses: [todo] } });
    expect(list.items.map((i) => i.title)).toEqual(["b", "a", "c"]);
    const unchanged = list.items.find((i) => i.title === "a");
    expect(unchanged?.version).toBe(2);
  });

  it("soft-deletes an item, refuses deleting a parent with live children, and restores", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const story = await createWorkItem(alice, project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_STORY, title: "s" });
    const task = await createWorkItem(alice, project.id, { parentId: story.id });
    const refused = await alice.expectError({ $case: "deleteWorkItem", value: { workItemId: story.id, expectedVersion: 1 } });
    expect(refused.code).toBe(ErrorCode.ERROR_CODE_FAILED_PRECONDITION);
    const deleted = await alice.expect("workItem", { $case: "deleteWorkItem", value: { workItemId: task.id, expectedVersion: 1 } });
    expect(deleted.deletedAtMs).toBeGreaterThan(0);
    const live = await alice.expect("workItemList", { $case: "listWorkItems", value: listAll(project.id) });
    expect(live.items.map((i) => i.id)).toEqual([story.id]);
    const withDeleted = await alice.expect("workItemList", { $case: "listWorkItems", value: { ...listAll(project.id), includeDeleted: true } });
    expect(withDeleted.items).toHaveLength(2);
    const restored = await alice.expect("workItem", { $case: "restoreWorkItem", value: { workItemId: task.id, expectedVersion: deleted.version } });
    expect(restored.deletedAtMs).toBe(0);
  });

  it("pages through a long list without gaps or repeats", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    for (let i = 0; i < 7; i++) await createWorkItem(alice, project.id, { title: `item ${i}` });
    const seen: string[] = [];
    let pageToken = "";
    do {
      const page = await alice.expect("workItemList", { $case: "listWorkItems", value: { ...listAll(project.id), pageSize: 3, pageToken } });
      seen.push(...page.items.map((i) => i.title));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `item ${i}`));
  });

  it("stops a removed member's subscription at once and tells the member", async () => {
    const alice = await connect("alice");
    const bob = await connect("bob");
    const project = await createProject(alice);
    await addMember(alice, project.id, "bob", ProjectRole.PROJECT_ROLE_EDITOR);
    await subscribe(bob, project.id);
    await alice.expect("projectMember", { $case: "removeProjectMember", value: { projectId: project.id, userId: "bob" } });
    await bob.waitForEvent((e) => e.change?.$case === "memberRemoved");
    const notice = bob.unsolicited.find((f) => f.payload?.$case === "unsubscribed");
    expect(notice?.payload?.value).toEqual({ projectIds: [project.id] });
    await createWorkItem(alice, project.id);
    await settle(200);
    expect(bob.events.some((e) => e.change?.$case === "workItemCreated")).toBe(false);
    expect((await bob.expectError({ $case: "listWorkItems", value: listAll(project.id) })).code).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
  });

  it("keeps at least one admin in a project", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const error = await alice.expectError({ $case: "removeProjectMember", value: { projectId: project.id, userId: "alice" } });
    expect(error.code).toBe(ErrorCode.ERROR_CODE_FAILED_PRECONDITION);
  });

  it("archives a project: reads still work, writes are refused", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const item = await createWorkItem(alice, project.id);
    const archived = await alice.expect("project", { $case: "updateProject", value: { projectId: project.id, expectedVersion: 1, archived: true } });
    expect(archived.archivedAtMs).toBeGreaterThan(0);
    expect((await alice.expect("workItem", { $case: "getWorkItem", value: { workItemId: item.id } })).id).toBe(item.id);
    const refused = await alice.expectError({ $case: "updateWorkItem", value: { workItemId: item.id, expectedVersion: 1, title: "no", clearStoryPoints: false } });
    expect(refused.code).toBe(ErrorCode.ERROR_CODE_FAILED_PRECONDITION);
  });
});

function listAll(projectId: string) {
  return {
    projectId,
    statuses: [],
    itemTypes: [],
    assigneeId: "",
    sprintId: "",
    parentId: "",
    includeDeleted: false,
    pageSize: 0,
    pageToken: "",
    backlogOnly: false,
  };
}
