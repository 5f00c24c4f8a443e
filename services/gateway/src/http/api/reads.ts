import { InvalidArgumentError, NotFoundError, ViolationList } from "@agileboard/kit";
import { WorkItemStatus, type Activity, type Dependency, type Project, type Sprint, type WorkItem } from "@agileboard/proto";
import type { HttpCaller } from "./callers.js";
import {
  isoTime,
  itemKeyOf,
  presentActivity,
  presentComment,
  presentDependency,
  presentItem,
  presentMember,
  presentProject,
  presentReport,
  presentSprint,
  presentTimeEntry,
  type JsonObject,
  type KeyBook,
} from "./present.js";
import type { ServiceCalls } from "./service-calls.js";

/** Most items one context or board document carries (its `max_items`); the cursor goes beyond. */
export const MAX_DOCUMENT_ITEMS = 500;
export const DEFAULT_CONTEXT_ITEMS = 200;
/** Sprints a context document lists (the most recent), and how many of them get report figures. */
const CONTEXT_SPRINTS = 20;
const CONTEXT_REPORTS = 10;
/** Open dependencies and comments a document carries at most. */
const MAX_DOCUMENT_DEPENDENCIES = 500;
const MAX_ITEM_COMMENTS = 200;
const MAX_ITEM_TIME_ENTRIES = 500;
export const DEFAULT_ITEM_HISTORY = 100;
export const DEFAULT_CONTEXT_ACTIVITY = 50;
/** Item lookups made at once to name the items a document mentions. */
const LOOKUP_CONCURRENCY = 8;

/** Reads a time parameter: ISO 8601 or Unix milliseconds; undefined when absent. */
export function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidArgumentError(`'${field}' must be an ISO 8601 time or Unix milliseconds`, [{ field, description: "must be an ISO 8601 time (2024-05-01T12:00:00Z) or Unix milliseconds" }]);
  return ms;
}

/** Splits "PAY-42" into its project key and number; INVALID_ARGUMENT otherwise. */
export function parseItemKey(key: string, field = "key"): { projectKey: string; number: number } {
  const match = /^([A-Z0-9]{2,10})-([1-9][0-9]{0,15})$/.exec(key);
  if (!match) throw new InvalidArgumentError(`'${field}' must be an item key such as PAY-42`, [{ field, description: "must be an item key such as PAY-42" }]);
  return { projectKey: match[1] as string, number: Number(match[2]) };
}

/** Runs `fn` over `items`, `limit` at a time. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

/** What one request has learnt: the caller's projects, and items by id (to name them by key). */
class RequestBook implements KeyBook {
  private projectsById = new Map<string, Project>();
  private projectsByKey = new Map<string, Project>();
  private loaded = false;
  readonly items = new Map<string, WorkItem>();

  constructor(
    private readonly calls: ServiceCalls,
    private readonly caller: HttpCaller,
  ) {}

  /** Every project the caller can read (archived ones too), by id and key. */
  async loadProjects(): Promise<void> {
    if (this.loaded) return;
    let pageToken = "";
    do {
      const page = await this.calls.read(this.caller, "list_projects", { includeArchived: true, pageSize: 500, pageToken });
      for (const p of page.projects) {
        this.projectsById.set(p.id, p);
        this.projectsByKey.set(p.key, p);
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    this.loaded = true;
  }

  /** The caller's project with this key; NOT_FOUND when there is none the caller can read. */
  async project(key: string): Promise<Project> {
    await this.loadProjects();
    const project = this.projectsByKey.get(key);
    if (!project) throw new NotFoundError(`project '${key}' not found`);
    return project;
  }

  projectKey(projectId: string): string | undefined {
    return this.projectsById.get(projectId)?.key;
  }

  itemKey(itemId: string): string | undefined {
    const item = this.items.get(itemId);
    const projectKey = item && this.projectKey(item.projectId);
    return item && projectKey ? itemKeyOf(projectKey, item.number) : undefined;
  }

  remember(items: readonly WorkItem[]): void {
    for (const item of items) this.items.set(item.id, item);
  }

  /** Looks up the items not known yet (as of a time, if given); those the caller cannot read stay unknown. */
  async learn(ids: Iterable<string>, asOfMs?: number): Promise<void> {
    await this.loadProjects();
    const missing = [...new Set(ids)].filter((id) => id && !this.items.has(id));
    await mapLimited(missing, LOOKUP_CONCURRENCY, async (id) => {
      try {
        this.items.set(id, await this.calls.read(this.caller, "get_work_item", { workItemId: id, ...(asOfMs ? { asOfMs } : {}) }));
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    });
  }
}

/** Builds the epic → story → task tree of items in rank order: children under parents present, the rest at the root. */
export function itemTree(items: readonly WorkItem[], keys: KeyBook): JsonObject[] {
  const nodes = new Map<string, JsonObject & { children: JsonObject[] }>();
  for (const item of items) nodes.set(item.id, { ...presentItem(item, keys), children: [] });
  const roots: JsonObject[] = [];
  for (const item of items) {
    const node = nodes.get(item.id) as JsonObject & { children: JsonObject[] };
    const parent = item.parentId ? nodes.get(item.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** Reads the REST documents, each through the same gRPC calls a socket would make. */
export class ApiReads {
  constructor(private readonly calls: ServiceCalls) {}

  async projects(caller: HttpCaller, q: { includeArchived: boolean; pageSize?: number; cursor?: string; asOfMs?: number }): Promise<JsonObject> {
    const page = await this.calls.read(caller, "list_projects", {
      includeArchived: q.includeArchived,
      pageSize: q.pageSize ?? 0,
      pageToken: q.cursor ?? "",
      ...(q.asOfMs ? { asOfMs: q.asOfMs } : {}),
    });
    return { as_of: q.asOfMs ? isoTime(q.asOfMs) : null, projects: page.projects.map(presentProject), next_cursor: page.nextPageToken || null };
  }

  async project(caller: HttpCaller, key: string, asOfMs?: number): Promise<JsonObject> {
    const book = new RequestBook(this.calls, caller);
    const project = await this.projectAt(book, caller, key, asOfMs);
    const members = await this.members(caller, project.id, asOfMs);
    return { as_of: asOfMs ? isoTime(asOfMs) : null, project: presentProject(project), members: members.map(presentMember) };
  }

  /** The project by key, as it was at `asOfMs` (NOT_FOUND when it did not exist yet). */
  private async projectAt(book: RequestBook, caller: HttpCaller, key: string, asOfMs?: number): Promise<Project> {
    const now = await book.project(key);
    if (!asOfMs) return now;
    let pageToken = "";
    do {
      const page = await this.calls.read(caller, "list_projects", { includeArchived: true, pageSize: 500, pageToken, asOfMs });
      const found = page.projects.find((p) => p.id === now.id);
      if (found) return found;
      pageToken = page.nextPageToken;
    } while (pageToken);
    throw new NotFoundError(`project '${key}' did not exist at ${isoTime(asOfMs)}`);
  }

  private async members(caller: HttpCaller, projectId: string, asOfMs?: number) {
    const out = [];
    let pageToken = "";
    do {
      const page = await this.calls.read(caller, "list_project_members", { projectId, pageSize: 1000, pageToken, ...(asOfMs ? { asOfMs } : {}) });
      out.push(...page.members);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  }

  private async sprintsOf(caller: HttpCaller, projectId: string, asOfMs?: number): Promise<Sprint[]> {
    const out: Sprint[] = [];
    let pageToken = "";
    do {
      const page = await this.calls.read(caller, "list_sprints", { projectId, pageSize: 500, pageToken, ...(asOfMs ? { asOfMs } : {}) });
      out.push(...page.sprints);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  }

  /**
   * The project's whole context in one document for an LLM: the project, members and roles, the item tree
   * (one page of at most `maxItems`, then `next_cursor`), sprints with their report figures, open
   * dependencies and recent activity.
   */
  async context(caller: HttpCaller, key: string, q: { maxItems: number; cursor?: string; asOfMs?: number; activityLimit: number }): Promise<JsonObject> {
    const book = new RequestBook(this.calls, caller);
    const project = await this.projectAt(book, caller, key, q.asOfMs);
    const asOf = q.asOfMs ? { asOfMs: q.asOfMs } : {};
    const [members, itemsPage, sprints, activity] = await Promise.all([
      this.members(caller, project.id, q.asOfMs),
      this.calls.read(caller, "list_work_items", { projectId: project.id, pageSize: q.maxItems, pageToken: q.cursor ?? "", ...asOf }),
      this.sprintsOf(caller, project.id, q.asOfMs),
      this.calls.read(caller, "list_activity", { projectId: project.id, pageSize: q.activityLimit, ...(q.asOfMs ? { untilMs: q.asOfMs } : {}) }),
    ]);
    book.remember(itemsPage.items);
    const recentSprints = sprints.slice(-CONTEXT_SPRINTS);
    const reported = new Set(recentSprints.slice(-CONTEXT_REPORTS).map((s) => s.id));
    const reports = await mapLimited(recentSprints, LOOKUP_CONCURRENCY, async (s) =>
      reported.has(s.id) ? await this.calls.read(caller, "get_sprint_report", { sprintId: s.id }) : undefined,
    );
    const dependencies = await this.openDependencies(caller, book, project.id, q.asOfMs);
    await book.learn([...itemsPage.items.map((i) => i.parentId), ...activity.entries.filter((a) => a.entityType === "work_item").map((a) => a.entityId)], q.asOfMs);
    return {
      about:
        "The whole context of one agileboard project. items.tree nests stories under their epic and tasks and bugs under their story (items whose parent is not on this page sit at the root); pass items.next_cursor as cursor for more items. Times are Unix milliseconds. With as_of, items, members, sprints and dependencies are as they were then (rebuilt from the activity log); report figures are always current (the burndown is in GET /api/v1/sprints/{id}/report). GET /api/v1/schema explains every field.",
      generated_at: isoTime(Date.now()),
      as_of: q.asOfMs ? isoTime(q.asOfMs) : null,
      project: presentProject(project),
      members: members.map(presentMember),
      sprints: recentSprints.map((s, i) => {
        const report = reports[i];
        return {
          ...presentSprint(s),
          // The figures only: an active sprint's burndown ends at "now" and would change the document every time.
          report: report ? { committed_points: report.committedPoints, completed_points: report.completedPoints } : null,
        };
      }),
      items: { count: itemsPage.items.length, tree: itemTree(itemsPage.items, book), next_cursor: itemsPage.nextPageToken || null },
      open_dependencies: dependencies.map((d) => presentDependency(d, book)),
      recent_activity: activity.entries.map((a) => presentActivity(a, book)),
    };
  }

  /** Live dependencies of the project whose blocked item is not done (as of a time, if given). */
  private async openDependencies(caller: HttpCaller, book: RequestBook, projectId: string, asOfMs?: number): Promise<Dependency[]> {
    const all: Dependency[] = [];
    let pageToken = "";
    do {
      const page = await this.calls.read(caller, "list_dependencies", { projectId, pageSize: 1000, pageToken, ...(asOfMs ? { asOfMs } : {}) });
      all.push(...page.dependencies);
      pageToken = page.nextPageToken;
    } while (pageToken && all.length < MAX_DOCUMENT_DEPENDENCIES);
    await book.learn(all.flatMap((d) => [d.blockingItemId, d.blockedItemId]), asOfMs);
    return all
      .filter((d) => {
        const blocked = book.items.get(d.blockedItemId);
        return !blocked || (blocked.status !== WorkItemStatus.WORK_ITEM_STATUS_DONE && blocked.deletedAtMs === 0);
      })
      .slice(0, MAX_DOCUMENT_DEPENDENCIES);
  }

  /** One item with its comments, time entries, dependencies and field-level history. */
  async item(caller: HttpCaller, itemKey: string, q: { asOfMs?: number; historyLimit: number }): Promise<JsonObject> {
    const { projectKey, number } = parseItemKey(itemKey);
    const book = new RequestBook(this.calls, caller);
    const project = await book.project(projectKey).catch((err: unknown) => {
      throw err instanceof NotFoundError ? new NotFoundError(`work item '${itemKey}' not found`) : err;
    });
    const asOf = q.asOfMs ? { asOfMs: q.asOfMs } : {};
    const item = await this.calls.read(caller, "get_work_item", { projectId: project.id, number, ...asOf });
    book.remember([item]);
    const [comments, time, dependencies, history] = await Promise.all([
      this.calls.read(caller, "list_comments", { workItemId: item.id, pageSize: MAX_ITEM_COMMENTS, ...asOf }),
      this.calls.read(caller, "list_time_entries", { workItemId: item.id, pageSize: MAX_ITEM_TIME_ENTRIES, ...asOf }),
      this.calls.read(caller, "list_dependencies", { workItemId: item.id, pageSize: 1000, ...asOf }),
      this.calls.read(caller, "list_activity", { entityId: item.id, pageSize: q.historyLimit, ...(q.asOfMs ? { untilMs: q.asOfMs } : {}) }),
    ]);
    await book.learn([item.parentId, ...dependencies.dependencies.flatMap((d) => [d.blockingItemId, d.blockedItemId])], q.asOfMs);
    return {
      as_of: q.asOfMs ? isoTime(q.asOfMs) : null,
      item: presentItem(item, book),
      comments: comments.comments.map(presentComment),
      comments_truncated: comments.nextPageToken !== "",
      time_entries: time.entries.map(presentTimeEntry),
      total_time_ms: time.totalDurationMs,
      dependencies: dependencies.dependencies.map((d) => presentDependency(d, book)),
      history: history.entries.map((a) => presentActivity(a, book)),
      history_next_cursor: history.nextPageToken || null,
    };
  }

  /** The board: the project's live items by column (status), in rank order. */
  async board(caller: HttpCaller, key: string, q: { maxItems: number; cursor?: string; asOfMs?: number }): Promise<JsonObject> {
    const book = new RequestBook(this.calls, caller);
    const project = await this.projectAt(book, caller, key, q.asOfMs);
    const page = await this.calls.read(caller, "list_work_items", { projectId: project.id, pageSize: q.maxItems, pageToken: q.cursor ?? "", ...(q.asOfMs ? { asOfMs: q.asOfMs } : {}) });
    book.remember(page.items);
    await book.learn(page.items.map((i) => i.parentId), q.asOfMs);
    const columns = ["backlog", "todo", "in_progress", "in_review", "done"].map((status) => ({ status, items: [] as JsonObject[] }));
    for (const item of page.items) {
      const view = presentItem(item, book);
      columns.find((c) => c.status === view["status"])?.items.push(view);
    }
    return { as_of: q.asOfMs ? isoTime(q.asOfMs) : null, project: presentProject(project), columns, next_cursor: page.nextPageToken || null };
  }

  /** Search and filters, in one project (by key) or every project the caller can read. */
  async search(caller: HttpCaller, q: { query: string; pageSize?: number; cursor?: string }): Promise<JsonObject> {
    const result = await this.calls.read(caller, "search_work_items", { projectId: "", query: q.query, pageSize: q.pageSize ?? 0, pageToken: q.cursor ?? "" });
    const book = new RequestBook(this.calls, caller);
    book.remember(result.hits.flatMap((h) => (h.item ? [h.item] : [])));
    await book.learn(result.hits.map((h) => h.item?.parentId ?? ""));
    return {
      query: q.query,
      total: result.total,
      hits: result.hits.flatMap((h) => (h.item ? [{ item: presentItem(h.item, book), snippet: h.snippet }] : [])),
      next_cursor: result.nextPageToken || null,
    };
  }

  /** Activity by project, user and/or entity, in a time range, newest first. */
  async activity(
    caller: HttpCaller,
    q: { projectKey?: string; userId?: string; entity?: string; sinceMs?: number; untilMs?: number; pageSize?: number; cursor?: string },
  ): Promise<JsonObject> {
    const book = new RequestBook(this.calls, caller);
    const v = new ViolationList();
    if (!q.projectKey && !q.userId && !q.entity) v.add("project", "or user or entity is required");
    v.throwIfAny();
    const projectId = q.projectKey ? (await book.project(q.projectKey)).id : "";
    let entityId = q.entity ?? "";
    if (q.entity && /^[A-Z0-9]{2,10}-\d+$/.test(q.entity)) {
      const { projectKey, number } = parseItemKey(q.entity, "entity");
      const project = await book.project(projectKey).catch((err: unknown) => {
        throw err instanceof NotFoundError ? new NotFoundError(`work item '${q.entity}' not found`) : err;
      });
      const item = await this.calls.read(caller, "get_work_item", { projectId: project.id, number });
      book.remember([item]);
      entityId = item.id;
    }
    const page = await this.calls.read(caller, "list_activity", {
      projectId,
      entityId,
      userId: q.userId ?? "",
      pageSize: q.pageSize ?? 0,
      pageToken: q.cursor ?? "",
      ...(q.sinceMs ? { sinceMs: q.sinceMs } : {}),
      ...(q.untilMs ? { untilMs: q.untilMs } : {}),
    });
    await book.learn(page.entries.filter((a: Activity) => a.entityType === "work_item").map((a) => a.entityId));
    return { entries: page.entries.map((a) => presentActivity(a, book)), next_cursor: page.nextPageToken || null };
  }

  /** A project's sprints, oldest first. */
  async sprints(caller: HttpCaller, key: string, asOfMs?: number): Promise<JsonObject> {
    const book = new RequestBook(this.calls, caller);
    const project = await this.projectAt(book, caller, key, asOfMs);
    return { as_of: asOfMs ? isoTime(asOfMs) : null, sprints: (await this.sprintsOf(caller, project.id, asOfMs)).map(presentSprint) };
  }

  /** A sprint and its report: committed and completed points, burndown, velocity. */
  async sprintReport(caller: HttpCaller, sprintId: string): Promise<JsonObject> {
    const [sprint, report] = await Promise.all([this.calls.read(caller, "get_sprint", { sprintId }), this.calls.read(caller, "get_sprint_report", { sprintId })]);
    return { sprint: presentSprint(sprint), report: presentReport(report) };
  }
}
