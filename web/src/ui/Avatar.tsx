import type { CSSProperties } from "react";
import { colorOf, initialsOf } from "./hue.js";

/** A user's initials on their colour; `title` gives the name on hover. Unassigned shows a dashed ring. */
export function Avatar({ user, size = 22, label }: { user: string; size?: number; label?: string }) {
  if (!user) return <span className="avatar avatar-empty" style={{ "--size": `${size}px` } as CSSProperties} title="Unassigned" aria-hidden="true" />;
  return (
    <span className="avatar" style={{ "--size": `${size}px`, background: colorOf(user) } as CSSProperties} title={label ?? user} aria-hidden="true">
      {initialsOf(user)}
    </span>
  );
}
