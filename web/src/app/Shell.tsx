import type { ReactNode } from "react";
import { Link } from "wouter";
import { Avatar } from "../ui/Avatar.js";
import { LogoMark, MoonIcon, SunIcon } from "../ui/icons.js";
import { useApp } from "./app-context.js";
import { ConnectionIndicator } from "./ConnectionIndicator.js";

/** A breadcrumb: a link, or the current page when it has no `to`. */
export interface Crumb {
  label: ReactNode;
  to?: string;
}

/** The frame of every signed-in screen: brand, breadcrumbs, page actions, connection, theme and user. */
export function Shell({ crumbs, actions, children }: { crumbs: Crumb[]; actions?: ReactNode; children: ReactNode }) {
  const { session, signOut, theme, embedded } = useApp();
  if (embedded) {
    // Inside a host's page: no brand, user or theme (the host owns those), but who is here and the connection.
    return (
      <>
        <div className="embed-bar">
          <span className="embed-title">{crumbs[crumbs.length - 1]?.label}</span>
          <span className="topbar-spacer" />
          {actions}
          <ConnectionIndicator client={session.client} />
        </div>
        {children}
      </>
    );
  }
  const next = theme.value === "dark" ? "light" : "dark";
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="agileboard home">
          <LogoMark size={20} />
          <span>agileboard</span>
        </Link>
        <nav className="crumbs" aria-label="Breadcrumbs">
          {crumbs.map((c, i) => (
            <span key={i} style={{ display: "contents" }}>
              <span className="subtle" aria-hidden="true">
                /
              </span>
              {c.to ? <Link href={c.to}>{c.label}</Link> : <span aria-current="page">{c.label}</span>}
            </span>
          ))}
        </nav>
        <span className="topbar-spacer" />
        <div className="topbar-group">
          {actions}
          <ConnectionIndicator client={session.client} />
          <button type="button" className="btn btn-ghost btn-icon" aria-label={`Switch to ${next} theme`} onClick={() => theme.setChoice(next)}>
            {theme.value === "dark" ? <SunIcon /> : <MoonIcon />}
          </button>
          <span className="user-chip" title={`${session.identity.userId} · ${session.identity.tenantId}`}>
            <Avatar user={session.identity.userId} size={24} />
            <span>{session.identity.userId}</span>
          </span>
          {signOut ? (
            <button type="button" className="btn btn-ghost btn-sm" onClick={signOut}>
              Sign out
            </button>
          ) : null}
        </div>
      </header>
      {children}
    </>
  );
}
