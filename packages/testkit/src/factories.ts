import { randomUUID } from "node:crypto";
import { ProjectRole, WorkItemType, type Project, type ProjectMember, type WorkItem } from "@agileboard/proto";
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
  overrides: Partial<{ itemType: WorkItemType; title: string; parentId: string; storyPoints: number; description: string }> = {},
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
      sprintId: "",
      labels: [],
      status: 0,
    },
  });
}
