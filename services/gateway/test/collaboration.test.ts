import { DependencyKind, ErrorCode, ProjectRole, WorkItemStatus, type Comment, type TimeEntry } from "@agileboard/proto";
import {
  addMember,
  createProject,
  createWorkItem,
  settle,
  startTestSystem,
  subscribe,
  TestClient,
  updateWorkItem,
  type TestSystem,
} from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("comments, time tracking and dependencies over the WebSocket", () => {
  let system: TestSystem;
  let alice: TestClient; // project admin
  let ed: TestClient; // editor
  let vic: TestClient; // viewer
  let projectId: string;

  beforeAll(async () => {
    system = await startTestSystem();
    alice = await TestClient.connect(system.url, await system.auth.token({ userId: "alice" }));
    ed = await TestClient.connect(system.url, await system.auth.token({ userId: "ed" }));
    vic = await TestClient.connect(system.url, await system.auth.token({ userId: "vic" }));
    const project = await createProject(alice, { name: "Collab" });
    projectId = project.id;
    await addMember(alice, projectId, "ed", ProjectRole.PROJECT_ROLE_EDITOR);
    await addMember(alice, projectId, "vic", ProjectRole.PROJECT_ROLE_VIEWER);
  });
  afterAll(async () => {
    for (const c of [alice, ed, vic]) c?.close();
    await system?.stop();
  });

  describe("comments", () => {
    it("lets editors comment, only the author edit, and the author or an admin delete, with live events", async () => {
      const item = await createWorkItem(alice, projectId);
      await subscribe(vic, projectId);
      const comment = await ed.expect("comment", { $case: "addComment", value: { workItemId: item.id, body: "**Looks** good" } });
      expect(comment).toMatchObject({ authorId: "ed", body: "**Looks** good", version: 1, workItemId: item.id });
      const added = await vic.waitForEvent((e) => e.change?.$case === "commentAdded");
      expect((added.change?.value as Comment).id).toBe(comment.id);

      const notAuthor = await alice.expectError({ $case: "updateComment", value: { commentId: comment.id, expectedVersion: 1, body: "hijack" } });
      expect(notAuthor.code).toBe(ErrorCode.ERROR_CODE_PERMISSION_DENIED);
      const edited = await ed.expect("comment", { $case: "updateComment", value: { commentId: comment.id, expectedVersion: 1, body: "Looks great" } });
      expect(edited).toMatchObject({ body: "Looks great", version: 2 });
      const updated = await vic.waitForEvent((e) => e.change?.$case === "commentUpdated");
      expect(updated.changes).toEqual([{ field: "body", oldValue: "**Looks** good", newValue: "Looks great" }]);

      const byAlice = await alice.expect("comment", { $case: "addComment", value: { workItemId: item.id, body: "admin note" } });
      const denied = await ed.expectError({ $case: "deleteComment", value: { commentId: byAlice.id, expectedVersion: 1 } });
      expect(denied.code).toBe(ErrorCode.ERROR_CODE_PERMISSION_DENIED);
      await alice.expect("comment", { $case: "deleteComment", value: { commentId: comment.id, expectedVersion: 2 } });
      await vic.waitForEvent((e) => e.change?.$case === "commentDeleted");
      const list = await vic.expect("commentList", { $case: "listComments", value: { workItemId: item.id, pageSize: 0, pageToken: "" } });
      expect(list.comments.map((c) => c.body)).toEqual(["admin note"]);
    });

    it("refuses an empty body and a viewer's comment", async () => {
      const item = await createWorkItem(alice, projectId);
      const empty = await ed.expectError({ $case: "addComment", value: { workItemId: item.id, body: "" } });
      expect(empty.violations.map((v) => v.field)).toEqual(["body"]);
      expect((await vic.expectError({ $case: "addComment", value: { workItemId: item.id, body: "hi" } })).code).toBe(ErrorCode.ERROR_CODE_PERMISSION_DENIED);
    });
  });

  describe("time tracking", () => {
    it("keeps one running timer per user: starting another stops the first", async () => {
      const first = await createWorkItem(alice, projectId, { title: "first" });
      const second = await createWorkItem(alice, projectId, { title: "second" });
      const watcher = await TestClient.connect(system.url, await system.auth.token({ userId: "alice" }));
      await subscribe(watcher, projectId);
      const a = await ed.expect("timeEntry", { $case: "startTimer", value: { workItemId: first.id, note: "" } });
      expect(a.endedAtMs).toBe(0);
      await settle(30);
      const b = await ed.expect("timeEntry", { $case: "startTimer", value: { workItemId: second.id, note: "switching" } });
      const stopped = await watcher.waitForEvent((e) => e.change?.$case === "timeEntryStopped");
      const stoppedEntry = stopped.change?.value as TimeEntry;
      expect(stoppedEntry.id).toBe(a.id);
      expect(stoppedEntry.durationMs).toBeGreaterThan(0);

      const mine = await ed.expect("timeEntryList", { $case: "listTimeEntries", value: { workItemId: "", userId: "ed", pageSize: 0, pageToken: "" } });
      const running = mine.entries.filter((e) => e.endedAtMs === 0);
      expect(running.map((e) => e.id)).toEqual([b.id]);
      await ed.expect("timeEntry", { $case: "stopTimer", value: { timeEntryId: b.id } });
      const again = await ed.expectError({ $case: "stopTimer", value: { timeEntryId: b.id } });
      expect(again.code).toBe(ErrorCode.ERROR_CODE_FAILED_PRECONDITION);
      watcher.close();
    });

    it("logs time by hand, sums time spent on the item, and deletes only one's own entries", async () => {
      const item = await createWorkItem(alice, projectId, { title: "logged" });
      const hour = await ed.expect("timeEntry", { $case: "logTime", value: { workItemId: item.id, startedAtMs: Date.now() - 7_200_000, durationMs: 3_600_000, note: "pairing" } });
      await alice.expect("timeEntry", { $case: "logTime", value: { workItemId: item.id, startedAtMs: Date.now() - 3_600_000, durationMs: 1_800_000, note: "" } });
      expect((await ed.expect("workItem", { $case: "getWorkItem", value: { workItemId: item.id } })).timeSpentMs).toBe(5_400_000);
      const list = await vic.expect("timeEntryList", { $case: "listTimeEntries", value: { workItemId: item.id, userId: "", pageSize: 0, pageToken: "" } });
      expect(list.totalDurationMs).toBe(5_400_000);
      expect((await alice.expectError({ $case: "deleteTimeEntry", value: { timeEntryId: hour.id } })).code).toBe(ErrorCode.ERROR_CODE_PERMISSION_DENIED);
      await ed.expect("timeEntry", { $case: "deleteTimeEntry", value: { timeEntryId: hour.id } });
      expect((await ed.expect("workItem", { $case: "getWorkItem", value: { workItemId: item.id } })).timeSpentMs).toBe(1_800_000);
      const bad = await ed.expectError({ $case: "logTime", value: { workItemId: item.id, startedAtMs: Date.now() + 60_000, durationMs: 0, note: "" } });
      expect(bad.violations.map((v) => v.field).sort()).toEqual(["duration_ms", "started_at_ms"]);
    });
  });

  describe("dependencies", () => {
    it("refuses a 'blocks' edge that would close a cycle, naming it", async () => {
      const [a, b, c] = [await createWorkItem(alice, projectId, { title: "A" }), await createWorkItem(alice, projectId, { title: "B" }), await createWorkItem(alice, projectId, { title: "C" })];
      if (!a || !b || !c) throw new Error("setup");
      const blocks = (from: string, to: string) => ({ $case: "addDependency" as const, value: { blockingItemId: from, blockedItemId: to, kind: DependencyKind.DEPENDENCY_KIND_BLOCKS } });
      await alice.expect("dependency", blocks(a.id, b.id));
      await alice.expect("dependency", blocks(b.id, c.id));
      const cycle = await alice.expectError(blocks(c.id, a.id));
      expect(cycle.code).toBe(ErrorCode.ERROR_CODE_FAILED_PRECONDITION);
      const project = (await alice.expect("projectList", { $case: "listProjects", value: { includeArchived: false, pageSize: 0, pageToken: "" } })).projects.find((p) => p.id === projectId);
      const key = project?.key ?? "?";
      expect(cycle.message).toContain(`${key}-${c.number} → ${key}-${a.number} → ${key}-${b.number} → ${key}-${c.number}`);
      // relates_to never makes a cycle.
      await alice.expect("dependency", { $case: "addDependency", value: { blockingItemId: c.id, blockedItemId: a.id, kind: DependencyKind.DEPENDENCY_KIND_RELATES_TO } });
      const duplicate = await alice.expectError(blocks(a.id, b.id));
      expect(duplicate.code).toBe(ErrorCode.ERROR_CODE_CONFLICT);
    });

    it("lists both directions and shows an item blocked until its blocker is done", async () => {
      const blocker = await createWorkItem(alice, projectId, { title: "blocker" });
      const blocked = await createWorkItem(alice, projectId, { title: "blocked" });
      const edge = await ed.expect("dependency", { $case: "addDependency", value: { blockingItemId: blocker.id, blockedItemId: blocked.id, kind: DependencyKind.DEPENDENCY_KIND_BLOCKS } });
      expect((await vic.expect("workItem", { $case: "getWorkItem", value: { workItemId: blocked.id } })).isBlocked).toBe(true);
      const fromBlocked = await vic.expect("dependencyList", { $case: "listDependencies", value: { workItemId: blocked.id, pageSize: 0, pageToken: "" } });
      const fromBlocker = await vic.expect("dependencyList", { $case: "listDependencies", value: { workItemId: blocker.id, pageSize: 0, pageToken: "" } });
      expect(fromBlocked.dependencies.map((d) => d.id)).toEqual([edge.id]);
      expect(fromBlocker.dependencies.map((d) => d.id)).toEqual([edge.id]);
      await updateWorkItem(ed, blocker, { status: WorkItemStatus.WORK_ITEM_STATUS_DONE });
      expect((await vic.expect("workItem", { $case: "getWorkItem", value: { workItemId: blocked.id } })).isBlocked).toBe(false);
      await ed.expect("dependency", { $case: "removeDependency", value: { dependencyId: edge.id } });
      expect((await vic.expect("dependencyList", { $case: "listDependencies", value: { workItemId: blocked.id, pageSize: 0, pageToken: "" } })).dependencies).toEqual([]);
      expect((await vic.expectError({ $case: "addDependency", value: { blockingItemId: blocker.id, blockedItemId: blocked.id, kind: 1 } })).code).toBe(
        ErrorCode.ERROR_CODE_PERMISSION_DENIED,
      );
    });
  });
});
