import { toRestJson, type JsonValue } from "@agileboard/kit";
import type { Activity, Comment, Dependency, Project, ProjectMember, Sprint, SprintReport, TimeEntry, WorkItem } from "@agileboard/proto";

/** A JSON object of the REST API. */
export type JsonObject = { [key: string]: JsonValue };

/** Keys of items the REST documents mention: project keys by id, and item numbers by id where known. */
export interface KeyBook {
  projectKey(projectId: string): string | undefined;
  /** The key of an item ("PAY-42"), if the caller can read it and it was looked up. */
  itemKey(itemId: string): string | undefined;
}

/** "PAY-42". */
export function itemKeyOf(projectKey: string, number: number): string {
  return `${projectKey}-${number}`;
}

export function presentProject(p: Project): JsonObject {
  return toRestJson("Project", p);
}

export function presentMember(m: ProjectMember): JsonObject {
  return toRestJson("ProjectMember", m);
}

export function presentItem(item: WorkItem, keys: KeyBook): JsonObject {
  const projectKey = keys.projectKey(item.projectId) ?? "?";
  return {
    ...toRestJson("WorkItem", item),
    key: itemKeyOf(projectKey, item.number),
    parent_key: item.parentId ? (keys.itemKey(item.parentId) ?? null) : null,
  };
}

export function presentComment(c: Comment): JsonObject {
  return toRestJson("Comment", c);
}

export function presentTimeEntry(e: TimeEntry): JsonObject {
  return toRestJson("TimeEntry", e);
}

export function presentDependency(d: Dependency, keys: KeyBook): JsonObject {
  return { ...toRestJson("Dependency", d), blocking_key: keys.itemKey(d.blockingItemId) ?? null, blocked_key: keys.itemKey(d.blockedItemId) ?? null };
}

export function presentSprint(s: Sprint): JsonObject {
  return toRestJson("Sprint", s);
}

export function presentReport(r: SprintReport): JsonObject {
  return toRestJson("SprintReport", r);
}

export function presentActivity(a: Activity, keys: KeyBook): JsonObject {
  return { ...toRestJson("Activity", a), item_key: a.entityType === "work_item" ? (keys.itemKey(a.entityId) ?? null) : null };
}

/** An ISO 8601 time for documents (`as_of`, `generated_at`). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
