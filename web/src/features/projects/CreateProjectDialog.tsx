import type { Project } from "@agileboard/proto/wire";
import { useState, type FormEvent } from "react";
import { useApp } from "../../app/app-context.js";
import { FormError } from "../../store/projects-store.js";
import { Dialog } from "../../ui/Dialog.js";

/** A key suggested from a name: its initials, upper-case, 2–10 characters ("Payments Team" → "PT"). */
export function suggestKey(name: string): string {
  const words = name.toUpperCase().replace(/[^A-Z0-9 ]/g, " ").split(/\s+/).filter(Boolean);
  const key = words.length > 1 ? words.map((w) => w[0]).join("") : (words[0] ?? "").slice(0, 4);
  return key.slice(0, 10);
}

/** New project: key, name, description; the server's rules come back as field errors in words. */
export function CreateProjectDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (project: Project) => void }) {
  const { projects } = useApp();
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [keyTouched, setKeyTouched] = useState(false);
  const [description, setDescription] = useState("");
  const [error, setError] = useState<FormError | undefined>();
  const [busy, setBusy] = useState(false);
  const shownKey = keyTouched ? key : suggestKey(name);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const project = await projects.create({ key: shownKey, name: name.trim(), description });
      onClose();
      onCreated(project);
    } catch (err) {
      setError(err instanceof FormError ? err : new FormError(String(err), {}));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="New project"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="create-project" className="btn btn-primary" disabled={busy || !name.trim() || !shownKey}>
            {busy ? "Creating…" : "Create project"}
          </button>
        </>
      }
    >
      <form id="create-project" onSubmit={(e) => void submit(e)} style={{ display: "contents" }} noValidate>
        <label className="field">
          <span>Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="Payments" autoFocus aria-invalid={Boolean(error?.fields["name"])} />
          {error?.fields["name"] ? <span className="field-error">Name {error.fields["name"]}</span> : null}
        </label>
        <div className="field">
          <label htmlFor="project-key">Key</label>
          <input
            id="project-key"
            className="input"
            value={shownKey}
            onChange={(e) => {
              setKeyTouched(true);
              setKey(e.target.value.toUpperCase());
            }}
            placeholder="PAY"
            maxLength={10}
            style={{ fontFamily: "var(--ab-font-mono)", width: 160 }}
            aria-invalid={Boolean(error?.fields["key"])}
            aria-describedby="key-hint"
          />
          <span id="key-hint" className="field-hint">
            2–10 capital letters or digits; cards are numbered {shownKey || "KEY"}-1, {shownKey || "KEY"}-2…
          </span>
          {error?.fields["key"] ? <span className="field-error">Key {error.fields["key"]}</span> : null}
        </div>
        <label className="field">
          <span>Description</span>
          <textarea className="textarea" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What is this project about? (optional)" />
        </label>
        {error && Object.keys(error.fields).length === 0 ? (
          <p className="error-box" role="alert">
            {error.message}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}
