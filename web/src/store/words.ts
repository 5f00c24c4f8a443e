import { AgileboardError, ClientClosedError, ConnectionLostError, OfflineError, TimeoutError } from "@agileboard/client";
import type { WorkItem } from "@agileboard/proto/wire";

/** "PAY-42"; a card the server has not numbered yet shows "PAY-…". */
export function itemKey(projectKey: string, item: Pick<WorkItem, "number">): string {
  return item.number > 0 ? `${projectKey}-${item.number}` : `${projectKey}-…`;
}

const SENTENCES: Partial<Record<string, string>> = {
  PERMISSION_DENIED: "you don't have permission to do that here",
  NOT_FOUND: "it no longer exists, or you can't see it",
  CONFLICT: "someone changed it at the same time",
  UNAVAILABLE: "the server is busy or restarting; try again",
  RATE_LIMITED: "too many changes at once; slow down a little",
  UNAUTHENTICATED: "your session ended; sign in again",
};

/** An error in words a person can act on: the server's rule when it names one, else what the code means. */
export function describeError(error: unknown): string {
  if (error instanceof AgileboardError) {
    if (error.violations.length > 0) return error.violations.map((v) => `${v.field.replace(/_/g, " ")} ${v.description}`).join("; ");
    if (error.code === "INVALID_ARGUMENT" || error.code === "FAILED_PRECONDITION") return error.message;
    return SENTENCES[error.code] ?? error.message;
  }
  if (error instanceof OfflineError || error instanceof ConnectionLostError) return "you're offline";
  if (error instanceof TimeoutError) return "the server did not answer in time";
  if (error instanceof ClientClosedError) return "signed out";
  return error instanceof Error ? error.message : String(error);
}
