import {
  activitySize,
  DEFAULT_ACTIVITY_PAGE_SIZE,
  cutPage,
  encodeActivityCursor,
  InvalidArgumentError,
  MAX_ACTIVITY_PAGE_SIZE,
  ViolationList,
} from "@agileboard/kit";
import { ActivityList, ListActivityRequest, type Activity } from "@agileboard/proto";
import type { ServiceName } from "./table.js";

/** A service whose activity is exhausted for this query. */
const EXHAUSTED = "-";

/** Calls one service's ListActivity with encoded request bytes and returns the encoded reply. */
export type ActivityCall = (service: ServiceName, path: string, request: Uint8Array) => Promise<Buffer>;

/**
 * list_activity across the services that keep audit rows (tenancy, workitems, sprints, webhooks): each is asked for a
 * page from its own cursor, the rows are merged newest first, and the client's page token carries every
 * service's cursor — so paging never repeats or skips a row.
 */
export async function mergeActivity(targets: readonly { service: ServiceName; path: string }[], body: Uint8Array, call: ActivityCall): Promise<Uint8Array> {
  let request: ListActivityRequest;
  try {
    request = ListActivityRequest.decode(body);
  } catch (err) {
    throw new InvalidArgumentError("request is not a valid ListActivityRequest", [], { cause: err });
  }
  if (request.pageSize < 0 || request.pageSize > MAX_ACTIVITY_PAGE_SIZE) {
    new ViolationList().add("page_size", `must be from 0 to ${MAX_ACTIVITY_PAGE_SIZE}`).throwIfAny();
  }
  const limit = request.pageSize || DEFAULT_ACTIVITY_PAGE_SIZE;
  const cursors = decodeCompositeToken(request.pageToken);

  const asked = targets.filter((t) => cursors[t.service] !== EXHAUSTED);
  const pages = await Promise.all(
    asked.map(async (t) => {
      const bytes = ListActivityRequest.encode({ ...request, pageSize: limit, pageToken: cursors[t.service] ?? "" }).finish();
      return { service: t.service, page: ActivityList.decode(await call(t.service, t.path, bytes)) };
    }),
  );

  const merged: { service: ServiceName; entry: Activity }[] = pages.flatMap((p) => p.page.entries.map((entry) => ({ service: p.service, entry })));
  merged.sort((a, b) => b.entry.atMs - a.entry.atMs || (b.entry.id > a.entry.id ? 1 : b.entry.id < a.entry.id ? -1 : 0));
  // A page ends at `limit` rows or at the byte bound, whichever comes first; the cursors come from below.
  const taken = cutPage(merged, limit, (row) => activitySize(row.entry), () => []).page;

  const next: Record<string, string> = { ...cursors };
  for (const { service, page } of pages) {
    const consumed = taken.filter((t) => t.service === service);
    const last = consumed[consumed.length - 1];
    if (consumed.length === page.entries.length) {
      // Everything it sent was used: continue from its own cursor (past rows it filtered out, too).
      next[service] = page.nextPageToken || EXHAUSTED;
    } else if (last) {
      next[service] = encodeActivityCursor({ at: last.entry.atMs, id: last.entry.id });
    }
  }
  const done = targets.every((t) => next[t.service] === EXHAUSTED);
  return ActivityList.encode({ entries: taken.map((t) => t.entry), nextPageToken: done ? "" : encodeCompositeToken(next) }).finish();
}

function encodeCompositeToken(cursors: Record<string, string>): string {
  return Buffer.from(JSON.stringify(cursors)).toString("base64url");
}

function decodeCompositeToken(token: string): Record<string, string> {
  if (!token) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (parsed && typeof parsed === "object" && Object.values(parsed).every((v) => typeof v === "string")) return parsed as Record<string, string>;
  } catch {
    // fall through
  }
  throw new InvalidArgumentError("'page_token' is not a token this server issued", [{ field: "page_token", description: "is not a token this server issued" }]);
}
