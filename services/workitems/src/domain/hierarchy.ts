import type { ItemType } from "./work-item.js";

/**
 * Which types may parent which (SPEC §2): an epic has no parent; a story's parent is an epic; a task's is a
 * story; a bug's is a story or an epic. A parent is optional for stories, tasks and bugs.
 */
export const ALLOWED_PARENT_TYPES: Readonly<Record<ItemType, readonly ItemType[]>> = {
  epic: [],
  story: ["epic"],
  task: ["story"],
  bug: ["story", "epic"],
};

/** The parent as the rule needs to see it. */
export interface ParentCandidate {
  id: string;
  itemType: ItemType;
  projectId: string;
  deleted: boolean;
}

/**
 * Why `parent` cannot parent a `childType` item of `projectId`, or undefined when it can. `ancestorIds` are
 * the parent's ancestors (nearest first), to refuse a cycle through `childId`.
 */
export function parentProblem(
  child: { id?: string; itemType: ItemType; projectId: string },
  parent: ParentCandidate | undefined,
  ancestorIds: readonly string[] = [],
): string | undefined {
  if (!parent || parent.deleted) return "must name a live work item";
  if (parent.projectId !== child.projectId) return "must be in the same project";
  const allowed = ALLOWED_PARENT_TYPES[child.itemType];
  if (!allowed.includes(parent.itemType)) {
    return allowed.length === 0
      ? `cannot be set: ${withArticle(child.itemType)} has no parent`
      : `must be ${allowed.map(withArticle).join(" or ")} for ${withArticle(child.itemType)}`;
  }
  if (child.id && (parent.id === child.id || ancestorIds.includes(child.id))) return "would make the item its own ancestor";
  return undefined;
}

function withArticle(type: ItemType): string {
  return type === "epic" ? "an epic" : `a ${type}`;
}
