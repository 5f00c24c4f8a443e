import { CloseIcon } from "./icons.js";

/** A short message in the corner: the outcome of something the user did, in words. */
export interface ToastMessage {
  id: number;
  tone: "error" | "info";
  text: string;
}

/** The corner stack of messages; errors are announced to screen readers at once, others politely. */
export function Toasts({ messages, onDismiss }: { messages: readonly ToastMessage[]; onDismiss: (id: number) => void }) {
  return (
    <div className="toasts" aria-live="polite">
      {messages.map((m) => (
        <div key={m.id} className="toast" data-tone={m.tone} role={m.tone === "error" ? "alert" : "status"}>
          <p>{m.text}</p>
          <button type="button" className="btn btn-ghost btn-sm btn-icon" aria-label="Dismiss" onClick={() => onDismiss(m.id)}>
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
