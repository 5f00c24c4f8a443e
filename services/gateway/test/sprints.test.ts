import { ErrorCode, ProjectRole, SprintStatus, WorkItemStatus, type Sprint } from "@agileboard/proto";
import {
  addMember,
  createProject,
  createSprint,
  createWorkItem,
  listAllItems,
  startTestSystem,
  subscribe,
  TestClient,
  updateWorkItem,
  waitFor,
  type TestSystem,
} from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DONE = WorkItemStatus.WORK_ITEM_STATUS_DONE;

describe("sprints over the WebSocket", () => {
  let system: TestSystem;
  let alice: TestClient;

  const start = (s: Sprint) => alice.expect("sprint", { $case: "startSprint", value: { sprintId: s.id, expectedVersion: s.version } });
  const complete = (s: Sprint, carryOverSprintId = "") =>
    alice.expect("sprint", { $case: "completeSprint", value: { sprintId: s.id, expectedVersion: s.version, carryOverSprintId } });
  const items = async (projectId: string) => (await alice.expect("workItemList", { $case: "listWorkItems", value: listAllItems(projectId) })).items;
  const report = (s: Sprint) => alice.expect("sprintReport", { $case: "getSprintReport", value: { sprintId: s.id } });

  beforeAll(async () => {
    system = await startTestSystem();
    alice = await TestClient.connect(system.url, await system.auth.token({ userId: "alice" }));
  });
  afterAll(async () => {
    alice?.close();
    await system?.stop();
  });

  it("plans, edits, lists and starts a sprint, and allows one active sprint per project", async () => {
    const project = await createProject(alice);
    const one = await createSprint(alice, project.id, "One");
    expect(one).toMatchObject({ name: "One", status: SprintStatus.SPRINT_STATUS_PLANNED, version: 1 });
    const renamed = await alice.expect("sprint", { $case: "updateSprint", value: { sprintId: one.id, expectedVersion: 1, name: "Sprint One", goal: "ship" } });
    expect(renamed).toMatchObject({ name: "Sprint One", goal: "ship", version: 2 });
    const two = await createSprint(alice, project.id, "Two");
    const started = await start(renamed);
    expect(started).toMatchObject({ status: SprintStatus.SPRINT_STATUS_ACTIVE, version: 3 });
    expect(started.startedAtMs).toBeGreaterThan(0);
    const second = await alice.expectError({ $case: "startSprint", value: { sprintId: two.id, expectedVersion: 1 } });
    expect(second.code).toBe(ErrorCode.ERROR_CODE_FAILED_PRECONDITION);
    expect(second.message).toMatch(/already active/);
    const list = await alice.expect("sprintList", { $case: "listSprints", value: { projectId: project.id, pageSize: 0, pageToken: "" } });
    expect(list.sprints.map((s) => s.name)).toEqual(["Sprint One", "Two"]);
    expect(await alice.expect("sprint", { $case: "getSprint", value: { sprintId: two.id } })).toMatchObject({ name: "Two" });
  });

  it("deletes planned sprints only, and cancels", async () => {
    const project = await createProject(alice);
    const planned = await createSprint(alice, project.id);
    const active = await start(await createSprint(alice, project.id, "Active"));
    expect((await alice.expectError({ $case: "deleteSprint", value: { sprintId: active.id, expectedVersion: active.version } })).code).toBe(
      ErrorCode.ERROR_CODE_FAILED_PRECONDITION,
    );
    await alice.expect("sprint", { $case: "deleteSprint", value: { sprintId: planned.id, expectedVersion: 1 } });
    expect((await alice.expectError({ $case: "getSprint", value: { sprintId: planned.id } })).code).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    const cancelled = await alice.expect("sprint", { $case: "cancelSprint", value: { sprintId: active.id, expectedVersion: active.version } });
    expect(cancelled.status).toBe(SprintStatus.SPRINT_STATUS_CANCELLED);
  });

  it("takes items only into a sprint of their own project that is not completed", async () => {
    const project = await createProject(alice);
    const other = await createProject(alice);
    const sprint = await createSprint(alice, project.id);
    // Assigned right after creation: workitems learns of the sprint even before its event arrives.
    const item = await createWorkItem(alice, project.id, { sprintId: sprint.id });
    expect(item.sprintId).toBe(sprint.id);
    const foreign = await createSprint(alice, other.id);
    const refused = await alice.expectError({ $case: "updateWorkItem", value: { workItemId: item.id, expectedVersion: 1, sprintId: foreign.id, clearStoryPoints: false } });
    expect(refused.code).toBe(ErrorCode.ERROR_CODE_FAILED_PRECONDITION);
    expect(refused.message).toMatch(/another project/);
    const done = await complete(await start(sprint));
    const late = await alice.expectError({ $case: "createWorkItem", value: { projectId: project.id, itemType: 3, title: "late", description: "", parentId: "", priority: 0, assigneeId: "", sprintId: done.id, labels: [], status: 0 } });
    expect(late.code).toBe(ErrorCode.ERROR_CODE_FAILED_PRECONDITION);
    expect(late.message).toMatch(/completed/);
  });

  it("moves exactly the unfinished items to the carry-over sprint on completion, as events", async () => {
    const project = await createProject(alice);
    const watcher = await TestClient.connect(system.url, await system.auth.token({ userId: "alice" }));
    const one = await createSprint(alice, project.id, "One");
    const two = await createSprint(alice, project.id, "Two");
    const finished = await updateWorkItem(alice, await createWorkItem(alice, project.id, { title: "finished", sprintId: one.id }), { status: DONE });
    const open1 = await createWorkItem(alice, project.id, { title: "open 1", sprintId: one.id });
    const open2 = await createWorkItem(alice, project.id, { title: "open 2", sprintId: one.id });
    const backlog = await createWorkItem(alice, project.id, { title: "backlog" });
    await subscribe(watcher, project.id);
    await complete(await start(one), two.id);
    await waitFor(async () => (await items(project.id)).filter((i) => i.sprintId === two.id).length === 2, 5_000, "the unfinished items to move");
    const after = new Map((await items(project.id)).map((i) => [i.title, i]));
    expect(after.get("finished")).toMatchObject({ sprintId: one.id, version: finished.version });
    expect(after.get("open 1")).toMatchObject({ sprintId: two.id, version: open1.version + 1 });
    expect(after.get("open 2")).toMatchObject({ sprintId: two.id, version: open2.version + 1 });
    expect(after.get("backlog")).toMatchObject({ sprintId: "", version: backlog.version });
    await waitFor(() => watcher.events.filter((e) => e.change?.$case === "workItemUpdated").length === 2);
    const moves = watcher.events.filter((e) => e.change?.$case === "workItemUpdated");
    expect(moves.every((e) => e.changes.some((c) => c.field === "sprint_id" && c.oldValue === one.id && c.newValue === two.id))).toBe(true);
    expect(moves.every((e) => e.actorUserId === "alice")).toBe(true);
    watcher.close();
  });

  it("moves unfinished items to the backlog without a carry-over sprint", async () => {
    const project = await createProject(alice);
    const sprint = await createSprint(alice, project.id);
    await createWorkItem(alice, project.id, { sprintId: sprint.id });
    await complete(await start(sprint));
    await waitFor(async () => (await items(project.id)).every((i) => i.sprintId === ""), 5_000, "the item to return to the backlog");
  });

  it("never leaves an unfinished item in a completed sprint, even with assignments racing the completion", async () => {
    const project = await createProject(alice);
    const sprint = await start(await createSprint(alice, project.id));
    const candidates = await Promise.all(Array.from({ length: 12 }, (_, i) => createWorkItem(alice, project.id, { title: `racer ${i}` })));
    const assignments = candidates.map((item) =>
      alice.request({ $case: "updateWorkItem", value: { workItemId: item.id, expectedVersion: item.version, sprintId: sprint.id, clearStoryPoints: false } }),
    );
    const completion = complete(sprint);
    const replies = await Promise.all(assignments);
    await completion;
    const accepted = replies.filter((r) => r.payload?.$case === "workItem").length;
    const refused = replies.filter((r) => r.payload?.$case === "error" && r.payload.value.code === ErrorCode.ERROR_CODE_FAILED_PRECONDITION).length;
    expect(accepted + refused).toBe(candidates.length);
    await waitFor(async () => (await items(project.id)).every((i) => i.sprintId !== sprint.id), 5_000, "no unfinished item left in the sprint");
  });

  it("reports committed and completed points, the burndown and velocity from its own read model", async () => {
    const project = await createProject(alice);
    const sprint = await createSprint(alice, project.id, "Report");
    const a = await createWorkItem(alice, project.id, { title: "a", storyPoints: 3, sprintId: sprint.id });
    const b = await createWorkItem(alice, project.id, { title: "b", storyPoints: 5, sprintId: sprint.id });
    await createWorkItem(alice, project.id, { title: "c", storyPoints: 2, sprintId: sprint.id });
    expect((await report(sprint)).committedPoints).toBe(10);
    const active = await start(sprint);
    await updateWorkItem(alice, a, { status: DONE });
    const b2 = await updateWorkItem(alice, b, { storyPoints: 8 });
    await updateWorkItem(alice, b2, { status: WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS });
    await waitFor(async () => (await report(active)).burndown.length >= 3, 5_000, "the burndown to reflect the changes");
    const running = await report(active);
    expect(running).toMatchObject({ committedPoints: 10, completedPoints: 3 });
    expect(running.burndown.map((p) => p.remainingPoints)).toEqual([10, 7, 10, 10]);

    const completed = await complete(active);
    const final = await report(completed);
    expect(final).toMatchObject({ committedPoints: 10, completedPoints: 3 });
    expect(final.burndown.at(-1)).toEqual({ atMs: completed.completedAtMs, remainingPoints: 10 });
    expect(final.velocity).toEqual([{ sprintId: sprint.id, sprintName: "Report", committedPoints: 10, completedPoints: 3 }]);
  });

  it("refuses a viewer's sprint changes and hides sprints from strangers", async () => {
    const project = await createProject(alice);
    await addMember(alice, project.id, "vic", ProjectRole.PROJECT_ROLE_VIEWER);
    const vic = await TestClient.connect(system.url, await system.auth.token({ userId: "vic" }));
    const eve = await TestClient.connect(system.url, await system.auth.token({ userId: "eve" }));
    const sprint = await createSprint(alice, project.id);
    expect((await vic.expect("sprintList", { $case: "listSprints", value: { projectId: project.id, pageSize: 0, pageToken: "" } })).sprints).toHaveLength(1);
    expect((await vic.expectError({ $case: "startSprint", value: { sprintId: sprint.id, expectedVersion: 1 } })).code).toBe(ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    expect((await eve.expectError({ $case: "getSprintReport", value: { sprintId: sprint.id } })).code).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    vic.close();
    eve.close();
  });

  it("rejects a stale version with CONFLICT", async () => {
    const project = await createProject(alice);
    const sprint = await createSprint(alice, project.id);
    await alice.expect("sprint", { $case: "updateSprint", value: { sprintId: sprint.id, expectedVersion: 1, name: "new" } });
    const stale = await alice.expectError({ $case: "startSprint", value: { sprintId: sprint.id, expectedVersion: 1 } });
    expect(stale).toMatchObject({ code: ErrorCode.ERROR_CODE_CONFLICT, currentVersion: 2 });
  });
});

