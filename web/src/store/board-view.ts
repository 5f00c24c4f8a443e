import { Priority, WorkItemStatus, WorkItemType, type AnyRequest } from "@agileboard/client";
import type { WorkItem } from "@agileboard/proto/wire";

// What the board shows is the server-confirmed items with the pending mutations re-applied on top (the
// Replicache model): a reply or an event changes the confirmed items and the pending list is applied again, so a
// teammate's change that lands while one of ours waits is never lost, and a refused mutation simply drops out.

/** The columns of the board, left to right. */
export const STATUSES = [
  WorkItemStatus.WORK_ITEM_STATUS_BACKLOG,
  WorkItemStatus.WORK_ITEM_STATUS_TODO,
  WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS,
  WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW,
  WorkItemStatus.WORK_ITEM_STATUS_DONE,
] as const;

/** A column's status. */
export type Status = (typeof STATUSES)[number];

/** The name of a status as the board shows it (also each column's accessible name). */
export const STATUS_LABEL: Record<Status, string> = {
  [WorkItemStatus.WORK_ITEM_STATUS_BACKLOG]: "Backlog",
  [WorkItemStatus.WORK_ITEM_STATUS_TODO]: "To do",
  [WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS]: "In progress",
  [WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW]: "In review",
  [WorkItemStatus.WORK_ITEM_STATUS_DONE]: "Done",
};

/** Id prefix of an item created optimistically, before the server has numbered it. */
export const PENDING_ID_PREFIX = "pending:";

/** A pending mutation as the view needs it: its id and the request. */
export interface PendingRequest {
  messageId: string;
  request: AnyRequest;
}

/** The board as shown: every live item by id, and one rank-ordered list of ids for the whole project. */
export interface BoardView {
  byId: ReadonlyMap<string, WorkItem>;
  /** Ids in board order (rank order, with pending moves placed where they were dropped). */
  order: readonly string[];
  /** Ids of items a pending mutation touches (shown as "saving"). */
  pendingIds: ReadonlySet<string>;
}

/** True for a status a column shows. */
export function isStatus(value: number): value is Status {
  return (STATUSES as readonly number[]).includes(value);
}

function byRank(a: WorkItem, b: WorkItem): number {
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The id a pending create shows under until the server answers. */
export function pendingItemId(messageId: string): string {
  return `${PENDING_ID_PREFIX}${messageId}`;
}

/** The project's live items in rank order, from the confirmed set. */
export function rankOrder(items: Iterable<WorkItem>): string[] {
  return [...items].filter((i) => i.deletedAtMs === 0).sort(byRank).map((i) => i.id);
}

/**
 * Places `id` in `order` where a drop put it: just below `beforeId` (the card above), else just above `afterId`
 * (the card below), else after the last card of its status (or at the end).
 */
function place(order: string[], byId: ReadonlyMap<string, WorkItem>, id: string, status: number, beforeId: string, afterId: string): string[] {
  const rest = order.filter((x) => x !== id);
  const above = beforeId ? rest.indexOf(beforeId) : -1;
  if (above >= 0) return [...rest.slice(0, above + 1), id, ...rest.slice(above + 1)];
  const below = afterId ? rest.indexOf(afterId) : -1;
  if (below >= 0) return [...rest.slice(0, below), id, ...rest.slice(below)];
  let last = -1;
  rest.forEach((x, i) => {
    if (byId.get(x)?.status === status) last = i;
  });
  return last >= 0 ? [...rest.slice(0, last + 1), id, ...rest.slice(last + 1)] : [...rest, id];
}

/** An item the view shows for a pending create. */
function optimisticItem(messageId: string, r: Extract<AnyRequest, { $case: "createWorkItem" }>["value"], now: number): WorkItem {
  return {
    id: pendingItemId(messageId),
    projectId: r.projectId,
    number: 0,
    itemType: r.itemType || WorkItemType.WORK_ITEM_TYPE_TASK,
    parentId: r.parentId,
    title: r.title.trim(),
    description: r.description,
    status: r.status || WorkItemStatus.WORK_ITEM_STATUS_BACKLOG,
    priority: r.priority || Priority.PRIORITY_MEDIUM,
    assigneeId: r.assigneeId,
    storyPoints: r.storyPoints,
    sprintId: r.sprintId,
    rank: "",
    version: 0,
    labels: [...r.labels],
    createdAtMs: now,
    createdBy: "",
    updatedAtMs: now,
    updatedBy: "",
    deletedAtMs: 0,
    isBlocked: false,
    timeSpentMs: 0,
  };
}

/**
 * The board as shown: `confirmed` (the project's items as the server last said) with `pending` applied in
 * order. Requests for other projects or unknown items are ignored (they belong to another screen, or the item
 * is gone — the server will refuse them and they drop out).
 */
export function deriveView(projectId: string, confirmed: ReadonlyMap<string, WorkItem>, confirmedOrder: readonly string[], pending: readonly PendingRequest[], now = Date.now()): BoardView {
  if (pending.length === 0) return { byId: confirmed, order: confirmedOrder, pendingIds: new Set() };
  const byId = new Map(confirmed);
  let order = [...confirmedOrder];
  const pendingIds = new Set<string>();
  for (const { messageId, request } of pending) {
    switch (request.$case) {
      case "createWorkItem": {
        if (request.value.projectId !== projectId) break;
        const item = optimisticItem(messageId, request.value, now);
        byId.set(item.id, item);
        order = place(order, byId, item.id, item.status, "", "");
        pendingIds.add(item.id);
        break;
      }
      case "moveWorkItem": {
        const r = request.value;
        const item = byId.get(r.workItemId);
        if (!item) break;
        byId.set(item.id, { ...item, status: r.status || item.status });
        order = place(order, byId, item.id, r.status || item.status, r.beforeId, r.afterId);
        pendingIds.add(item.id);
        break;
      }
      case "updateWorkItem": {
        const r = request.value;
        const item = byId.get(r.workItemId);
        if (!item) break;
        byId.set(item.id, {
          ...item,
          ...(r.title !== undefined ? { title: r.title } : {}),
          ...(r.description !== undefined ? { description: r.description } : {}),
          ...(r.status !== undefined ? { status: r.status } : {}),
          ...(r.priority !== undefined ? { priority: r.priority } : {}),
          ...(r.assigneeId !== undefined ? { assigneeId: r.assigneeId } : {}),
          ...(r.storyPoints !== undefined ? { storyPoints: r.storyPoints } : {}),
          ...(r.clearStoryPoints ? { storyPoints: undefined } : {}),
          ...(r.sprintId !== undefined ? { sprintId: r.sprintId } : {}),
          ...(r.parentId !== undefined ? { parentId: r.parentId } : {}),
          ...(r.labels ? { labels: [...r.labels.labels] } : {}),
        });
        if (r.status !== undefined && r.status !== item.status) order = place(order, byId, item.id, r.status, "", "");
        pendingIds.add(item.id);
        break;
      }
      case "deleteWorkItem": {
        if (!byId.delete(request.value.workItemId)) break;
        order = order.filter((id) => id !== request.value.workItemId);
        break;
      }
      default:
        break;
    }
  }
  return { byId, order, pendingIds };
}

/** The ids of one column, in board order. */
export function columnIds(view: BoardView, status: number, include: (item: WorkItem) => boolean = () => true): string[] {
  const out: string[] = [];
  for (const id of view.order) {
    const item = view.byId.get(id);
    if (item && item.status === status && include(item)) out.push(id);
  }
  return out;
}

/**
 * The neighbours a drop at `index` of column `ids` (the column without the moved card) gives the server:
 * `beforeId` the card that ends up just above, `afterId` the one just below.
 */
export function neighboursAt(ids: readonly string[], index: number): { beforeId: string; afterId: string } {
  const real = (id: string | undefined) => (id && !id.startsWith(PENDING_ID_PREFIX) ? id : "");
  return { beforeId: real(ids[index - 1]), afterId: real(ids[index]) };
}
