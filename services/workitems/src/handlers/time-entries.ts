import type { Database } from "better-sqlite3";
import {
  decodePageToken,
  cutPage,
  checkPageRequest,
  checkId, checkUserId,
  FailedPreconditionError,
  newId,
  NotFoundError,
  PermissionDeniedError,
  requireId,
  ViolationList,
  type CallContext,
  type EventDraft,
  type RpcHandler,
  type Transaction,
  checkAsOf,
  rowsAfterCursor,
} from "@agileboard/kit";
import {
  AccessLevel,
  DeleteTimeEntryRequest,
  LogTimeRequest,
  StartTimerRequest,
  StopTimerRequest,
  TimeEntry as TimeEntryProto,
  type ListTimeEntriesRequest,
  type TimeEntryList,
} from "@agileboard/proto";
import { checkManualEntry, checkNote, newTimeEntry, stopTimer, type TimeEntry } from "../domain/time-entry.js";
import { timeEntriesRepo } from "../repo/time-entries-repo.js";
import { timeEntryToProto } from "../wire.js";
import { authorizeItem, findLiveItem, type WorkItemsDeps } from "./shared.js";
import { AsOfReader } from "./as-of.js";

type TimeChange = "timeEntryStarted" | "timeEntryStopped" | "timeEntryLogged" | "timeEntryDeleted";

const ACTION: Record<TimeChange, string> = {
  timeEntryStarted: "started",
  timeEntryStopped: "stopped",
  timeEntryLogged: "logged",
  timeEntryDeleted: "deleted",
};

/** Writes an entry with its activity row and event. */
function saveEntry(tx: Transaction, entry: TimeEntry, change: TimeChange): TimeEntryProto {
  timeEntriesRepo.save(tx.db, entry);
  tx.recordActivity([
    {
      entityType: "time_entry",
      entityId: entry.id,
      projectId: entry.projectId,
      action: ACTION[change],
      ...(change === "timeEntryStopped" || change === "timeEntryLogged" ? { fieldName: "duration_ms", newValue: String(entry.durationMs) } : {}),
    },
  ]);
  const value = timeEntryToProto(entry);
  tx.emit({ projectId: entry.projectId, entity: "time_entry", change: timeEvent(change, value) });
  return value;
}

function timeEvent(change: TimeChange, value: TimeEntryProto): EventDraft["change"] {
  switch (change) {
    case "timeEntryStarted":
      return { $case: change, value };
    case "timeEntryStopped":
      return { $case: change, value };
    case "timeEntryLogged":
      return { $case: change, value };
    case "timeEntryDeleted":
      return { $case: change, value };
  }
}

/** The caller's own live entry; someone else's is PERMISSION_DENIED, one in an unreadable project NOT_FOUND. */
async function authorizeOwnEntry(deps: WorkItemsDeps, call: CallContext, db: () => Database, entryId: string): Promise<void> {
  const entry = findLiveEntry(db(), entryId);
  await deps.access.require(call, entry.projectId, AccessLevel.ACCESS_LEVEL_READ, `time entry '${entryId}'`);
  if (entry.userId !== call.userId) throw new PermissionDeniedError("only the user who tracked a time entry changes it");
}

function findLiveEntry(db: Database, id: string): TimeEntry {
  const entry = timeEntriesRepo.findById(db, id);
  if (!entry || entry.deletedAt !== null) throw new NotFoundError(`time entry '${id}' not found`);
  return entry;
}

/** StartTimer: starts the caller's timer on an item; a timer already running (anywhere in the tenant) stops. */
export function startTimer(deps: WorkItemsDeps): RpcHandler<StartTimerRequest, TimeEntryProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "StartTimer",
        requestType: StartTimerRequest,
        replyType: TimeEntryProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "work_item_id", r.workItemId);
          checkNote(v, r.note);
          v.throwIfAny();
        },
        authorize: (r, caller, db) => authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const item = findLiveItem(tx.db, r.workItemId);
          const running = timeEntriesRepo.runningFor(tx.db, call.userId);
          if (running) saveEntry(tx, stopTimer(running, tx.now), "timeEntryStopped");
          const entry = newTimeEntry({ id: newId(), item, userId: call.userId, note: r.note, startedAt: tx.now, durationMs: null, now: tx.now });
          return saveEntry(tx, entry, "timeEntryStarted");
        },
      },
      request,
      call,
    );
}

/** StopTimer: stops the caller's running timer. */
export function stopTimerHandler(deps: WorkItemsDeps): RpcHandler<StopTimerRequest, TimeEntryProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "StopTimer",
        requestType: StopTimerRequest,
        replyType: TimeEntryProto,
        validate: (r) => requireId("time_entry_id", r.timeEntryId),
        authorize: (r, caller, db) => authorizeOwnEntry(deps, caller, db, r.timeEntryId),
        execute: (r, tx) => {
          const entry = findLiveEntry(tx.db, r.timeEntryId);
          if (entry.endedAt !== null) throw new FailedPreconditionError(`time entry '${entry.id}' is not running`);
          return saveEntry(tx, stopTimer(entry, tx.now), "timeEntryStopped");
        },
      },
      request,
      call,
    );
}

/** LogTime: records time spent earlier, without a timer. */
export function logTime(deps: WorkItemsDeps): RpcHandler<LogTimeRequest, TimeEntryProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "LogTime",
        requestType: LogTimeRequest,
        replyType: TimeEntryProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "work_item_id", r.workItemId);
          checkManualEntry(v, r, Date.now());
          checkNote(v, r.note);
          v.throwIfAny();
        },
        authorize: (r, caller, db) => authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const item = findLiveItem(tx.db, r.workItemId);
          const entry = newTimeEntry({ id: newId(), item, userId: call.userId, note: r.note, startedAt: r.startedAtMs, durationMs: r.durationMs, now: tx.now });
          return saveEntry(tx, entry, "timeEntryLogged");
        },
      },
      request,
      call,
    );
}

/** DeleteTimeEntry: users delete their own entries (a running timer too). */
export function deleteTimeEntry(deps: WorkItemsDeps): RpcHandler<DeleteTimeEntryRequest, TimeEntryProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "DeleteTimeEntry",
        requestType: DeleteTimeEntryRequest,
        replyType: TimeEntryProto,
        validate: (r) => requireId("time_entry_id", r.timeEntryId),
        authorize: (r, caller, db) => authorizeOwnEntry(deps, caller, db, r.timeEntryId),
        execute: (r, tx) => {
          const entry = findLiveEntry(tx.db, r.timeEntryId);
          return saveEntry(tx, { ...entry, version: entry.version + 1, deletedAt: tx.now }, "timeEntryDeleted");
        },
      },
      request,
      call,
    );
}

const DEFAULT_TIME_PAGE_SIZE = 200;
const MAX_TIME_PAGE_SIZE = 1000;

/**
 * ListTimeEntries: by item (who can read its project sees all its entries) and/or by user (that user's
 * entries in the projects the caller can read), oldest first, by pages. The total covers every matching
 * entry the caller can read, on all pages, with running timers counted up to now.
 */
export function listTimeEntries(deps: WorkItemsDeps): RpcHandler<ListTimeEntriesRequest, TimeEntryList> {
  return async (request, call) => {
    const v = new ViolationList();
    if (!request.workItemId && !request.userId) v.add("work_item_id", "or user_id is required");
    if (request.workItemId) checkId(v, "work_item_id", request.workItemId);
    checkUserId(v, "user_id", request.userId, { required: false });
    checkPageRequest(v, request, MAX_TIME_PAGE_SIZE, 2);
    checkAsOf(v, request.asOfMs);
    v.throwIfAny();
    const db = () => deps.store.open(call.tenantId);
    if (request.workItemId) await authorizeItem(deps, call, db, request.workItemId, AccessLevel.ACCESS_LEVEL_READ, { allowDeleted: true });
    const filter = { ...(request.workItemId ? { workItemId: request.workItemId } : {}), ...(request.userId ? { userId: request.userId } : {}) };
    const limit = request.pageSize || DEFAULT_TIME_PAGE_SIZE;
    const after = decodePageToken(request.pageToken, 2);
    const now = request.asOfMs || Date.now();
    const past = request.asOfMs ? new AsOfReader(db(), request.asOfMs).timeEntries(filter) : undefined;
    const rows = past
      ? rowsAfterCursor(past, (e) => [e.startedAt, e.id], after).slice(0, limit + 1)
      : timeEntriesRepo.list(db(), filter, { ...(after ? { after: [Number(after[0]), String(after[1])] as const } : {}), limit: limit + 1 });
    const totals = past ? totalsOf(past, now) : timeEntriesRepo.totalsByProject(db(), filter, now);
    const readable = new Set<string>();
    await Promise.all(
      [...totals.keys()].map((p) => deps.access.require(call, p, AccessLevel.ACCESS_LEVEL_READ).then(() => readable.add(p), () => undefined)),
    );
    // The cursor follows the last row read, kept or not, so rows of unreadable projects are never read twice.
    const { page, nextPageToken } = cutPage(rows, limit, (e) => Buffer.byteLength(e.note) + 200, (e) => [e.startedAt, e.id]);
    let totalDurationMs = 0;
    for (const [projectId, total] of totals) if (readable.has(projectId)) totalDurationMs += total;
    return { entries: page.filter((e) => readable.has(e.projectId)).map(timeEntryToProto), totalDurationMs, nextPageToken };
  };
}

/** Time per project of entries as they were at `now` (running timers count until then). */
function totalsOf(entries: readonly TimeEntry[], now: number): Map<string, number> {
  const totals = new Map<string, number>();
  for (const e of entries) totals.set(e.projectId, (totals.get(e.projectId) ?? 0) + (e.endedAt === null ? Math.max(0, now - e.startedAt) : e.durationMs));
  return totals;
}
