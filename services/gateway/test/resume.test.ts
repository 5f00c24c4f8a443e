import { ProjectRole, type Event } from "@agileboard/proto";
import { addMember, createProject, createWorkItem, settle, startTestSystem, TestClient, type TestSystem } from "@agileboard/testkit";
import { connect as connectNats } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Drops stored events below `sequence`, as retention does to old ones. */
async function purgeEventsBefore(natsUrl: string, sequence: number): Promise<void> {
  const nc = await connectNats({ servers: natsUrl });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.purge("AGILEBOARD_EVENTS", { seq: sequence });
  await nc.close();
}

/** Runs the same resume checks on both buses: they must behave alike. */
describe.each(["nats", "memory"] as const)("resume on the %s bus", (bus) => {
  let system: TestSystem;
  const clients: TestClient[] = [];
  const connect = async (userId: string) => {
    const c = await TestClient.connect(system.url, await system.auth.token({ userId }));
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    system = await startTestSystem({ bus });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await system?.stop();
  });

  it("replays what was missed while disconnected, in order, with no gap and no duplicate, then goes live", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    await addMember(alice, project.id, "bob", ProjectRole.PROJECT_ROLE_EDITOR);
    const bob = await connect("bob");
    const subscribed = await bob.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: {} } });
    await createWorkItem(alice, project.id, { title: "seen 1" });
    await createWorkItem(alice, project.id, { title: "seen 2" });
    const seen = await bob.waitForEvents(2);
    const lastSeen = seen[seen.length - 1]?.sequence ?? 0;
    expect(lastSeen).toBeGreaterThan(subscribed.headSequence[project.id] ?? 0);
    bob.close();
    await bob.closed;

    for (let i = 1; i <= 5; i++) await createWorkItem(alice, project.id, { title: `missed ${i}` });

    const bobAgain = await connect("bob");
    // A change made while the replay runs must arrive after it, exactly once.
    const during = createWorkItem(alice, project.id, { title: "during" });
    const resumed = await bobAgain.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: { [project.id]: lastSeen } } });
    await during;
    expect(resumed.resyncProjectIds).toEqual([]);
    await bobAgain.waitForEvents(6);
    await createWorkItem(alice, project.id, { title: "after" });
    const events = await bobAgain.waitForEvents(7);
    await settle(200);
    const titles = bobAgain.events.map((e: Event) => (e.change?.value as { title?: string }).title);
    expect(titles).toEqual(["missed 1", "missed 2", "missed 3", "missed 4", "missed 5", "during", "after"]);
    const sequences = events.map((e) => e.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(sequences[0]).toBeGreaterThan(lastSeen);
  });

  it("reports the head sequence and replays nothing when the client is up to date", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const watcher = await connect("alice");
    await watcher.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: {} } });
    await createWorkItem(alice, project.id);
    const [event] = await watcher.waitForEvents(1);
    const fresh = await connect("alice");
    const reply = await fresh.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: { [project.id]: event?.sequence ?? 0 } } });
    expect(reply.headSequence[project.id]).toBe(event?.sequence);
    expect(reply.resyncProjectIds).toEqual([]);
    await settle(200);
    expect(fresh.events).toHaveLength(0);
  });

  it("asks for a resync when the resume point is older than the log", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    const watcher = await connect("alice");
    await watcher.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: {} } });
    await createWorkItem(alice, project.id, { title: "old" });
    const [old] = await watcher.waitForEvents(1);
    await createWorkItem(alice, project.id, { title: "new" });
    await watcher.waitForEvents(2);
    // Age the log: everything up to and including the "old" event is gone.
    if (bus === "nats") await purgeEventsBefore(system.natsUrl ?? "", (old?.sequence ?? 0) + 1);
    const resumeAfter = bus === "nats" ? (old?.sequence ?? 0) - 1 : 1; // the memory log starts at a clock-derived sequence
    const late = await connect("alice");
    const reply = await late.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: { [project.id]: resumeAfter } } });
    expect(reply.resyncProjectIds).toEqual([project.id]);
    await settle(200);
    expect(late.events).toHaveLength(0);
  });

  it("asks for a resync when the resume point is beyond the log's head (the log was reset)", async () => {
    const alice = await connect("alice");
    const project = await createProject(alice);
    await createWorkItem(alice, project.id);
    const watcher = await connect("alice");
    const reply = await watcher.expect("subscribed", {
      $case: "subscribe",
      value: { projectIds: [project.id], resumeAfter: { [project.id]: Number.MAX_SAFE_INTEGER } },
    });
    expect(reply.resyncProjectIds).toEqual([project.id]);
    await createWorkItem(alice, project.id, { title: "live after resync" });
    const live = await watcher.waitForEvent((e) => e.change?.$case === "workItemCreated");
    expect(live.sequence).toBeGreaterThan(reply.headSequence[project.id] ?? 0);
  });
});
