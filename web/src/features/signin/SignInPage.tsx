import { useState, type FormEvent } from "react";
import { LogoMark } from "../../ui/icons.js";
import type { Identity } from "../../store/session.js";

/** The dev sign-in (AUTH_DEV): any tenant, user and roles; a real deployment signs users in through its host. */
export function SignInPage({ devAuth, onSignIn, problem }: { devAuth: boolean; onSignIn: (identity: Identity) => Promise<void>; problem?: string | undefined }) {
  const [tenant, setTenant] = useState("acme");
  const [user, setUser] = useState("");
  const [roles, setRoles] = useState("");
  const [error, setError] = useState<string | undefined>(problem);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn({ tenantId: tenant.trim(), userId: user.trim(), roles: roles.split(",").map((r) => r.trim()).filter(Boolean) });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <div className="panel signin-card">
        <div className="brand">
          <LogoMark size={24} />
          <span>agileboard</span>
        </div>
        {devAuth ? (
          <>
            <h1>Sign in</h1>
            <p className="muted">Pick a tenant and a user name. Anyone signing in with the same tenant sees the same projects.</p>
            <form onSubmit={(e) => void submit(e)} noValidate>
              <label className="field">
                <span>Tenant</span>
                <input className="input" name="tenant" value={tenant} onChange={(e) => setTenant(e.target.value)} autoComplete="organization" required />
              </label>
              <label className="field">
                <span>User</span>
                <input className="input" name="user" value={user} onChange={(e) => setUser(e.target.value)} placeholder="e.g. alice" autoComplete="username" autoFocus required />
              </label>
              <div className="field">
                <label htmlFor="signin-roles">Roles</label>
                <input id="signin-roles" className="input" name="roles" value={roles} onChange={(e) => setRoles(e.target.value)} placeholder="optional, e.g. admin" aria-describedby="roles-hint" />
                <span id="roles-hint" className="field-hint">
                  Comma-separated. <code>admin</code> is admin of every project of the tenant.
                </span>
              </div>
              {error ? (
                <p className="error-box" role="alert">
                  {error}
                </p>
              ) : null}
              <button type="submit" className="btn btn-primary" disabled={busy || !user.trim() || !tenant.trim()}>
                {busy ? "Signing in…" : "Sign in"}
              </button>
            </form>
            <p className="dev-badge">Development sign-in: tokens come from this server's dev key (AUTH_DEV).</p>
          </>
        ) : (
          <>
            <h1>Sign in through your workspace</h1>
            <p className="muted" style={{ marginTop: 8 }}>
              This board is signed in by the application that hosts it. Open it from there, or ask your administrator for access.
            </p>
            {error ? (
              <p className="error-box" role="alert" style={{ marginTop: 16 }}>
                {error}
              </p>
            ) : null}
          </>
        )}
      </div>
    </main>
  );
}
