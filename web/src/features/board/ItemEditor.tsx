import { Priority } from "@agileboard/client";
import type { WorkItem } from "@agileboard/proto/wire";
import { useMemo, useState, type FormEvent } from "react";
import { Link } from "wouter";
import { STATUS_LABEL, STATUSES } from "../../store/board-view.js";
import { fieldsOf, sameValue, type FieldName, type ItemPatch } from "../../store/merge.js";
import { Dialog } from "../../ui/Dialog.js";
import { PRIORITY_LABEL, TYPE_LABEL, TypeIcon } from "../../ui/icons.js";

const PRIORITIES = [Priority.PRIORITY_LOW, Priority.PRIORITY_MEDIUM, Priority.PRIORITY_HIGH, Priority.PRIORITY_CRITICAL];

/** The editor's draft of the editable fields. */
interface Draft {
  title: string;
  description: string;
  status: number;
  priority: number;
  assigneeId: string;
  points: string;
  labels: string;
}

function draftOf(item: WorkItem): Draft {
  return {
    title: item.title,
    description: item.description,
    status: item.status,
    priority: item.priority,
    assigneeId: item.assigneeId,
    points: item.storyPoints === undefined ? "" : String(item.storyPoints),
    labels: item.labels.join(", "),
  };
}

/** Only what the user changed relative to `base`: the patch an update sends. */
export function patchOf(base: WorkItem, draft: Draft): ItemPatch {
  const next = {
    title: draft.title.trim(),
    description: draft.description,
    status: draft.status,
    priority: draft.priority,
    assigneeId: draft.assigneeId.trim(),
    storyPoints: draft.points.trim() === "" ? undefined : Number(draft.points),
    labels: [...new Set(draft.labels.split(",").map((l) => l.trim()).filter(Boolean))],
  };
  const before = fieldsOf(base);
  const patch: ItemPatch = {};
  for (const field of Object.keys(next) as FieldName[]) {
    if (!sameValue(before[field], next[field])) (patch as Record<string, unknown>)[field] = next[field];
  }
  return patch;
}

/**
 * Quick edit of a card from the board. It edits the item as it was when the dialog opened: if a teammate saves
 * meanwhile, the board merges field by field (and asks only about fields both changed).
 */
export function ItemEditor({ item, itemKey, fullPage, people, canEdit, onSave, onDelete, onClose }: {
  item: WorkItem;
  itemKey: string;
  /** The item's own page: a path in the app, or a URL opened in a new tab (embedded). */
  fullPage: { href: string; external: boolean };
  people: readonly string[];
  canEdit: boolean;
  onSave: (patch: ItemPatch, base: WorkItem) => void;
  onDelete: (item: WorkItem) => void;
  onClose: () => void;
}) {
  const [base] = useState(item);
  const [draft, setDraft] = useState<Draft>(() => draftOf(item));
  const patch = useMemo(() => patchOf(base, draft), [base, draft]);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const pointsInvalid = draft.points.trim() !== "" && !/^(\d|[1-9]\d|100)$/.test(draft.points.trim());
  const titleInvalid = draft.title.trim() === "";
  const changed = Object.keys(patch).length > 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!changed || pointsInvalid || titleInvalid) return;
    onSave(patch, base);
    onClose();
  };

  return (
    <Dialog
      title={`Edit ${itemKey}`}
      onClose={onClose}
      wide
      footer={
        <>
          {canEdit ? (
            <button type="button" className="btn btn-ghost btn-danger" style={{ marginRight: "auto" }} onClick={() => (onDelete(item), onClose())}>
              Delete
            </button>
          ) : null}
          {fullPage.external ? (
            <a href={fullPage.href} className="btn btn-ghost" target="_blank" rel="noopener noreferrer">
              Open full page
            </a>
          ) : (
            <Link href={fullPage.href} className="btn btn-ghost">
              Open full page
            </Link>
          )}
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="item-editor" className="btn btn-primary" disabled={!canEdit || !changed || pointsInvalid || titleInvalid}>
            Save
          </button>
        </>
      }
    >
      <form id="item-editor" onSubmit={submit} style={{ display: "contents" }}>
        <div className="topbar-group muted">
          <TypeIcon itemType={item.itemType} /> {TYPE_LABEL[item.itemType]}
          {item.isBlocked ? <span className="blocked">Blocked</span> : null}
        </div>
        <label className="field">
          <span>Title</span>
          <input className="input" value={draft.title} onChange={(e) => set({ title: e.target.value })} maxLength={500} readOnly={!canEdit} aria-invalid={titleInvalid} autoFocus />
          {titleInvalid ? <span className="field-error">A title is required.</span> : null}
        </label>
        <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(150px, 1fr))", gap: 12 }}>
          <label className="field">
            <span>Status</span>
            <select className="select" value={draft.status} onChange={(e) => set({ status: Number(e.target.value) })} disabled={!canEdit}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Priority</span>
            <select className="select" value={draft.priority} onChange={(e) => set({ priority: Number(e.target.value) })} disabled={!canEdit}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABEL[p]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Assignee</span>
            <input className="input" value={draft.assigneeId} onChange={(e) => set({ assigneeId: e.target.value })} list="item-editor-people" placeholder="Unassigned" readOnly={!canEdit} />
            <datalist id="item-editor-people">
              {people.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Points</span>
            <input className="input" value={draft.points} onChange={(e) => set({ points: e.target.value })} inputMode="numeric" placeholder="—" readOnly={!canEdit} aria-invalid={pointsInvalid} />
            {pointsInvalid ? <span className="field-error">A whole number from 0 to 100.</span> : null}
          </label>
        </div>
        <label className="field">
          <span>Labels</span>
          <input className="input" value={draft.labels} onChange={(e) => set({ labels: e.target.value })} placeholder="Comma-separated, e.g. frontend, api" readOnly={!canEdit} />
        </label>
        <label className="field">
          <span>Description</span>
          <textarea className="textarea" rows={6} value={draft.description} onChange={(e) => set({ description: e.target.value })} readOnly={!canEdit} />
        </label>
      </form>
    </Dialog>
  );
}
