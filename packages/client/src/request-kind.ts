import type { AnyRequestCase, ControlCase } from "./types.js";

/**
 * What the client does with a request case: "control" cases run the connection (the client sends them itself),
 * "read"s need a live connection and fail fast without one, "mutation"s are queued while offline and replayed
 * with their original message_id.
 */
export type RequestKind = "control" | "read" | "mutation";

const CONTROL_CASES: ReadonlySet<string> = new Set<ControlCase>(["ping", "subscribe", "unsubscribe", "refreshToken"]);
/** Leading verbs of reads: they change nothing and are not worth replaying later. */
const READ_VERBS: ReadonlySet<string> = new Set(["get", "list", "search"]);
/** Leading verbs of mutations. */
const MUTATION_VERBS: ReadonlySet<string> = new Set([
  "create",
  "update",
  "move",
  "delete",
  "add",
  "remove",
  "start",
  "stop",
  "log",
  "complete",
  "cancel",
  "restore",
  "test",
]);

/**
 * Classifies a request case by its leading verb ("moveWorkItem" → move → mutation). A verb in neither list counts
 * as a mutation: queuing a read by mistake costs a late answer, while failing a mutation offline would lose work,
 * and a replay is safe because the server deduplicates by message_id. The unit test lists every case.
 */
export function requestKind(caseName: AnyRequestCase | (string & {})): RequestKind {
  if (CONTROL_CASES.has(caseName)) return "control";
  const verb = /^[a-z]+/.exec(caseName)?.[0] ?? "";
  if (READ_VERBS.has(verb)) return "read";
  if (MUTATION_VERBS.has(verb)) return "mutation";
  return "mutation";
}

/** True for cases the offline queue keeps and replays. */
export function isMutation(caseName: AnyRequestCase | (string & {})): boolean {
  return requestKind(caseName) === "mutation";
}
