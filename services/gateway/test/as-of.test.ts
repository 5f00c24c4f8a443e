import { DependencyKind, Priority, ProjectRole, WorkItemStatus, WorkItemType, type WorkItem } from "@agileboard/proto";
import { addMember, createProject, createSprint, createWorkItem, listAllItems, startTestSystem, TestClient, updateWorkItem, waitFor, type TestSystem, type JsonDocument } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Json = JsonDocument;

/**
 * "As of" answers against a recorded series of changes: after each step the time is noted (and the clock is
 * let past it before the next), then the item, the board, the context and the socket's reads are asked about
 * each noted time and must show exactly the state of that step.
 */
describe("as_of reads", () => {
  let system: TestSystem;
  let alice: TestClient;
  let token: string;
  let key: string;
  let projectId: string;
  let a: WorkItem;
  let b: WorkItem;
  const t: Record<string, number> = {};
  /** Notes the time after a step, and lets the clock pass it so the next step is strictly later. */
  const mark = async (name: string) => {
    t[name] = Date.now();
    await waitFor(() => Date.now() > (t[name] as number), 1_000, "the clock to move");
  };
  const get = async (path: string): Promise<Json> => {
    const res = await fetch(`${system.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as Json;
  };

  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory" });
    token = await system.auth.token({ userId: "alice" });
    alice = await TestClient.connect(system.url, token);
    const project = await createProject(alice, { name: "Payments" });
    key = project.key;
    projectId = project.id;
    await mark("created");

    a = await createWorkItem(alice, projectId, { title: "Draft" });
    await mark("aCreated");

    a = await updateWorkItem(alice, a, { title: "Login form", status: WorkItemStatus.WORK_ITEM_STATUS_TODO });
    await mark("aEdited");

    await addMember(alice, projectId, "bob", ProjectRole.PROJECT_ROLE_VIEWER);
    b = await createWorkItem(alice, projectId, { itemType: WorkItemType.WORK_ITEM_TYPE_BUG, title: "Crash on submit" });
    await mark("bCreated");

    a = await alice.expect("workItem", { $case: "moveWorkItem", value: { workItemId: a.id, expectedVersion: a.version, status: WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS, beforeId: "", afterId: "" } });
    const dependency = await alice.expect("dependency", { $case: "addDependency", value: { blockingItemId: a.id, blockedItemId: b.id, kind: DependencyKind.DEPENDENCY_KIND_BLOCKS } });
    await mark("blocked");

    const comment = await alice.expect("comment", { $case: "addComment", value: { workItemId: a.id, body: "first thought" } });
    await mark("commented");
    await alice.expect("comment", { $case: "updateComment", value: { commentId: comment.id, expectedVersion: 1, body: "second thought" } });
    const sprint = await createSprint(alice, projectId, "Sprint 1");
    await alice.expect("sprint", { $case: "startSprint", value: { sprintId: sprint.id, expectedVersion: sprint.version } });
    a = await updateWorkItem(alice, a, { assigneeId: "bob", priority: Priority.PRIORITY_HIGH, sprintId: sprint.id });
    await addMember(alice, projectId, "bob", ProjectRole.PROJECT_ROLE_EDITOR);
    await mark("planned");

    a = await updateWorkItem(alice, a, { status: WorkItemStatus.WORK_ITEM_STATUS_DONE });
    await alice.expect("dependency", { $case: "removeDependency", value: { dependencyId: dependency.id } });
    b = await alice.expect("workItem", { $case: "deleteWorkItem", value: { workItemId: b.id, expectedVersion: b.version } });
    const current = await alice.expect("projectList", { $case: "listProjects", value: { includeArchived: false, pageSize: 0, pageToken: "" } });
    const p = current.projects.find((x) => x.id === projectId);
    await alice.expect("project", { $case: "updateProject", value: { projectId, expectedVersion: p?.version ?? 0, name: "Pay" } });
    await mark("done");

    b = await alice.expect("workItem", { $case: "restoreWorkItem", value: { workItemId: b.id, expectedVersion: b.version } });
    await mark("restored");
  });
  afterAll(async () => {
    alice?.close();
    await system?.stop();
  });

  it.each([
    ["aCreated", { title: "Draft", status: "backlog", priority: "medium", assignee_id: "", version: 1, sprint_id: "" }],
    ["aEdited", { title: "Login form", status: "todo", priority: "medium", version: 2 }],
    ["bCreated", { title: "Login form", status: "todo", version: 2 }],
    ["blocked", { title: "Login form", status: "in_progress", version: 3 }],
    ["planned", { status: "in_progress", priority: "high", assignee_id: "bob", version: 4 }],
    ["done", { status: "done", priority: "high", assignee_id: "bob", version: 5 }],
  ])("rebuilds the item as it was after %s", async (step, fields) => {
    const doc = await get(`/api/v1/items/${key}-1?as_of=${new Date(t[step] as number).toISOString()}`);
    expect(doc["item"]).toMatchObject({ key: `${key}-1`, ...fields });
    expect(doc["as_of"]).toBe(new Date(t[step] as number).toISOString());
    // History stops at as_of too.
    expect(doc["history"].every((h: Json) => h["at_ms"] <= (t[step] as number))).toBe(true);
  });

  it("says an item did not exist before it was created", async () => {
    const res = await fetch(`${system.url}/api/v1/items/${key}-2?as_of=${t["aEdited"]}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as Json)["detail"]).toMatch(/did not exist at/);
  });

  it("shows the item's comments, dependencies and blocked state of that time", async () => {
    expect((await get(`/api/v1/items/${key}-1?as_of=${t["blocked"]}`))["comments"]).toEqual([]);
    expect((await get(`/api/v1/items/${key}-1?as_of=${t["commented"]}`))["comments"].map((c: Json) => c["body"])).toEqual(["first thought"]);
    expect((await get(`/api/v1/items/${key}-1?as_of=${t["planned"]}`))["comments"].map((c: Json) => c["body"])).toEqual(["second thought"]);
    const blocked = await get(`/api/v1/items/${key}-2?as_of=${t["blocked"]}`);
    expect(blocked["item"]).toMatchObject({ is_blocked: true, deleted_at_ms: 0 });
    expect(blocked["dependencies"]).toEqual([expect.objectContaining({ blocking_key: `${key}-1`, blocked_key: `${key}-2` })]);
    const deleted = await get(`/api/v1/items/${key}-2?as_of=${t["done"]}`);
    expect(deleted["item"]["deleted_at_ms"]).toBeGreaterThan(0);
    expect(deleted["dependencies"]).toEqual([]);
    expect((await get(`/api/v1/items/${key}-2?as_of=${t["restored"]}`))["item"]).toMatchObject({ deleted_at_ms: 0, is_blocked: false });
  });

  it("rebuilds the board of each step: which items, in which column", async () => {
    const board = async (step: string) => {
      const doc = await get(`/api/v1/projects/${key}/board?as_of=${t[step]}`);
      return Object.fromEntries(doc["columns"].map((c: Json) => [c["status"], c["items"].map((i: Json) => i["key"])]));
    };
    expect(await board("aCreated")).toEqual({ backlog: [`${key}-1`], todo: [], in_progress: [], in_review: [], done: [] });
    expect(await board("bCreated")).toEqual({ backlog: [`${key}-2`], todo: [`${key}-1`], in_progress: [], in_review: [], done: [] });
    expect(await board("blocked")).toEqual({ backlog: [`${key}-2`], todo: [], in_progress: [`${key}-1`], in_review: [], done: [] });
    expect(await board("done")).toEqual({ backlog: [], todo: [], in_progress: [], in_review: [], done: [`${key}-1`] });
    expect(await board("restored")).toEqual({ backlog: [`${key}-2`], todo: [], in_progress: [], in_review: [], done: [`${key}-1`] });
  });

  it("rebuilds the context: project name, members and roles, sprints, open dependencies, activity up to then", async () => {
    const at = async (step: string) => get(`/api/v1/projects/${key}/context?as_of=${t[step]}`);
    const before = await at("aEdited");
    expect(before["project"]["name"]).toBe("Payments");
    expect(before["members"].map((m: Json) => m["user_id"])).toEqual(["alice"]);
    expect(before["sprints"]).toEqual([]);
    const blocked = await at("blocked");
    expect(blocked["members"].map((m: Json) => [m["user_id"], m["role"]])).toEqual([
      ["alice", "admin"],
      ["bob", "viewer"],
    ]);
    expect(blocked["open_dependencies"]).toHaveLength(1);
    const planned = await at("planned");
    expect(planned["members"].find((m: Json) => m["user_id"] === "bob")["role"]).toBe("editor");
    expect(planned["sprints"].map((s: Json) => [s["name"], s["status"]])).toEqual([["Sprint 1", "active"]]);
    const done = await at("done");
    expect(done["project"]["name"]).toBe("Pay");
    expect(done["open_dependencies"]).toEqual([]);
    expect(done["recent_activity"].every((r: Json) => r["at_ms"] <= (t["done"] as number))).toBe(true);
    expect(done["recent_activity"].some((r: Json) => r["action"] === "restored")).toBe(false);
  });

  it("answers the socket's own reads with as_of_ms the same way", async () => {
    const item = await alice.expect("workItem", { $case: "getWorkItem", value: { workItemId: a.id, asOfMs: t["aCreated"] } });
    expect(item).toMatchObject({ title: "Draft", status: WorkItemStatus.WORK_ITEM_STATUS_BACKLOG, version: 1 });
    const byNumber = await alice.expect("workItem", { $case: "getWorkItem", value: { workItemId: "", projectId, number: 1, asOfMs: t["blocked"] } });
    expect(byNumber.status).toBe(WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS);
    const list = await alice.expect("workItemList", { $case: "listWorkItems", value: listAllItems(projectId, { asOfMs: t["bCreated"], statuses: [WorkItemStatus.WORK_ITEM_STATUS_TODO] }) });
    expect(list.items.map((i) => i.title)).toEqual(["Login form"]);
  });
});
