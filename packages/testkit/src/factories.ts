import { randomUUID } from "node:crypto";
import { ProjectRole, WorkItemType, type ListWorkItemsRequest, type Project, type ProjectMember, type Sprint, type UpdateWorkItemRequest, type WorkItem } from "@agileboard/proto";
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
