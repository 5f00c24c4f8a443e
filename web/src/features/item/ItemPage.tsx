import type { WorkItem } from "@agileboard/proto/wire";
import { useEffect, useState } from "react";
import { Link } from "wouter";
import { useApp } from "../../app/app-context.js";
import { Shell } from "../../app/Shell.js";
import { STATUS_LABEL, isStatus } from "../../store/board-view.js";
import { describeError } from "../../store/words.js";
import { Avatar } from "../../ui/Avatar.js";
import { PRIORITY_LABEL, PriorityIcon, StatusIcon, TYPE_LABEL, TypeIcon } from "../../ui/icons.js";

/** "PAY-42" → 42, when the key belongs to the project. */
export function numberOfKey(projectKey: string, key: string): number | undefined {
  const match = /^([A-Z0-9]+)-(\d+)$/.exec(key);
  return match && match[1] === projectKey ? Number(match[2]) : undefined;
}

/** One item's fields (a deep link that survives a reload); comments, history and editing come with the item view. */
export function ItemPage({ projectKey, itemRef: itemKeyParam }: { projectKey: string; itemRef: string }) {
  const { projects, session } = useApp();
  const [item, setItem] = useState<WorkItem | null | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [projectName, setProjectName] = useState(projectKey);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const project = await projects.byKey(projectKey);
      if (!project) return setItem(null);
      setProjectName(project.name);
      const number = numberOfKey(projectKey, itemKeyParam);
      let pageToken = "";
      do {
        const page = await session.client.request("listWorkItems", { projectId: project.id, pageSize: 500, pageToken });
        const found = page.items.find((i) => i.number === number);
        if (found) return !cancelled && setItem(found);
        pageToken = page.nextPageToken;
      } while (pageToken);
      if (!cancelled) setItem(null);
    })().catch((err: unknown) => !cancelled && setError(describeError(err)));
    return () => {
      cancelled = true;
    };
  }, [projects, session.client, projectKey, itemKeyParam]);

  const crumbs = [{ label: "Projects", to: "/" }, { label: projectName, to: `/p/${projectKey}` }, { label: itemKeyParam }];
  return (
    <Shell crumbs={crumbs}>
      <main className="page">
        {error ? (
          <p className="error-box" role="alert">
            Couldn't load {itemKeyParam}: {error}
          </p>
        ) : item === undefined ? (
          <div aria-busy="true" aria-label={`Loading ${itemKeyParam}`}>
            <div className="skeleton" style={{ height: 32, width: "60%", marginBottom: 16 }} />
            <div className="skeleton" style={{ height: 120 }} />
          </div>
        ) : item === null ? (
          <div className="panel empty">
            <h2>No item {itemKeyParam}</h2>
            <p>
              It was deleted, or it never existed. <Link href={`/p/${projectKey}`}>Back to the board</Link>
            </p>
          </div>
        ) : (
          <article className="item-layout" aria-label={`${itemKeyParam} ${item.title}`}>
            <div>
              <div className="topbar-group">
                <TypeIcon itemType={item.itemType} />
                <span className="crumb-key">{itemKeyParam}</span>
                {item.isBlocked ? <span className="blocked">Blocked</span> : null}
              </div>
              <h1 className="item-title">{item.title}</h1>
              <h2 className="sr-only">Description</h2>
              {item.description ? <div className="item-description">{item.description}</div> : <p className="subtle">No description.</p>}
              <p style={{ marginTop: 24 }}>
                <Link href={`/p/${projectKey}`} className="btn btn-sm">
                  Back to the board
                </Link>
              </p>
            </div>
            <aside className="panel" aria-label="Details">
              <dl className="props">
                <dt>Status</dt>
                <dd>
                  <StatusIcon status={item.status} size={14} /> {isStatus(item.status) ? STATUS_LABEL[item.status] : "—"}
                </dd>
                <dt>Type</dt>
                <dd>{TYPE_LABEL[item.itemType]}</dd>
                <dt>Priority</dt>
                <dd>
                  <PriorityIcon priority={item.priority} size={14} /> {PRIORITY_LABEL[item.priority]}
                </dd>
                <dt>Assignee</dt>
                <dd>
                  {item.assigneeId ? (
                    <>
                      <Avatar user={item.assigneeId} size={20} /> {item.assigneeId}
                    </>
                  ) : (
                    <span className="subtle">Unassigned</span>
                  )}
                </dd>
                <dt>Points</dt>
                <dd>{item.storyPoints ?? <span className="subtle">—</span>}</dd>
                <dt>Labels</dt>
                <dd>{item.labels.length ? item.labels.join(", ") : <span className="subtle">—</span>}</dd>
                <dt>Created</dt>
                <dd>
                  {new Date(item.createdAtMs).toLocaleString()} by {item.createdBy}
                </dd>
                <dt>Updated</dt>
                <dd>
                  {new Date(item.updatedAtMs).toLocaleString()} by {item.updatedBy}
                </dd>
              </dl>
            </aside>
          </article>
        )}
      </main>
    </Shell>
  );
}
