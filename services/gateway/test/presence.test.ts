import { ProjectRole, type Presence } from "@agileboard/proto";
import {
  addMember,
  createProject,
  freePort,
  settle,
  spawnEntry,
  startTestSystem,
  subscribe,
  TestClient,
  waitFor,
  type TestSystem,
} from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const presenceOf = (client: TestClient, kind: "presenceJoined" | "presenceLeft") =>
  client.events.filter((e) => e.change?.$case === kind).map((e) => (e.change?.value as Presence).userId);

describe("presence across gateways", () => {
  let system: TestSystem;
  let urlB: string;
  let projectId: string;

  beforeAll(async () => {
    system = await startTestSystem({ env: { PRESENCE_HEARTBEAT_MS: "300" } });
    const second = await system.addGateway({ GATEWAY_ID: "gw-b" });
    urlB = second.url;
    const owner = await TestClient.connect(system.url, await system.auth.token({ userId: "owner" }));
    const project = await createProject(owner);
    projectId = project.id;
    for (const user of ["ann", "ben", "cid", "dot"]) await addMember(owner, projectId, user, ProjectRole.PROJECT_ROLE_VIEWER);
    owner.close();
  });
  afterAll(async () => system?.stop());

  it("shows who is there to a newcomer, and the newcomer to the others, across replicas", async () => {
    const ann = await TestClient.connect(system.url, await system.auth.token({ userId: "ann" }));
    await subscribe(ann, projectId);
    const ben = await TestClient.connect(urlB, await system.auth.token({ userId: "ben" }));
    const subscribed = await ben.request({ $case: "subscribe", value: { projectIds: [projectId], resumeAfter: {} } });
    await waitFor(() => presenceOf(ben, "presenceJoined").includes("ann"), 3_000, "ben to learn ann is there");
    // The reply comes first, then who is there.
    const order = ben.received.map((f) => f.messageId);
    const annJoined = ben.received.find((f) => f.payload?.$case === "event" && f.payload.value.change?.$case === "presenceJoined");
    expect(order.indexOf(subscribed.messageId)).toBeLessThan(order.indexOf(annJoined?.messageId ?? ""));
    await waitFor(() => presenceOf(ann, "presenceJoined").includes("ben"), 3_000, "ann to see ben join");
    expect(presenceOf(ann, "presenceJoined")).not.toContain("ann");
    const event = ann.events.find((e) => e.change?.$case === "presenceJoined");
    expect(event?.sequence).toBe(0);
    expect(event?.change?.value).toMatchObject({ userId: "ben", projectId });

    // Leaving: unsubscribing, or closing the socket.
    await ben.expect("unsubscribed", { $case: "unsubscribe", value: { projectIds: [projectId] } });
    await waitFor(() => presenceOf(ann, "presenceLeft").includes("ben"), 3_000, "ann to see ben leave");
    ann.close();
    ben.close();
  });

  it("counts a user with two tabs once: the user leaves when the last tab goes", async () => {
    const watcher = await TestClient.connect(system.url, await system.auth.token({ userId: "ann" }));
    await subscribe(watcher, projectId);
    const tab1 = await TestClient.connect(system.url, await system.auth.token({ userId: "cid" }));
    const tab2 = await TestClient.connect(urlB, await system.auth.token({ userId: "cid" }));
    await subscribe(tab1, projectId);
    await subscribe(tab2, projectId);
    await waitFor(() => presenceOf(watcher, "presenceJoined").includes("cid"));
    tab1.close();
    await settle(1_200);
    expect(presenceOf(watcher, "presenceLeft")).not.toContain("cid");
    tab2.close();
    await waitFor(() => presenceOf(watcher, "presenceLeft").includes("cid"), 3_000, "cid to leave with the last tab");
    expect(presenceOf(watcher, "presenceJoined").filter((u) => u === "cid")).toHaveLength(1);
    watcher.close();
  });

  it("expires the presence a dead gateway can no longer renew", async () => {
    const port = await freePort();
    const { tenancy, workitems, sprints } = system.embedded.services;
    const doomed = await spawnEntry("services/gateway/dist/main.js", {
      ...system.env,
      PORT: String(port),
      GATEWAY_ID: "gw-doomed",
      PRESENCE_HEARTBEAT_MS: "300",
      TENANCY_ADDRS: `127.0.0.1:${tenancy.port}`,
      WORKITEMS_ADDRS: `127.0.0.1:${workitems.port}`,
      SPRINTS_ADDRS: `127.0.0.1:${sprints.port}`,
    });
    const watcher = await TestClient.connect(system.url, await system.auth.token({ userId: "ann" }));
    await subscribe(watcher, projectId);
    const dot = await TestClient.connect(`http://127.0.0.1:${port}`, await system.auth.token({ userId: "dot" }));
    await subscribe(dot, projectId);
    await waitFor(() => presenceOf(watcher, "presenceJoined").includes("dot"), 3_000, "dot to appear");
    await doomed.kill();
    await waitFor(() => presenceOf(watcher, "presenceLeft").includes("dot"), 5_000, "dot's presence to expire");
    watcher.close();
  });
});
