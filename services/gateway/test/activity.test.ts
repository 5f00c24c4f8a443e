import { ErrorCode, ProjectRole, WorkItemStatus, type Activity, type ListActivityRequest } from "@agileboard/proto";
import { addMember, createProject, createSprint, createWorkItem, startTestSystem, TestClient, updateWorkItem, type TestSystem } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const query = (over: Partial<ListActivityRequest>): ListActivityRequest => ({ projectId: "", entityId: "", userId: "", pageSize: 0, pageToken: "", ...over });

describe("list_activity across tenancy, workitems and sprints", () => {
  let system: TestSystem;
  let alice: TestClient;
  beforeAll(async () => {
    system = await startTestSystem();
    alice = await TestClient.connect(system.url, await system.auth.token({ userId: "alice" }));
  });
  afterAll(async () => {
    alice?.close();
    await system?.stop();
  });

  const activity = async (client: TestClient, q: Partial<ListActivityRequest>) => client.expect("activityList", { $case: "listActivity", value: query(q) });

  it("records a status change field by field, by proto field name, newest first", async () => {
    const project = await createProject(alice);
    const item = await createWorkItem(alice, project.id);
    await updateWorkItem(alice, item, { status: WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW, title: "Renamed" });
    const rows = (await activity(alice, { entityId: item.id })).entries;
    expect(rows.map((r) => [r.action, r.fieldName, r.oldValue, r.newValue])).toEqual(
      expect.arrayContaining([
        ["updated", "status", "WORK_ITEM_STATUS_BACKLOG", "WORK_ITEM_STATUS_IN_REVIEW"],
        ["updated", "title", "Fix login", "Renamed"],
      ]),
    );
    expect(rows.at(-1)).toMatchObject({ action: "created", entityType: "work_item", entityId: item.id, projectId: project.id, userId: "alice" });
    expect(rows).toHaveLength(3);
  });

  it("merges a project's rows from every service, newest first, and pages through them without repeats", async () => {
    const project = await createProject(alice);
    await addMember(alice, project.id, "bob", ProjectRole.PROJECT_ROLE_EDITOR);
    const item = await createWorkItem(alice, project.id);
    await createSprint(alice, project.id);
    await updateWorkItem(alice, item, { priority: 4 });
    const all = (await activity(alice, { projectId: project.id, pageSize: 200 })).entries;
    expect(new Set(all.map((r) => r.entityType))).toEqual(new Set(["project", "member", "work_item", "sprint"]));
    const times = all.map((r) => r.atMs);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const paged: Activity[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = await activity(alice, { projectId: project.id, pageSize: 2, pageToken });
      expect(page.entries.length).toBeLessThanOrEqual(2);
      paged.push(...page.entries);
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken && pages < 20);
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
  });

  it("shows a user's activity only in projects the caller can read", async () => {
    const shared = await createProject(alice);
    const secret = await createProject(alice);
    await addMember(alice, shared.id, "carol", ProjectRole.PROJECT_ROLE_VIEWER);
    await createWorkItem(alice, shared.id, { title: "visible" });
    await createWorkItem(alice, secret.id, { title: "hidden" });
    const carol = await TestClient.connect(system.url, await system.auth.token({ userId: "carol" }));
    const rows = (await activity(carol, { userId: "alice", pageSize: 200 })).entries;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.projectId === shared.id)).toBe(true);
    expect((await carol.expectError({ $case: "listActivity", value: query({ projectId: secret.id }) })).code).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    carol.close();
  });

  it("needs a filter and refuses a foreign page token", async () => {
    expect((await alice.expectError({ $case: "listActivity", value: query({}) })).code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    const project = await createProject(alice);
    expect((await alice.expectError({ $case: "listActivity", value: query({ projectId: project.id, pageToken: "bogus" }) })).code).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
  });
});
