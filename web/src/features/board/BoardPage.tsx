import { ProjectRole } from "@agileboard/client";
import type { Project, WorkItem } from "@agileboard/proto/wire";
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore, type CSSProperties } from "react";
import { useSearchParams } from "wouter";
import { useApp } from "../../app/app-context.js";
import { Shell } from "../../app/Shell.js";
import { BoardStore } from "../../store/board-store.js";
import { useSelect } from "../../store/observable.js";
import { itemKey } from "../../store/words.js";
import { Avatar } from "../../ui/Avatar.js";
import { Toasts } from "../../ui/Toasts.js";
import { Board } from "./Board.js";
import { ConflictDialog } from "./ConflictDialog.js";
import { filtersFromParams, paramsOfFilters, type BoardFilters } from "./filters.js";
import { ItemEditor } from "./ItemEditor.js";
import { Toolbar } from "./Toolbar.js";

/** Finds the project of a key (also offline, from the last list seen), then shows its board. */
export function BoardPage({ projectKey }: { projectKey: string }) {
  const { projects } = useApp();
  const [project, setProject] = useState<Project | null | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    setProject(undefined);
    projects.byKey(projectKey).then(
      (p) => !cancelled && setProject(p ?? null),
      () => !cancelled && setProject(null),
    );
    return () => {
      cancelled = true;
    };
  }, [projects, projectKey]);

  if (project === undefined) {
    return (
      <Shell crumbs={[{ label: "Projects", to: "/" }, { label: projectKey }]}>
        <BoardSkeleton />
      </Shell>
    );
  }
  if (project === null) {
    return (
      <Shell crumbs={[{ label: "Projects", to: "/" }, { label: projectKey }]}>
        <main className="page">
          <div className="panel empty">
            <h2>No project {projectKey}</h2>
            <p>It does not exist, or you are not a member. Ask a project admin to add you.</p>
          </div>
        </main>
      </Shell>
    );
  }
  return <LiveBoard key={project.id} project={project} />;
}

/** Placeholder columns while the project is found, so nothing jumps when the board arrives. */
function BoardSkeleton() {
  return (
    <div className="board-page" aria-busy="true" aria-label="Loading the board">
      <div className="board-head">
        <div className="skeleton" style={{ width: 220, height: 26 }} />
      </div>
      <div className="toolbar">
        <div className="skeleton" style={{ width: 220, height: 28 }} />
      </div>
      <div className="board-scroller">
        <div className="columns">
          {[5, 3, 2, 2, 4].map((n, c) => (
            <div key={c} className="column" style={{ padding: 8 }}>
              <div className="skeleton" style={{ height: 16, width: "40%", margin: "4px 4px 12px" }} />
              {Array.from({ length: n }, (_, i) => (
                <div key={i} className="skeleton" style={{ height: 78, marginBottom: 8 }} />
              ))}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

/** The board of a known project: its store lives as long as the page. */
function LiveBoard({ project }: { project: Project }) {
  const { session, cache, projects, embedded, server } = useApp();
  const me = session.identity.userId;
  const store = useMemo(() => new BoardStore(session.client, project, cache, me), [session.client, project, cache, me]);
  useEffect(() => {
    void store.start();
    return () => store.close();
  }, [store]);

  const snapshot = useSelect(store.state, (s) => s);
  const online = useSyncExternalStore(
    (listener) => session.client.onStateChange(listener),
    () => session.client.state.status === "online",
  );
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const setFilters = useCallback((next: BoardFilters) => setParams(paramsOfFilters(next), { replace: true }), [setParams]);
  const projectKey = snapshot.project.key;
  const keyOf = useCallback((item: WorkItem) => itemKey(projectKey, item), [projectKey]);

  // Viewers get a read-only board; the server enforces it either way.
  const [canEdit, setCanEdit] = useState(true);
  useEffect(() => {
    if (session.identity.roles.includes("admin")) return;
    projects.members(project.id).then(
      (members) => setCanEdit(members.find((m) => m.userId === me)?.role !== ProjectRole.PROJECT_ROLE_VIEWER),
      () => undefined,
    );
  }, [projects, project.id, me, session.identity.roles]);

  const [editing, setEditing] = useState<string | undefined>();
  const onOpen = useCallback((item: WorkItem) => {
    if (item.number > 0) setEditing(item.id);
  }, []);
  const editingItem = editing ? snapshot.view.byId.get(editing) : undefined;
  const people = useMemo(() => [...new Set([me, ...snapshot.present, ...[...snapshot.view.byId.values()].map((i) => i.assigneeId).filter(Boolean)])].sort(), [me, snapshot.present, snapshot.view.byId]);
  const onMove = useCallback((id: string, status: number, beforeId: string, afterId: string) => store.move(id, status, beforeId, afterId), [store]);
  const onAssign = useCallback((id: string, assigneeId: string) => store.update(id, { assigneeId }), [store]);
  const onAdd = useCallback((title: string, status: number, itemType: number) => store.create(title, status, itemType), [store]);

  const archived = snapshot.project.archivedAtMs > 0;
  const presence = (
    <span className="presence" aria-label={snapshot.present.length ? `Also here: ${snapshot.present.join(", ")}` : "Nobody else here"} role="group">
      <span className="avatar-stack">
        {snapshot.present.slice(0, 4).map((u) => (
          <Avatar key={u} user={u} size={24} label={`${u} is here`} />
        ))}
      </span>
      {snapshot.present.length > 4 ? <span>+{snapshot.present.length - 4}</span> : null}
      {snapshot.present.length ? <span className="presence-label">here now</span> : null}
    </span>
  );

  return (
    <Shell crumbs={[{ label: "Projects", to: "/" }, { label: <>{snapshot.project.name} <span className="crumb-key">{projectKey}</span></> }]} actions={presence}>
      <div className="board-page">
        {snapshot.fatal ? <div className="banner banner-error" role="alert">{snapshot.fatal}</div> : null}
        {snapshot.stale && !online && !snapshot.fatal && snapshot.view.order.length > 0 ? (
          <div className="banner" role="status">
            Showing the board as last loaded in this browser: changes you make are kept and sent when the connection is back.
          </div>
        ) : null}
        {archived ? <div className="banner">This project is archived: the board is read-only.</div> : null}
        {embedded ? null : (
          <div className="board-head">
            <h1>{snapshot.project.name}</h1>
          </div>
        )}
        <Toolbar filters={filters} onChange={setFilters} view={snapshot.view} me={me} />
        <div className="board-scroller" style={{ "--ab-column-count": filters.showBacklog ? 5 : 4 } as CSSProperties}>
          {snapshot.loading && snapshot.view.order.length === 0 ? (
            <p className="muted" style={{ padding: 8 }}>
              Loading cards…
            </p>
          ) : null}
          <Board view={snapshot.view} flags={store.state} filters={filters} me={me} keyOf={keyOf} canEdit={canEdit && !archived} onOpen={onOpen} onMove={onMove} onAssign={onAssign} onAdd={onAdd} />
        </div>
      </div>
      {editingItem ? (
        <ItemEditor
          item={editingItem}
          itemKey={keyOf(editingItem)}
          fullPage={{ href: `${embedded ? server : ""}/p/${projectKey}/items/${keyOf(editingItem)}`, external: embedded }}
          people={people}
          canEdit={canEdit && !archived}
          onSave={(patch, base) => store.update(base.id, patch, base)}
          onDelete={(item) => store.remove(item.id)}
          onClose={() => setEditing(undefined)}
        />
      ) : null}
      {snapshot.conflict ? <ConflictDialog prompt={snapshot.conflict} onResolve={(choice) => store.resolveConflict(choice)} /> : null}
      <Toasts messages={snapshot.notices} onDismiss={(id) => store.dismissNotice(id)} />
    </Shell>
  );
}
