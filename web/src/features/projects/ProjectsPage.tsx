import type { Project } from "@agileboard/proto/wire";
import { useEffect, useState } from "react";
import { Link, useLocation } from "wouter";
import { useApp } from "../../app/app-context.js";
import { Shell } from "../../app/Shell.js";
import { useSelect } from "../../store/observable.js";
import { describeError } from "../../store/words.js";
import { colorOf } from "../../ui/hue.js";
import { PlusIcon, UsersIcon } from "../../ui/icons.js";
import { Toasts, type ToastMessage } from "../../ui/Toasts.js";
import { CreateProjectDialog } from "./CreateProjectDialog.js";
import { MembersDialog } from "./MembersDialog.js";

let nextToast = 0;

/** The tenant's projects: open one, create one, archive, manage members; with dev auth, a demo project. */
export function ProjectsPage() {
  const { projects, config, session } = useApp();
  const state = useSelect(projects.state, (s) => s);
  const [, navigate] = useLocation();
  const [creating, setCreating] = useState(false);
  const [membersOf, setMembersOf] = useState<Project | undefined>();
  const [toasts, setToasts] = useState<ToastMessage[]>([]);
  const [demo, setDemo] = useState<string | undefined>();

  useEffect(() => {
    void projects.refresh();
  }, [projects]);

  const toast = (tone: ToastMessage["tone"], text: string) => {
    const id = ++nextToast;
    setToasts((t) => [...t, { id, tone, text }]);
    setTimeout(() => setToasts((t) => t.filter((m) => m.id !== id)), 6000);
  };

  const archive = async (project: Project, archived: boolean) => {
    try {
      await projects.setArchived(project, archived);
      toast("info", `${project.name} ${archived ? "archived" : "restored"}.`);
    } catch (err) {
      toast("error", `Couldn't ${archived ? "archive" : "restore"} ${project.name}: ${describeError(err)}`);
    }
  };

  const makeDemo = async () => {
    setDemo("Creating the demo project…");
    try {
      const { generateDemoProject } = await import("@agileboard/demo");
      const project = await generateDemoProject(session.client, { me: session.identity.userId, onProgress: (text) => setDemo(text) });
      await projects.refresh();
      navigate(`/p/${project.key}`);
    } catch (err) {
      toast("error", `Couldn't create the demo project: ${describeError(err)}`);
    } finally {
      setDemo(undefined);
    }
  };

  const actions = (
    <>
      {config.devAuth ? (
        <button type="button" className="btn" onClick={() => void makeDemo()} disabled={demo !== undefined}>
          {demo ?? "Create demo project"}
        </button>
      ) : null}
      <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
        <PlusIcon /> New project
      </button>
    </>
  );

  return (
    <Shell crumbs={[{ label: "Projects" }]}>
      <main className="page">
        <div className="page-head">
          <div>
            <h1>Projects</h1>
            <p>
              {session.identity.tenantId} · {state.projects.length} project{state.projects.length === 1 ? "" : "s"}
            </p>
          </div>
          <div className="topbar-group">
            <label className="checkbox">
              <input type="checkbox" checked={state.includeArchived} onChange={(e) => projects.setIncludeArchived(e.target.checked)} />
              Show archived
            </label>
            {actions}
          </div>
        </div>
        {state.error ? (
          <p className="error-box" role="alert">
            Couldn't load projects: {state.error}
          </p>
        ) : null}
        {state.loading && state.projects.length === 0 ? (
          <div className="panel" aria-busy="true" aria-label="Loading projects">
            {[0, 1, 2].map((i) => (
              <div key={i} className="project-row">
                <div className="skeleton" style={{ width: 36, height: 36 }} />
                <div className="skeleton" style={{ height: 14, width: `${40 + i * 15}%` }} />
                <span />
              </div>
            ))}
          </div>
        ) : state.projects.length === 0 ? (
          <div className="panel empty">
            <div className="empty-art" aria-hidden="true">
              <span />
              <span />
              <span />
            </div>
            <h2>No projects yet</h2>
            <p>Create a project to get a board for your team{config.devAuth ? ", or start with a demo full of cards" : ""}.</p>
            <div className="topbar-group">{actions}</div>
          </div>
        ) : (
          <ul className="panel project-list" aria-label="Projects">
            {state.projects.map((p) => (
              <li key={p.id} className="project-row">
                <span className="project-icon" style={{ background: colorOf(p.key) }} aria-hidden="true">
                  {p.key.slice(0, 3)}
                </span>
                <div style={{ minWidth: 0 }}>
                  <Link href={`/p/${p.key}`} className="project-name">
                    {p.name}
                  </Link>
                  <div className="project-meta">
                    <span className="crumb-key">{p.key}</span>
                    {p.archivedAtMs ? <span className="tag tag-warn">Archived</span> : null}
                    <span>{p.description || "No description"}</span>
                  </div>
                </div>
                <div className="row-actions">
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => setMembersOf(p)} aria-label={`Members of ${p.name}`}>
                    <UsersIcon /> Members
                  </button>
                  <button type="button" className="btn btn-ghost btn-sm" onClick={() => void archive(p, !p.archivedAtMs)} aria-label={`${p.archivedAtMs ? "Restore" : "Archive"} ${p.name}`}>
                    {p.archivedAtMs ? "Restore" : "Archive"}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </main>
      {creating ? <CreateProjectDialog onClose={() => setCreating(false)} onCreated={(p) => navigate(`/p/${p.key}`)} /> : null}
      {membersOf ? <MembersDialog project={membersOf} onClose={() => setMembersOf(undefined)} /> : null}
      <Toasts messages={toasts} onDismiss={(id) => setToasts((t) => t.filter((m) => m.id !== id))} />
    </Shell>
  );
}
