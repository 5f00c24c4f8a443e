import type { ConflictPrompt } from "../../store/board-store.js";
import type { FieldName } from "../../store/merge.js";
import { Dialog } from "../../ui/Dialog.js";
import { PRIORITY_LABEL } from "../../ui/icons.js";
import { STATUS_LABEL, isStatus } from "../../store/board-view.js";

const FIELD_LABEL: Record<FieldName, string> = {
  title: "Title",
  description: "Description",
  status: "Status",
  priority: "Priority",
  assigneeId: "Assignee",
  storyPoints: "Points",
  labels: "Labels",
};

/** A field value in words. */
export function showValue(field: FieldName, value: unknown): string {
  if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return "—";
  if (field === "status" && typeof value === "number" && isStatus(value)) return STATUS_LABEL[value];
  if (field === "priority" && typeof value === "number") return PRIORITY_LABEL[value] ?? String(value);
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

/** Both sides changed the same fields: theirs and yours side by side, keep theirs or apply mine. */
export function ConflictDialog({ prompt, onResolve }: { prompt: ConflictPrompt; onResolve: (choice: "theirs" | "mine") => void }) {
  return (
    <Dialog
      title={`${prompt.key} was changed while you edited it`}
      onClose={() => onResolve("theirs")}
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={() => onResolve("theirs")}>
            Keep theirs
          </button>
          <button type="button" className="btn btn-primary" onClick={() => onResolve("mine")}>
            Apply mine
          </button>
        </>
      }
    >
      <p className="muted">
        Someone saved a different value for {prompt.conflicts.length === 1 ? "a field" : "fields"} you changed; anything else you changed is saved. Choose which version to keep:
      </p>
      <div className="compare" role="table" aria-label="Conflicting changes">
        <div role="row" style={{ display: "contents" }}>
          <div className="compare-head" role="columnheader">
            Field
          </div>
          <div className="compare-head" role="columnheader">
            Theirs (saved)
          </div>
          <div className="compare-head" role="columnheader">
            Yours
          </div>
        </div>
        {prompt.conflicts.map((c) => (
          <div key={c.field} role="row" style={{ display: "contents" }}>
            <div className="field-name" role="rowheader">
              {FIELD_LABEL[c.field]}
            </div>
            <div role="cell">{showValue(c.field, c.theirs)}</div>
            <div role="cell" className="mine">
              {showValue(c.field, c.mine)}
            </div>
          </div>
        ))}
      </div>
    </Dialog>
  );
}
