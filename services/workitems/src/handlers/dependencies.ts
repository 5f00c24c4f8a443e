import type { Database } from "better-sqlite3";
import {
  decodePageToken,
  cutPage,
  checkPageRequest,
  checkEnum,
  checkId,
  ConflictError,
  FailedPreconditionError,
  newId,
  NotFoundError,
  requireId,
  ViolationList,
  type CallContext,
  type RpcHandler,
  type Transaction,
  checkAsOf,
  rowsAfterCursor,
} from "@agileboard/kit";
import {
  AccessLevel,
  AddDependencyRequest,
  Dependency as DependencyProto,
  RemoveDependencyRequest,
  type DependencyList,
  type ListDependenciesRequest,
} from "@agileboard/proto";
import { cycleOf } from "../domain/dependency-graph.js";
import { dependenciesRepo, type DependencyRow } from "../repo/dependencies-repo.js";
import { workItemsRepo } from "../repo/work-items-repo.js";
import { DEPENDENCY_KIND_VALUES, dependencyKindFromProto, dependencyToProto } from "../wire.js";
import { authorizeItem, findLiveItem, type WorkItemsDeps } from "./shared.js";
import { AsOfReader } from "./as-of.js";

/** Writes an edge change with its activity row, and tells both items' projects. */
function emitDependency(tx: Transaction, edge: DependencyRow, change: "dependencyAdded" | "dependencyRemoved"): DependencyProto {
  const value = dependencyToProto(edge);
  tx.recordActivity([
    {
      entityType: "dependency",
      entityId: edge.id,
      projectId: edge.project_id,
      action: change === "dependencyAdded" ? "created" : "deleted",
      fieldName: "kind",
      newValue: edge.kind,
    },
  ]);
  const projects = new Set([edge.project_id, findLiveOrDeleted(tx.db, edge.blocking_item_id).projectId]);
  for (const projectId of projects) {
    tx.emit({ projectId, entity: "dependency", change: change === "dependencyAdded" ? { $case: "dependencyAdded", value } : { $case: "dependencyRemoved", value } });
  }
  return value;
}

function findLiveOrDeleted(db: Database, id: string) {
  const item = workItemsRepo.findById(db, id);
  if (!item) throw new NotFoundError(`work item '${id}' not found`);
  return item;
}

/** Names a chain of items for a message: PAY-3 → PAY-1 → PAY-3 (the project key when the caller can read it). */
async function nameItems(deps: WorkItemsDeps, call: CallContext, db: Database, ids: readonly string[]): Promise<string> {
  const keys = new Map<string, string>();
  const items = ids.map((id) => workItemsRepo.findById(db, id));
  for (const projectId of new Set(items.flatMap((i) => (i ? [i.projectId] : [])))) {
    const access = await deps.access.require(call, projectId, AccessLevel.ACCESS_LEVEL_READ).catch(() => undefined);
    if (access) keys.set(projectId, access.projectKey);
  }
  return items.map((item, i) => (item && keys.has(item.projectId) ? `${keys.get(item.projectId)}-${item.number}` : `item ${ids[i]}`)).join(" → ");
}

/** AddDependency: "A blocks B" (never closing a cycle) or "A relates to B", between items of the tenant. */
export function addDependency(deps: WorkItemsDeps): RpcHandler<AddDependencyRequest, DependencyProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "AddDependency",
        requestType: AddDependencyRequest,
        replyType: DependencyProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "blocking_item_id", r.blockingItemId);
          checkId(v, "blocked_item_id", r.blockedItemId);
          checkEnum(v, "kind", r.kind, DEPENDENCY_KIND_VALUES);
          if (r.blockingItemId && r.blockingItemId === r.blockedItemId) v.add("blocked_item_id", "must differ from blocking_item_id");
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          await authorizeItem(deps, caller, db, r.blockedItemId, AccessLevel.ACCESS_LEVEL_WRITE);
          await authorizeItem(deps, caller, db, r.blockingItemId, AccessLevel.ACCESS_LEVEL_READ);
          if (dependencyKindFromProto(r.kind) === "blocks") {
            const cycle = cycleOf(r.blockingItemId, r.blockedItemId, (id) => dependenciesRepo.blockedBy(db(), id));
            if (cycle) throw new FailedPreconditionError(`'blocks' would close a cycle: ${await nameItems(deps, caller, db(), cycle)}`);
          }
        },
        execute: (r, tx) => {
          const kind = dependencyKindFromProto(r.kind) ?? "blocks";
          const blocked = findLiveItem(tx.db, r.blockedItemId);
          findLiveItem(tx.db, r.blockingItemId);
          const existing =
            dependenciesRepo.findLive(tx.db, r.blockingItemId, r.blockedItemId, kind) ??
            (kind === "relates_to" ? dependenciesRepo.findLive(tx.db, r.blockedItemId, r.blockingItemId, kind) : undefined);
          if (existing) throw new ConflictError(`these items already have a '${kind}' dependency ('${existing.id}')`);
          // Checked again under the write lock: another edge may have landed since authorization.
          if (kind === "blocks") {
            const cycle = cycleOf(r.blockingItemId, r.blockedItemId, (id) => dependenciesRepo.blockedBy(tx.db, id));
            if (cycle) throw new FailedPreconditionError(`'blocks' would close a cycle: ${cycle.join(" → ")}`);
          }
          const edge: DependencyRow = {
            id: newId(),
            blocking_item_id: r.blockingItemId,
            blocked_item_id: r.blockedItemId,
            kind,
            project_id: blocked.projectId,
            created_at: tx.now,
            created_by: call.userId,
            deleted_at: null,
          };
          dependenciesRepo.insert(tx.db, edge);
          return emitDependency(tx, edge, "dependencyAdded");
        },
      },
      request,
      call,
    );
}

function findLiveDependency(db: Database, id: string): DependencyRow {
  const edge = dependenciesRepo.findById(db, id);
  if (!edge || edge.deleted_at !== null) throw new NotFoundError(`dependency '${id}' not found`);
  return edge;
}

/** RemoveDependency: editors of the blocked item's project remove an edge. */
export function removeDependency(deps: WorkItemsDeps): RpcHandler<RemoveDependencyRequest, DependencyProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "RemoveDependency",
        requestType: RemoveDependencyRequest,
        replyType: DependencyProto,
        validate: (r) => requireId("dependency_id", r.dependencyId),
        authorize: async (r, caller, db) => {
          await deps.access.require(caller, findLiveDependency(db(), r.dependencyId).project_id, AccessLevel.ACCESS_LEVEL_WRITE, `dependency '${r.dependencyId}'`);
        },
        execute: (r, tx) => {
          const edge = findLiveDependency(tx.db, r.dependencyId);
          dependenciesRepo.markDeleted(tx.db, edge.id, tx.now);
          return emitDependency(tx, { ...edge, deleted_at: tx.now }, "dependencyRemoved");
        },
      },
      request,
      call,
    );
}

const DEFAULT_DEPENDENCY_PAGE_SIZE = 500;
const MAX_DEPENDENCY_PAGE_SIZE = 1000;

/** ListDependencies: the edges where an item blocks and where it is blocked, oldest first, by pages. */
export function listDependencies(deps: WorkItemsDeps): RpcHandler<ListDependenciesRequest, DependencyList> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          if (r.projectId) {
            checkId(v, "project_id", r.projectId);
            if (r.workItemId) v.add("project_id", "cannot be given together with work_item_id");
          } else {
            checkId(v, "work_item_id", r.workItemId);
          }
          checkPageRequest(v, r, MAX_DEPENDENCY_PAGE_SIZE, 2);
          checkAsOf(v, r.asOfMs);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          if (r.projectId) await deps.access.require(caller, r.projectId, AccessLevel.ACCESS_LEVEL_READ);
          else await authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_READ, { allowDeleted: true });
        },
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_DEPENDENCY_PAGE_SIZE;
          const after = decodePageToken(r.pageToken, 2);
          const pageRequest = { ...(after ? { after: [Number(after[0]), String(after[1])] as const } : {}), limit: limit + 1 };
          let rows: DependencyRow[];
          if (r.asOfMs) {
            const reader = new AsOfReader(db, r.asOfMs);
            const all = r.projectId ? reader.dependenciesOfProject(r.projectId) : reader.dependenciesOf(r.workItemId);
            rows = rowsAfterCursor(all, (d) => [d.created_at, d.id], after).slice(0, limit + 1);
          } else {
            rows = r.projectId ? dependenciesRepo.ofProject(db, r.projectId, pageRequest) : dependenciesRepo.touching(db, r.workItemId, pageRequest);
          }
          // Rows are ids and a kind: a page of them is small, so only the count bounds it.
          const { page, nextPageToken } = cutPage(rows, limit, () => 0, (d) => [d.created_at, d.id]);
          return { dependencies: page.map(dependencyToProto), nextPageToken };
        },
      },
      request,
      call,
    );
}

