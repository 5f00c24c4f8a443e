/** One version of a work item as the read model keeps it. */
export interface ItemVersion {
  itemId: string;
  version: number;
  sprintId: string | null;
  status: string;
  storyPoints: number | null;
  deleted: boolean;
  at: number;
}

/** The sprint facts a report needs. */
export interface ReportSprint {
  id: string;
  name: string;
  status: "planned" | "active" | "completed" | "cancelled";
  startedAt: number | null;
  completedAt: number | null;
}

export interface BurndownPoint {
  atMs: number;
  remainingPoints: number;
}

export interface SprintFigures {
  committedPoints: number;
  completedPoints: number;
  burndown: BurndownPoint[];
}

/** Each item's versions in version order. */
function byItem(history: readonly ItemVersion[]): ItemVersion[][] {
  const groups = new Map<string, ItemVersion[]>();
  for (const row of history) {
    const list = groups.get(row.itemId) ?? [];
    list.push(row);
    groups.set(row.itemId, list);
  }
  return [...groups.values()].map((list) => list.sort((a, b) => a.version - b.version));
}

/** The item's newest version committed at or before `t` (strictly before, when `strict`). */
function stateAt(versions: readonly ItemVersion[], t: number, strict: boolean): ItemVersion | undefined {
  let found: ItemVersion | undefined;
  for (const v of versions) if (strict ? v.at < t : v.at <= t) found = v;
  return found;
}

const inSprint = (state: ItemVersion | undefined, sprintId: string): state is ItemVersion =>
  state !== undefined && !state.deleted && state.sprintId === sprintId;
const points = (state: ItemVersion) => state.storyPoints ?? 0;

/**
 * A sprint's figures from the history of the items that were ever in it:
 * - committed: points in the sprint when it started (now, for a planned sprint);
 * - completed: points of done items in it when it ended (now, while active);
 * - burndown: points not done, at the start and after every change while it ran.
 * Late events fall into place by commit time, so the figures do not depend on arrival order.
 */
export function sprintFigures(sprint: ReportSprint, history: readonly ItemVersion[], now: number): SprintFigures {
  const items = byItem(history);
  const end = sprint.completedAt ?? now;
  // A completed sprint is read as it was just before completion: the moves the completion causes (items
  // leaving for the backlog or the next sprint) can land within the same millisecond.
  const endsStrictly = sprint.completedAt !== null;
  const sumAt = (t: number, keep: (s: ItemVersion) => boolean, strict = false) =>
    items.reduce((sum, versions) => {
      const state = stateAt(versions, t, strict);
      return inSprint(state, sprint.id) && keep(state) ? sum + points(state) : sum;
    }, 0);
  const committedPoints = sumAt(sprint.startedAt ?? now, () => true);
  const completedPoints = sprint.startedAt === null ? 0 : sumAt(end, (s) => s.status === "done", endsStrictly);
  if (sprint.startedAt === null) return { committedPoints, completedPoints, burndown: [] };

  const start = sprint.startedAt;
  const during = (at: number) => at > start && (endsStrictly ? at < end : at <= end);
  const times = [...new Set([start, ...history.filter((h) => during(h.at)).map((h) => h.at), end])].sort((a, b) => a - b);
  const burndown: BurndownPoint[] = [];
  for (const t of times) {
    const remainingPoints = sumAt(t, (s) => s.status !== "done", t === end && endsStrictly);
    const previous = burndown[burndown.length - 1];
    // One point per change: an instant that changes nothing adds nothing (the end point always stays).
    if (previous && previous.remainingPoints === remainingPoints && t !== end) continue;
    burndown.push({ atMs: t, remainingPoints });
  }
  return { committedPoints, completedPoints, burndown };
}
