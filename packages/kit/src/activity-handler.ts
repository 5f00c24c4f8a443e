import type { ActivityList, ListActivityRequest } from "@agileboard/proto";
import { InvalidArgumentError, ViolationList } from "./errors.js";
import type { CallContext } from "./grpc/call-context.js";
import type { RpcHandler } from "./grpc/server.js";
import { queryActivity } from "./storage/activity.js";
import type { TenantStore } from "./storage/tenant-store.js";
import { checkOptionalId, checkUserId } from "./validation.js";
import { cutPage } from "./paging.js";

export const DEFAULT_ACTIVITY_PAGE_SIZE = 50;
export const MAX_ACTIVITY_PAGE_SIZE = 200;

/** Where a page of activity stops: rows strictly older than this come next. */
export interface ActivityCursor {
  at: number;
  id: string;
}

/** The page token of an activity cursor (the same format in every service, so the gateway can merge). */
export function encodeActivityCursor(cursor: ActivityCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString("base64url");
}

/** The cursor of a page token; undefined for "" and InvalidArgumentError for anything not issued here. */
export function decodeActivityCursor(token: string): ActivityCursor | undefined {
  if (!token) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && typeof parsed[0] === "number" && typeof parsed[1] === "string") return { at: parsed[0], id: parsed[1] };
  } catch {
    // fall through
  }
  throw new InvalidArgumentError("'page_token' is not a token this server issued", [{ field: "page_token", description: "is not a token this server issued" }]);
}

/** About the encoded size of an activity row: its values (up to two 64 KiB descriptions) plus the ids. */
export function activitySize(row: { oldValue: string; newValue: string }): number {
  return Buffer.byteLength(row.oldValue) + Buffer.byteLength(row.newValue) + 256;
}

/** Validates a ListActivityRequest: at least one filter, a sane page. */
export function validateActivityRequest(r: ListActivityRequest): void {
  const v = new ViolationList();
  if (!r.projectId && !r.entityId && !r.userId) v.add("project_id", "or entity_id or user_id is required");
  checkOptionalId(v, "project_id", r.projectId);
  checkOptionalId(v, "entity_id", r.entityId);
  checkUserId(v, "user_id", r.userId, { required: false });
  if (r.pageSize < 0 || r.pageSize > MAX_ACTIVITY_PAGE_SIZE) v.add("page_size", `must be from 0 to ${MAX_ACTIVITY_PAGE_SIZE}`);
  const since = r.sinceMs ?? 0;
  const until = r.untilMs ?? 0;
  if (!Number.isInteger(since) || since < 0) v.add("since_ms", "must be a Unix time in ms, or 0");
  if (!Number.isInteger(until) || until < 0) v.add("until_ms", "must be a Unix time in ms, or 0");
  if (since > 0 && until > 0 && since > until) v.add("until_ms", "must not be before since_ms");
  v.throwIfAny();
  decodeActivityCursor(r.pageToken);
}

/**
 * ListActivity over this service's own audit rows, newest first. With a project, the caller must be able to
 * read it; by entity or user alone, rows of projects the caller cannot read are left out.
 */
export function listActivityHandler(store: TenantStore, requireRead: (call: CallContext, projectId: string) => Promise<unknown>): RpcHandler<ListActivityRequest, ActivityList> {
  return async (request, call) => {
    validateActivityRequest(request);
    if (request.projectId) await requireRead(call, request.projectId);
    const limit = request.pageSize || DEFAULT_ACTIVITY_PAGE_SIZE;
    const before = decodeActivityCursor(request.pageToken);
    const rows = queryActivity(store.open(call.tenantId), {
      ...(request.projectId ? { projectId: request.projectId } : {}),
      ...(request.entityId ? { entityId: request.entityId } : {}),
      ...(request.userId ? { userId: request.userId } : {}),
      ...(request.sinceMs ? { sinceMs: request.sinceMs } : {}),
      ...(request.untilMs ? { untilMs: request.untilMs } : {}),
      ...(before ? { before } : {}),
      limit: limit + 1,
    });
    const { page, nextPageToken } = cutPage(rows, limit, activitySize, (r) => [r.atMs, r.id]);
    let readable = page;
    if (!request.projectId) {
      const projects = [...new Set(page.map((r) => r.projectId))];
      const allowed = new Set<string>();
      await Promise.all(projects.map((p) => requireRead(call, p).then(() => allowed.add(p), () => undefined)));
      readable = page.filter((r) => allowed.has(r.projectId));
    }
    // The cursor follows the last row read, kept or not, so filtered rows are never read again.
    return { entries: readable, nextPageToken };
  };
}
