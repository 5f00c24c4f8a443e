import { WorkItemType } from "@agileboard/client";
import { useMemo } from "react";
import type { BoardView } from "../../store/board-view.js";
import { SearchIcon, TYPE_LABEL } from "../../ui/icons.js";
import { isFiltering, type BoardFilters } from "./filters.js";

const TYPES = [WorkItemType.WORK_ITEM_TYPE_EPIC, WorkItemType.WORK_ITEM_TYPE_STORY, WorkItemType.WORK_ITEM_TYPE_TASK, WorkItemType.WORK_ITEM_TYPE_BUG];

/** The board's filters and grouping; every change goes into the URL. */
export function Toolbar({ filters, onChange, view, me }: { filters: BoardFilters; onChange: (f: BoardFilters) => void; view: BoardView; me: string }) {
  const { assignees, labels } = useMemo(() => {
    const people = new Set<string>();
    const tags = new Set<string>();
    for (const item of view.byId.values()) {
      if (item.assigneeId) people.add(item.assigneeId);
      for (const l of item.labels) tags.add(l);
    }
    if (filters.assignee && filters.assignee !== "none") people.add(filters.assignee);
    if (filters.label) tags.add(filters.label);
    return { assignees: [...people].sort(), labels: [...tags].sort() };
  }, [view.byId, filters.assignee, filters.label]);
  const set = (change: Partial<BoardFilters>) => onChange({ ...filters, ...change });

  return (
    <div className="toolbar" role="toolbar" aria-label="Board filters">
      <div className="search">
        <SearchIcon />
        <input className="input input-sm" type="search" value={filters.text} onChange={(e) => set({ text: e.target.value })} placeholder="Filter cards" aria-label="Filter cards by key or title" />
      </div>
      <select className="select select-sm" value={filters.assignee} onChange={(e) => set({ assignee: e.target.value })} aria-label="Assignee">
        <option value="">Anyone</option>
        <option value="none">Unassigned</option>
        {assignees.map((a) => (
          <option key={a} value={a}>
            {a === me ? `${a} (me)` : a}
          </option>
        ))}
      </select>
      <select className="select select-sm" value={filters.type} onChange={(e) => set({ type: Number(e.target.value) })} aria-label="Type">
        <option value={0}>All types</option>
        {TYPES.map((t) => (
          <option key={t} value={t}>
            {TYPE_LABEL[t]}
          </option>
        ))}
      </select>
      <select className="select select-sm" value={filters.label} onChange={(e) => set({ label: e.target.value })} aria-label="Label">
        <option value="">Any label</option>
        {labels.map((l) => (
          <option key={l} value={l}>
            {l}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-sm" aria-pressed={filters.onlyMine} onClick={() => set({ onlyMine: !filters.onlyMine })}>
        Only mine
      </button>
      {isFiltering(filters) ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => onChange({ ...filters, text: "", assignee: "", type: 0, label: "", onlyMine: false })}>
          Clear filters
        </button>
      ) : null}
      <span className="toolbar-divider" aria-hidden="true" />
      <select className="select select-sm" value={filters.lanes} onChange={(e) => set({ lanes: e.target.value as BoardFilters["lanes"] })} aria-label="Swimlanes">
        <option value="none">No swimlanes</option>
        <option value="epic">Swimlanes by epic</option>
        <option value="assignee">Swimlanes by assignee</option>
      </select>
      <label className="checkbox">
        <input type="checkbox" checked={filters.showBacklog} onChange={(e) => set({ showBacklog: e.target.checked })} />
        Show backlog
      </label>
    </div>
  );
}
