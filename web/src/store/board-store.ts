import { AgileboardError, WorkItemType, type AgileboardClient, type AgileboardEvent, type PendingMutation, type ReplayFailure } from "@agileboard/client";
import type { Project, WorkItem } from "@agileboard/proto/wire";
import { BoardCache } from "./board-cache.js";
import { deriveView, rankOrder, type BoardView, type PendingRequest } from "./board-view.js";
import { mergeEdit, patchOfUpdate, updateRequestOf, type FieldConflict, type ItemPatch } from "./merge.js";
import { Observable } from "./observable.js";
import { describeError, itemKey } from "./words.js";

/** A message the board shows for a few seconds. */
export interface Notice {
  id: number;
  tone: "error" | "info";
  text: string;
}

/** A conflict waiting for the user: fields both sides changed. */
export interface ConflictPrompt {
  itemId: string;
  key: string;
  conflicts: FieldConflict[];
  /** The version "apply mine" would write on. */
  theirsVersion: number;
}

/** Everything the board screen renders, as one immutable snapshot. */
export interface BoardSnapshot {
  project: Project;
  view: BoardView;
  /** The items as loaded so far are from the offline cache (or nothing is loaded yet). */
  stale: boolean;
  loading: boolean;
  /** Why the board cannot be shown (no access, not found). */
  fatal: string | undefined;
  /** Users with the project open now, besides this one. */
  present: readonly string[];
  /** Items a teammate just changed: id → when (for a brief highlight). */
  recent: ReadonlyMap<string, number>;
  notices: readonly Notice[];
  conflict: ConflictPrompt | undefined;
}

const NOTICE_MS = 6_000;
const HIGHLIGHT_MS = 1_600;
const PAGE_SIZE = 500;

let nextNoticeId = 0;

/**
 * The state of one project's board: the server-confirmed items, the SDK's pending mutations re-applied on top,
 * live events merged by version, presence, notices and conflicts. Components read `state` and call the
 * actions; only the SDK touches the wire.
 */
export class BoardStore {
  readonly state: Observable<BoardSnapshot>;
  private confirmed = new Map<string, WorkItem>();
  private confirmedOrder: string[] = [];
  private pending: PendingRequest[] = [];
  private lastSequence = 0;
  /** The item each pending update was made on, by message id (kept in the cache too). */
  private bases: Record<string, WorkItem> = {};
  private readonly disposers: (() => void)[] = [];
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Ids events touched while a reload ran: the list may predate them, so it must not remove them. */
  private touchedDuringLoad: Set<string> | undefined;
  private closed = false;

  constructor(
    private readonly client: AgileboardClient,
    project: Project,
    private readonly cache: BoardCache,
    private readonly me: string,
  ) {
    this.state = new Observable<BoardSnapshot>({
      project,
      view: { byId: new Map(), order: [], pendingIds: new Set() },
      stale: true,
      loading: true,
      fatal: undefined,
      present: [],
      recent: new Map(),
      notices: [],
      conflict: undefined,
    });
  }

  get projectId(): string {
    return this.state.get().project.id;
  }

  /** Shows the cached board at once, then follows the project live and loads it from the server. */
  async start(): Promise<void> {
    const cached = await this.cache.load(this.projectId);
    if (this.closed) return;
    if (cached) {
      this.replaceConfirmed(cached.items);
      this.lastSequence = cached.lastSequence;
      this.bases = cached.bases;
    }
    this.onPending(this.client.pending);
    this.disposers.push(
      this.client.on("pending", (list) => this.onPending(list)),
      this.client.on("replayFailed", (failure) => this.onReplayFailed(failure)),
      // Every answered mutation, ours or replayed from an earlier session: the result, before it leaves pending.
      this.client.on("answered", ({ reply }) => {
        if (reply.$case === "workItem" && reply.value.projectId === this.projectId) this.confirm(reply.value);
      }),
      this.client.on("state", (s) => {
        // Back online after a stale start: the subscription resumes; make sure the list is fresh too.
        if (s.status === "online" && this.state.get().stale) void this.reload();
      }),
    );
    const unsubscribe = this.client.subscribe(
      this.projectId,
      {
        onEvent: (event) => this.onEvent(event),
        onResync: () => void this.reload(),
        onError: (error) => this.patch({ fatal: describeError(error) }),
      },
      cached ? { after: cached.lastSequence } : {},
    );
    this.disposers.push(unsubscribe);
    unsubscribe.ready.then(
      () => void this.reload(),
      () => this.patch({ loading: false }),
    );
  }

  close(): void {
    this.closed = true;
    for (const dispose of this.disposers.splice(0)) dispose();
    clearTimeout(this.saveTimer);
    this.persist();
  }

  // ---- actions -------------------------------------------------------------------------------------------

  /** Drag and drop: into `status`, between `beforeId` (above) and `afterId` (below). */
  move(itemId: string, status: number, beforeId: string, afterId: string): void {
    const item = this.confirmed.get(itemId);
    if (!item) return;
    const send = (version: number, retried: boolean): void => {
      this.client.request("moveWorkItem", { workItemId: itemId, expectedVersion: version, status, beforeId, afterId }).then(
        (moved) => this.confirm(moved),
        async (error: unknown) => {
          // Someone else changed the card meanwhile: the drop still says where it belongs, so place it again.
          if (!retried && error instanceof AgileboardError && error.code === "CONFLICT") {
            const current = await this.fetchItem(itemId);
            if (current) return send(current.version, true);
          }
          this.notify("error", `Couldn't move ${this.keyOf(item)}: ${describeError(error)}`);
        },
      );
    };
    send(item.version, false);
  }

  /**
   * Changes fields of an item. `base` is the item as the user saw it when they started editing (default: as
   * confirmed now); if the server has moved on since, the edit is merged field by field (see `mergeEdit`).
   */
  update(itemId: string, patch: ItemPatch, base: WorkItem | undefined = this.confirmed.get(itemId)): void {
    if (!base || Object.keys(patch).length === 0) return;
    const messageId = crypto.randomUUID();
    this.bases = { ...this.bases, [messageId]: base };
    this.schedulePersist();
    this.client.request("updateWorkItem", updateRequestOf(itemId, base.version, patch), { messageId }).then(
      (updated) => {
        this.forgetBase(messageId);
        this.confirm(updated);
      },
      (error: unknown) => {
        this.forgetBase(messageId);
        void this.afterRefusedUpdate(itemId, base, patch, error);
      },
    );
  }

  /** Quick add: a new card at the bottom of a column. */
  create(title: string, status: number, itemType: WorkItemType = WorkItemType.WORK_ITEM_TYPE_TASK): void {
    const text = title.trim();
    if (!text) return;
    this.client.request("createWorkItem", { projectId: this.projectId, title: text, status, itemType }).then(
      (created) => this.confirm(created),
      (error: unknown) => this.notify("error", `Couldn't add "${text}": ${describeError(error)}`),
    );
  }

  /** Deletes an item (soft). */
  remove(itemId: string): void {
    const item = this.confirmed.get(itemId);
    if (!item) return;
    this.client.request("deleteWorkItem", { workItemId: itemId, expectedVersion: item.version }).then(
      (deleted) => this.confirm(deleted),
      (error: unknown) => this.notify("error", `Couldn't delete ${this.keyOf(item)}: ${describeError(error)}`),
    );
  }

  /** The conflict dialog's answer: keep the server's values, or write mine over them. */
  resolveConflict(choice: "theirs" | "mine"): void {
    const prompt = this.state.get().conflict;
    if (!prompt) return;
    this.patch({ conflict: undefined });
    if (choice === "theirs") return;
    const patch: ItemPatch = {};
    for (const c of prompt.conflicts) (patch as Record<string, unknown>)[c.field] = c.mine;
    const current = this.confirmed.get(prompt.itemId);
    if (!current) return;
    this.client.request("updateWorkItem", updateRequestOf(prompt.itemId, current.version, patch)).then(
      (updated) => this.confirm(updated),
      (error: unknown) => void this.afterRefusedUpdate(prompt.itemId, current, patch, error),
    );
  }

  /** The item as confirmed now (an editor starts from it). */
  item(itemId: string): WorkItem | undefined {
    return this.confirmed.get(itemId);
  }

  dismissNotice(id: number): void {
    this.patch({ notices: this.state.get().notices.filter((n) => n.id !== id) });
  }

  // ---- server state --------------------------------------------------------------------------------------

  /** Loads every page of the project's items and merges them by version. */
  async reload(): Promise<void> {
    this.patch({ loading: true });
    this.touchedDuringLoad = new Set();
    try {
      const items: WorkItem[] = [];
      let pageToken = "";
      do {
        const page = await this.client.request("listWorkItems", { projectId: this.projectId, pageSize: PAGE_SIZE, pageToken });
        items.push(...page.items);
        pageToken = page.nextPageToken;
      } while (pageToken);
      if (this.closed) return;
      const listed = new Set(items.map((i) => i.id));
      // Items the server no longer lists are gone, unless an event newer than the list says otherwise.
      const touched = this.touchedDuringLoad;
      for (const [id, item] of this.confirmed) if (!listed.has(id) && item.deletedAtMs === 0 && !touched.has(id)) this.confirmed.delete(id);
      for (const item of items) this.upsert(item);
      this.reorder();
      this.touchedDuringLoad = undefined;
      this.patch({ stale: false, loading: false, fatal: undefined });
      this.schedulePersist();
    } catch (error) {
      if (this.closed) return;
      this.touchedDuringLoad = undefined;
      // Offline or refused: keep what is shown (the cache) and say why when it is not just the network.
      const network = !(error instanceof AgileboardError);
      this.patch({ loading: false, ...(network ? {} : { fatal: describeError(error) }) });
    }
  }

  private onEvent(event: AgileboardEvent): void {
    if (event.sequence > this.lastSequence) this.lastSequence = event.sequence;
    const change = event.change;
    if (!change) return;
    switch (change.$case) {
      case "workItemCreated":
      case "workItemUpdated":
      case "workItemDeleted": {
        const before = this.confirmed.get(change.value.id);
        this.touchedDuringLoad?.add(change.value.id);
        if (!this.upsert(change.value)) return;
        this.reorder();
        if (event.actorUserId !== this.me || !before) this.highlight(change.value.id);
        this.schedulePersist();
        return;
      }
      case "presenceJoined":
        if (change.value.userId !== this.me) this.patch({ present: [...new Set([...this.state.get().present, change.value.userId])].sort() });
        return;
      case "presenceLeft":
        this.patch({ present: this.state.get().present.filter((u) => u !== change.value.userId) });
        return;
      case "projectUpdated":
        this.patch({ project: change.value });
        return;
      case "memberRemoved":
        if (change.value.userId === this.me) this.patch({ fatal: "You were removed from this project." });
        return;
      default:
        return;
    }
  }

  private onPending(list: readonly PendingMutation[]): void {
    this.pending = list.map((m) => ({ messageId: m.messageId, request: m.request }));
    this.rederive();
  }

  /** A mutation replayed after being offline was refused: an edit is merged like a live one, anything else said. */
  private onReplayFailed({ mutation, error }: ReplayFailure): void {
    const request = mutation.request;
    if (request.$case === "updateWorkItem" && error.code === "CONFLICT") {
      const base = this.bases[mutation.messageId];
      this.forgetBase(mutation.messageId);
      void this.afterRefusedUpdate(request.value.workItemId, base, patchOfUpdate(request.value), error);
      return;
    }
    if (request.$case === "moveWorkItem" && error.code === "CONFLICT") {
      const { workItemId, status, beforeId, afterId } = request.value;
      void this.fetchItem(workItemId).then((current) => current && this.move(workItemId, status, beforeId, afterId));
      return;
    }
    this.notify("error", `A change made offline was refused: ${describeError(error)}`);
  }

  private async afterRefusedUpdate(itemId: string, base: WorkItem | undefined, patch: ItemPatch, error: unknown): Promise<void> {
    if (!(error instanceof AgileboardError) || error.code !== "CONFLICT") {
      this.notify("error", `Couldn't save ${this.keyOf(base ?? this.confirmed.get(itemId))}: ${describeError(error)}`);
      return;
    }
    const theirs = await this.fetchItem(itemId);
    if (!theirs) {
      this.notify("error", `Couldn't save ${this.keyOf(base)}: it was deleted meanwhile.`);
      return;
    }
    const { autoApply, conflicts } = mergeEdit(base, patch, theirs);
    if (Object.keys(autoApply).length > 0) {
      this.client.request("updateWorkItem", updateRequestOf(itemId, theirs.version, autoApply)).then(
        (updated) => this.confirm(updated),
        (again: unknown) => void this.afterRefusedUpdate(itemId, theirs, autoApply, again),
      );
      if (conflicts.length === 0) this.notify("info", `${this.keyOf(theirs)} changed meanwhile; your edit was applied on top.`);
    }
    if (conflicts.length > 0) {
      this.patch({ conflict: { itemId, key: this.keyOf(theirs), conflicts, theirsVersion: theirs.version } });
    }
  }

  private async fetchItem(itemId: string): Promise<WorkItem | undefined> {
    try {
      const item = await this.client.request("getWorkItem", { workItemId: itemId });
      this.confirm(item);
      return item.deletedAtMs === 0 ? item : undefined;
    } catch {
      return undefined;
    }
  }

  /** A reply carries the item as it is now. */
  private confirm(item: WorkItem): void {
    if (!this.upsert(item)) return;
    this.reorder();
    this.schedulePersist();
  }

  /** Keeps the newer of two versions of an item; true when something changed. */
  private upsert(item: WorkItem): boolean {
    const current = this.confirmed.get(item.id);
    if (current && current.version >= item.version) return false;
    this.confirmed.set(item.id, item);
    return true;
  }

  private replaceConfirmed(items: readonly WorkItem[]): void {
    this.confirmed = new Map(items.map((i) => [i.id, i]));
    this.reorder();
  }

  private reorder(): void {
    this.confirmedOrder = rankOrder(this.confirmed.values());
    this.rederive();
  }

  private rederive(): void {
    const live = new Map<string, WorkItem>();
    for (const [id, item] of this.confirmed) if (item.deletedAtMs === 0) live.set(id, item);
    this.patch({ view: deriveView(this.projectId, live, this.confirmedOrder, this.pending) });
  }

  private highlight(id: string): void {
    const now = Date.now();
    const recent = new Map(this.state.get().recent);
    recent.set(id, now);
    this.patch({ recent });
    setTimeout(() => {
      if (this.closed || this.state.get().recent.get(id) !== now) return;
      const next = new Map(this.state.get().recent);
      next.delete(id);
      this.patch({ recent: next });
    }, HIGHLIGHT_MS);
  }

  private notify(tone: Notice["tone"], text: string): void {
    if (this.closed) return;
    const notice = { id: ++nextNoticeId, tone, text };
    this.patch({ notices: [...this.state.get().notices, notice].slice(-4) });
    setTimeout(() => this.dismissNotice(notice.id), NOTICE_MS);
  }

  private forgetBase(messageId: string): void {
    if (!(messageId in this.bases)) return;
    const { [messageId]: _gone, ...rest } = this.bases;
    this.bases = rest;
    this.schedulePersist();
  }

  private keyOf(item: WorkItem | undefined): string {
    return item ? itemKey(this.state.get().project.key, item) : "the card";
  }

  private patch(change: Partial<BoardSnapshot>): void {
    this.state.update((s) => ({ ...s, ...change }));
  }

  private schedulePersist(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.persist(), 300);
  }

  private persist(): void {
    void this.cache.save({
      projectId: this.projectId,
      items: [...this.confirmed.values()].filter((i) => i.deletedAtMs === 0),
      lastSequence: this.lastSequence,
      savedAtMs: Date.now(),
      bases: this.bases,
    });
  }
}

