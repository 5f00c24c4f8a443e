import { randomUUID } from "node:crypto";
import { DependencyKind, ProjectRole, WorkItemType, type ListWorkItemsRequest, type Project, type ProjectMember, type Sprint, type UpdateWorkItemRequest, type WorkItem } from "@agileboard/proto";
import type { TestClient } from "./client.js";

/** A project key unique enough for one test run: 2 letters + 6 digits/letters. */
export function uniqueProjectKey(): string {
  return `P${randomUUID().replace(/-/g, "").slice(0, 7).toUpperCase()}`;
}

/** Creates a project through the client; overrides win over defaults. */
export function createProject(client: TestClient, overrides: { key?: string; name?: string; description?: string } = {}): Promise<Project> {
  return client.expect("project", {
    $case: "createProject",
    value: { key: overrides.key ?? uniqueProjectKey(), name: overrides.name ?? "Payments", description: overrides.description ?? "" },
  });
}

/** Adds (or changes) a member. */
export function addMember(client: TestClient, projectId: string, userId: string, role: ProjectRole): Promise<ProjectMember> {
  return client.expect("projectMember", { $case: "addProjectMember", value: { projectId, userId, role } });
}

/** Creates a work item; defaults to a task titled "Fix login". */
export function createWorkItem(
  client: TestClient,
  projectId: string,
  overrides: Partial<{ itemType: WorkItemType; title: string; parentId: string; storyPoints: number; description: string; sprintId: string }> = {},
): Promise<WorkItem> {
  return client.expect("workItem", {
    $case: "createWorkItem",
    value: {
      projectId,
      itemType: overrides.itemType ?? WorkItemType.WORK_ITEM_TYPE_TASK,
      title: overrides.title ?? "Fix login",
      description: overrides.description ?? "",
      parentId: overrides.parentId ?? "",
      priority: 0,
      assigneeId: "",
      storyPoints: overrides.storyPoints,
      sprintId: overrides.sprintId ?? "",
      labels: [],
      status: 0,
    },
  });
}

/** Creates a planned sprint. */
export function createSprint(client: TestClient, projectId: string, name = "Sprint 1"): Promise<Sprint> {
  return client.expect("sprint", { $case: "createSprint", value: { projectId, name, goal: "", startsAtMs: 0, endsAtMs: 0 } });
}

/** Changes the fields given of a work item at its current version; returns the new version. */
export function updateWorkItem(client: TestClient, item: Pick<WorkItem, "id" | "version">, fields: Partial<Omit<UpdateWorkItemRequest, "workItemId" | "expectedVersion">>): Promise<WorkItem> {
  return client.expect("workItem", { $case: "updateWorkItem", value: { clearStoryPoints: false, ...fields, workItemId: item.id, expectedVersion: item.version } });
}

/** Subscribes to projects (no resume) and returns the reply. */
export function subscribe(client: TestClient, ...projectIds: string[]) {
  return client.expect("subscribed", { $case: "subscribe", value: { projectIds, resumeAfter: {} } });
}

/** A ListWorkItemsRequest with every filter off. */
export function listAllItems(projectId: string, over: Partial<ListWorkItemsRequest> = {}): ListWorkItemsRequest {
  return { projectId, statuses: [], itemTypes: [], assigneeId: "", sprintId: "", parentId: "", includeDeleted: false, pageSize: 0, pageToken: "", backlogOnly: false, ...over };
}

/** What `seedProject` made. */
export interface SeededProject {
  project: Project;
  epic: WorkItem;
  story: WorkItem;
  task: WorkItem;
  bug: WorkItem;
  sprint: Sprint;
}

/**
 * A small but complete project, made by `admin` through the socket: viewer `viewer` and editor `editor` as
 * members; epic → story (3 points, in the started sprint, assigned to the editor, a comment and an hour
 * logged) → task; a bug under the epic, blocked by the task.
 */
export async function seedProject(admin: TestClient, opts: { key?: string; viewer?: string; editor?: string } = {}): Promise<SeededProject> {
  const project = await createProject(admin, { key: opts.key ?? uniqueProjectKey(), name: "Payments", description: "Card payments for the web shop" });
  await addMember(admin, project.id, opts.viewer ?? "victor", ProjectRole.PROJECT_ROLE_VIEWER);
  await addMember(admin, project.id, opts.editor ?? "eddie", ProjectRole.PROJECT_ROLE_EDITOR);
  const sprint = await createSprint(admin, project.id, "Sprint 1");
  const epic = await createWorkItem(admin, project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_EPIC, title: "Checkout" });
  let story = await createWorkItem(admin, project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_STORY, title: "Pay by card", parentId: epic.id, storyPoints: 3, sprintId: sprint.id, description: "The customer pays with a credit card." });
  const task = await createWorkItem(admin, project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "Card form", parentId: story.id });
  const bug = await createWorkItem(admin, project.id, { itemType: WorkItemType.WORK_ITEM_TYPE_BUG, title: "Declined cards crash the page", parentId: epic.id });
  story = await updateWorkItem(admin, story, { assigneeId: opts.editor ?? "eddie" });
  const started = await admin.expect("sprint", { $case: "startSprint", value: { sprintId: sprint.id, expectedVersion: sprint.version } });
  await admin.expect("comment", { $case: "addComment", value: { workItemId: story.id, body: "Use the **new** payment provider." } });
  await admin.expect("timeEntry", { $case: "logTime", value: { workItemId: story.id, startedAtMs: Date.now() - 7_200_000, durationMs: 3_600_000, note: "spike" } });
  await admin.expect("dependency", { $case: "addDependency", value: { blockingItemId: task.id, blockedItemId: bug.id, kind: DependencyKind.DEPENDENCY_KIND_BLOCKS } });
  return { project, epic, story, task, bug, sprint: started };
}
