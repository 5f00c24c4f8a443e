import { WorkItemType } from "@agileboard/client";
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { TYPE_LABEL } from "../../ui/icons.js";

const TYPES = [WorkItemType.WORK_ITEM_TYPE_TASK, WorkItemType.WORK_ITEM_TYPE_STORY, WorkItemType.WORK_ITEM_TYPE_BUG, WorkItemType.WORK_ITEM_TYPE_EPIC];

/** Quick add at the bottom of a column: type a title, Enter adds and keeps the form open for the next one. */
export function QuickAdd({ label, onAdd, onDone }: { label: string; onAdd: (title: string, itemType: number) => void; onDone: () => void }) {
  const [title, setTitle] = useState("");
  const [itemType, setItemType] = useState<number>(WorkItemType.WORK_ITEM_TYPE_TASK);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return;
    onAdd(title, itemType);
    setTitle("");
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") onDone();
  };
  return (
    <div className="quick-add">
      <form onSubmit={submit} onKeyDown={onKeyDown}>
        <input className="input" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="What needs doing?" aria-label={`Title of the new card in ${label}`} autoFocus maxLength={500} />
        <div className="quick-add-row">
          <select className="select select-sm" value={itemType} onChange={(e) => setItemType(Number(e.target.value))} aria-label="Type of the new card">
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABEL[t]}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-ghost btn-sm" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary btn-sm" disabled={!title.trim()}>
            Add
          </button>
        </div>
      </form>
    </div>
  );
}
