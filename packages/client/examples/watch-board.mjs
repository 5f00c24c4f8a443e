#!/usr/bin/env node
// Watches a board with @agileboard/client: signs in with dev tokens from `npm start` (POST /dev/token), creates a
// project, subscribes to it and prints every event, while a teammate's client makes a few changes.
//
//   npm start                                             # in one terminal (dev auth is on by default)
//   node packages/client/examples/watch-board.mjs         # in another; --follow keeps watching until Ctrl-C
//
// Options: the gateway URL as the first argument (default http://127.0.0.1:8080, or $AGILEBOARD_URL).
import { connect, ProjectRole, WorkItemStatus, WorkItemType } from "@agileboard/client";
import WebSocket from "ws";

const args = process.argv.slice(2);
const follow = args.includes("--follow");
const server = args.find((a) => !a.startsWith("--")) ?? process.env.AGILEBOARD_URL ?? "http://127.0.0.1:8080";

/** A token provider: asks the dev endpoint for a fresh token every time the client needs one. */
const devTokens = (userId) => async () => {
  const res = await fetch(`${server}/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant_id: "acme", user_id: userId, roles: [] }),
  });
  if (!res.ok) throw new Error(`POST ${server}/dev/token: HTTP ${res.status} (is AUTH_DEV on?)`);
  return (await res.json()).token;
};

// In Node 20 the WebSocket implementation comes from the ws package; browsers and Node 22 have their own.
const alice = connect({ url: server, getToken: devTokens("alice"), WebSocket });
let status = "";
alice.onStateChange((s) => {
  // pendingCount also counts a mutation while it is in flight; print only the connection's ups and downs.
  if (s.status !== status) console.log(`alice: ${(status = s.status)}${s.pendingCount ? ` (${s.pendingCount} pending)` : ""}`);
});
await alice.whenOnline();

const key = `D${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
const project = await alice.request("createProject", { key, name: "Demo board" });
await alice.request("addProjectMember", { projectId: project.id, userId: "bob", role: ProjectRole.PROJECT_ROLE_EDITOR });
console.log(`project ${project.key} (${project.id})`);

let seen = 0;
const unsubscribe = alice.subscribe(project.id, {
  onEvent(event) {
    seen++;
    const change = event.change;
    const what = change?.$case ?? "event";
    const detail = change && "title" in change.value ? ` ${project.key}-${change.value.number} "${change.value.title}" ${WorkItemStatus[change.value.status]}` : "";
    const fields = event.changes.map((c) => `${c.field}: ${c.oldValue} → ${c.newValue}`).join(", ");
    console.log(`#${event.sequence} ${what} by ${event.actorUserId}${detail}${fields ? ` (${fields})` : ""}`);
  },
  onResync({ headSequence }) {
    console.log(`resync: reload the board; events continue after #${headSequence}`);
  },
  onError(error) {
    console.error(`subscription ended: ${error.code} ${error.message}`);
  },
});
await unsubscribe.ready;

// A teammate's changes arrive as events (a connection never gets events for its own changes, only replies).
const bob = connect({ url: server, getToken: devTokens("bob"), WebSocket });
const story = await bob.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_STORY, title: "Checkout page" });
const task = await bob.request("createWorkItem", { projectId: project.id, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, title: "Card form", parentId: story.id });
await bob.request("moveWorkItem", { workItemId: task.id, expectedVersion: task.version, status: WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS });
try {
  await bob.request("moveWorkItem", { workItemId: task.id, expectedVersion: task.version, status: WorkItemStatus.WORK_ITEM_STATUS_DONE });
} catch (error) {
  console.log(`bob's stale move: ${error.code}, current version ${error.currentVersion}`);
}
await bob.close();

const deadline = Date.now() + 5_000;
while (seen < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
if (follow) {
  console.log("watching; make changes on the board, Ctrl-C to stop");
  process.once("SIGINT", () => void alice.close());
} else {
  unsubscribe();
  await alice.close();
}
