import { ProjectRole } from "@agileboard/proto";
import { addMember, createProject, createWorkItem, startTestSystem, TestClient, type TestSystem } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("smoke", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => system?.stop());

  it("creates a project and an item, and a teammate sees the event", async () => {
    const alice = await TestClient.connect(system.url, await system.auth.token({ userId: "alice" }));
    const bob = await TestClient.connect(system.url, await system.auth.token({ userId: "bob" }));
    const project = await createProject(alice);
    await addMember(alice, project.id, "bob", ProjectRole.PROJECT_ROLE_EDITOR);
    await bob.expect("subscribed", { $case: "subscribe", value: { projectIds: [project.id], resumeAfter: {} } });
    const item = await createWorkItem(alice, project.id);
    const event = await bob.waitForEvent((e) => e.change?.$case === "workItemCreated");
    expect(event.change?.value).toMatchObject({ id: item.id, number: 1 });
    alice.close();
    bob.close();
  });
});
