import { InvalidArgumentError, type ViolationList } from "./errors.js";

/**
 * Most bytes of rows one page carries. Far below the gRPC message limit, so a list never fails for its size:
 * a page of big rows (64 KiB descriptions) ends early and says so with its next_page_token.
 */
export const MAX_PAGE_BYTES = 1024 * 1024;

/** Where a page stopped, as the sort key of its last row: rows after it come next. */
export type PageCursor = readonly (string | number)[];

/** The page token of a cursor (opaque to clients). */
export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** The cursor of a page token of `arity` keys; undefined for "". INVALID_ARGUMENT for a token not issued here. */
export function decodePageToken(token: string, arity: number): PageCursor | undefined {
  if (!token) return undefined;
  if (token.length <= 4096) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
      if (Array.isArray(parsed) && parsed.length === arity && parsed.every((k) => typeof k === "string" || typeof k === "number")) return parsed;
    } catch {
      // not ours
    }
  }
  throw new InvalidArgumentError("'page_token' is not a token this server issued", [{ field: "page_token", description: "is not a token this server issued" }]);
}

/** Adds violations for a page request: `page_size` from 0 (the default) to `max`, a token issued here. */
export function checkPageRequest(v: ViolationList, request: { pageSize: number; pageToken: string }, max: number, arity: number): void {
  if (!Number.isInteger(request.pageSize) || request.pageSize < 0 || request.pageSize > max) v.add("page_size", `must be from 0 to ${max}`);
  try {
    decodePageToken(request.pageToken, arity);
  } catch {
    v.add("page_token", "is not a token this server issued");
  }
}

/**
 * Cuts rows read as `limit + 1` into one page: at most `limit` rows and at most MAX_PAGE_BYTES of them by
 * `sizeOf` (at least one row, whatever its size). The token names the last row kept when more follow.
 */
export function cutPage<T>(rows: readonly T[], limit: number, sizeOf: (row: T) => number, cursorOf: (row: T) => PageCursor): { page: T[]; nextPageToken: string } {
  const page: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (page.length === limit) break;
    bytes += sizeOf(row);
    if (page.length > 0 && bytes > MAX_PAGE_BYTES) break;
    page.push(row);
  }
  const last = page[page.length - 1];
  return { page, nextPageToken: rows.length > page.length && last !== undefined ? encodePageToken(cursorOf(last)) : "" };
}

/** Orders two cursors key by key (numbers by value, strings by code unit, as SQLite's BINARY collation for ASCII). */
export function compareCursors(a: PageCursor, b: PageCursor): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Of rows already in cursor order (read whole, e.g. to rebuild a past state), those after `after`. */
export function rowsAfterCursor<T>(rows: readonly T[], cursorOf: (row: T) => PageCursor, after: PageCursor | undefined): T[] {
  return after ? rows.filter((row) => compareCursors(cursorOf(row), after) > 0) : [...rows];
}
