import { WorkItemType } from "@agileboard/client";
import type { WorkItem } from "@agileboard/proto/wire";

/** One swimlane: its key (part of each column's drop id), its title, and which items it holds. */
export interface Lane {
  key: string;
  title: string;
  /** The epic heading an epic lane, or the user of an assignee lane ("" for the catch-all lane). */
  subject: string;
  kind: "all" | "epic" | "assignee";
}

/** The single lane of a board without swimlanes. */
export const ALL_LANE: Lane = { key: "all", title: "", subject: "", kind: "all" };

/** The epic an item belongs to: itself for an epic, else the nearest epic up its parents ("" for none). */
export function epicOf(item: WorkItem, byId: ReadonlyMap<string, WorkItem>): string {
  let current: WorkItem | undefined = item;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current.itemType === WorkItemType.WORK_ITEM_TYPE_EPIC) return current.id;
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return "";
}

/** The lane key of an item under a grouping. */
export function laneKeyOf(item: WorkItem, grouping: "none" | "epic" | "assignee", byId: ReadonlyMap<string, WorkItem>): string {
  if (grouping === "epic") return `epic:${epicOf(item, byId)}`;
  if (grouping === "assignee") return `user:${item.assigneeId}`;
  return ALL_LANE.key;
}

/**
 * The lanes of a board, in order: by epic (epics in board order, then "No epic"), or by assignee (the
 * signed-in user first, the others alphabetically, "Unassigned" last). Lanes without cards are left out.
 */
export function lanesOf(items: readonly WorkItem[], grouping: "none" | "epic" | "assignee", byId: ReadonlyMap<string, WorkItem>, me: string, keyOf: (item: WorkItem) => string): Lane[] {
  if (grouping === "none") return [ALL_LANE];
  const used = new Set(items.map((i) => laneKeyOf(i, grouping, byId)));
  if (grouping === "epic") {
    const epics = items.filter((i) => i.itemType === WorkItemType.WORK_ITEM_TYPE_EPIC);
    const lanes: Lane[] = epics.filter((e) => used.has(`epic:${e.id}`)).map((e) => ({ key: `epic:${e.id}`, title: `${keyOf(e)} ${e.title}`, subject: e.id, kind: "epic" }));
    if (used.has("epic:")) lanes.push({ key: "epic:", title: "No epic", subject: "", kind: "epic" });
    return lanes;
  }
  const users = [...used].map((k) => k.slice("user:".length)).filter((u) => u !== "");
  users.sort((a, b) => (a === me ? -1 : b === me ? 1 : a.localeCompare(b)));
  const lanes: Lane[] = users.map((u) => ({ key: `user:${u}`, title: u, subject: u, kind: "assignee" }));
  if (used.has("user:")) lanes.push({ key: "user:", title: "Unassigned", subject: "", kind: "assignee" });
  return lanes;
}
