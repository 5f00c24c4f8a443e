import type { AgileboardClient, ClientState } from "@agileboard/client";
import { useSyncExternalStore } from "react";

const WORDS: Record<ClientState["status"], string> = {
  connecting: "Connecting",
  online: "Online",
  reconnecting: "Reconnecting",
  offline: "Offline",
  unauthenticated: "Signed out",
  closed: "Closed",
};

/** What the indicator says: the state and, when any, how many changes wait for the server. */
export function connectionText(state: ClientState): string {
  const pending = state.pendingCount;
  const waiting = pending === 0 ? "" : ` · ${pending} pending change${pending === 1 ? "" : "s"}`;
  return `${WORDS[state.status]}${waiting}`;
}

/** The SDK's connection state, named "Connection" for assistive technology. */
export function ConnectionIndicator({ client }: { client: AgileboardClient }) {
  const state = useSyncExternalStore(
    (listener) => client.onStateChange(listener),
    () => client.state,
  );
  // A change in flight while online is not worth showing; queued ones (offline, reconnecting) are.
  const shown = state.status === "online" && state.pendingCount > 0 ? { ...state, pendingCount: 0 } : state;
  return (
    <span className="connection" role="status" aria-label="Connection" data-status={state.status} title={state.error?.message}>
      {connectionText(shown)}
    </span>
  );
}
