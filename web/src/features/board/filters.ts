import { WorkItemType } from "@agileboard/client";
import type { WorkItem } from "@agileboard/proto/wire";

/** The board's filters, kept in the URL so a link shows the same board. */
export interface BoardFilters {
  /** Words matched against the key and the title. */
  text: string;
  /** A user id, "none" for unassigned, "" for anyone. */
  assignee: string;
  /** An item type, 0 for any. */
  type: number;
  /** A label, "" for any. */
  label: string;
  onlyMine: boolean;
  lanes: "none" | "epic" | "assignee";
  showBacklog: boolean;
}

const TYPE_PARAM: Record<string, number> = { epic: WorkItemType.WORK_ITEM_TYPE_EPIC, story: WorkItemType.WORK_ITEM_TYPE_STORY, task: WorkItemType.WORK_ITEM_TYPE_TASK, bug: WorkItemType.WORK_ITEM_TYPE_BUG };
const PARAM_OF_TYPE = Object.fromEntries(Object.entries(TYPE_PARAM).map(([k, v]) => [v, k])) as Record<number, string>;

/** Filters from URL search parameters (unknown values fall back to "any"). */
export function filtersFromParams(params: URLSearchParams): BoardFilters {
  const lanes = params.get("lanes");
  return {
    text: params.get("q") ?? "",
    assignee: params.get("assignee") ?? "",
    type: TYPE_PARAM[params.get("type") ?? ""] ?? 0,
    label: params.get("label") ?? "",
    onlyMine: params.get("mine") === "1",
    lanes: lanes === "epic" || lanes === "assignee" ? lanes : "none",
    showBacklog: params.get("backlog") !== "0",
  };
}

/** URL search parameters of filters; defaults are left out so a plain board has a plain URL. */
export function paramsOfFilters(f: BoardFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.text) p.set("q", f.text);
  if (f.assignee) p.set("assignee", f.assignee);
  if (f.type) p.set("type", PARAM_OF_TYPE[f.type] ?? "");
  if (f.label) p.set("label", f.label);
  if (f.onlyMine) p.set("mine", "1");
  if (f.lanes !== "none") p.set("lanes", f.lanes);
  if (!f.showBacklog) p.set("backlog", "0");
  return p;
}

/** True when any filter narrows the cards shown. */
export function isFiltering(f: BoardFilters): boolean {
  return Boolean(f.text || f.assignee || f.type || f.label || f.onlyMine);
}

/** A predicate over items for the filters; `me` is the signed-in user, `keyOf` gives "PAY-42". */
export function itemFilter(f: BoardFilters, me: string, keyOf: (item: WorkItem) => string): (item: WorkItem) => boolean {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  return (item) => {
    if (f.onlyMine && item.assigneeId !== me) return false;
    if (f.assignee === "none" ? item.assigneeId !== "" : f.assignee && item.assigneeId !== f.assignee) return false;
    if (f.type && item.itemType !== f.type) return false;
    if (f.label && !item.labels.includes(f.label)) return false;
    if (words.length > 0) {
      const haystack = `${keyOf(item)} ${item.title}`.toLowerCase();
      if (!words.every((w) => haystack.includes(w))) return false;
    }
    return true;
  };
}
