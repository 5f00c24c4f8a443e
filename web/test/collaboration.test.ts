import { ProjectRole, WorkItemStatus, WorkItemType, type AgileboardClient } from "@agileboard/client";
import type { TestSystem } from "@agileboard/testkit";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyboardDragReady, launchBrowser, newUser, screenshot, sdkFor, signIn, startWebSystem, uniqueTenant } from "./harness.js";

/** Drags a card with the mouse onto another card or column, in small steps as a hand would. */
async function dragWithPointer(page: Page, card: Locator, target: Locator): Promise<void> {
  const from = await card.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error("card or target not visible");
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + Math.min(to.height / 2, 60), { steps: 16 });
  await page.mouse.move(to.x + to.width / 2, to.y + Math.min(to.height / 2, 60) + 2, { steps: 2 });
  await page.mouse.up();
}

/** The card keys of a column, top to bottom. */
async function keysIn(page: Page, column: string): Promise<string[]> {
  const names = await page.getByRole("region", { name: column }).locator(".card-key").allInnerTexts();
  return names.map((n) => n.trim());
}

describe("two people on one board", () => {
  let system: TestSystem;
  let browser: Browser;
  let setup: AgileboardClient;
  const tenant = uniqueTenant("collab");
  let projectId = "";

  beforeAll(async () => {
    system = await startWebSystem();
    browser = await launchBrowser();
    setup = sdkFor(system, "alice", tenant);
    await setup.whenOnline();
    const project = await setup.request("createProject", { key: "PAY", name: "Payments" });
    projectId = project.id;
    await setup.request("addProjectMember", { projectId, userId: "bob", role: ProjectRole.PROJECT_ROLE_EDITOR });
    for (const title of ["Saved cards", "Address autocomplete", "Delivery estimate"]) {
      await setup.request("createWorkItem", { projectId, title, itemType: WorkItemType.WORK_ITEM_TYPE_STORY, status: WorkItemStatus.WORK_ITEM_STATUS_TODO });
    }
    await setup.request("createWorkItem", { projectId, title: "Tracing", itemType: WorkItemType.WORK_ITEM_TYPE_TASK, status: WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS });
  });
  afterAll(async () => {
    await setup?.close();
    await browser?.close();
    await system?.stop();
  });

  async function openBoard(user: string) {
    const session = await newUser(browser);
    await signIn(session.page, system.url, user, tenant);
    await session.page.goto(`${system.url}/p/PAY`);
    await session.page.getByRole("button", { name: /^PAY-3 / }).waitFor();
    return session;
  }

  it("shows a card dragged by one user on the other's board, with the pointer and with the keyboard", async () => {
    const alice = await openBoard("alice");
    const bob = await openBoard("bob");
    // Each sees the other.
    await expect.poll(() => alice.page.getByRole("group", { name: "Also here: bob" }).count(), { timeout: 10_000 }).toBe(1);

    const started = Date.now();
    await dragWithPointer(alice.page, alice.page.getByRole("button", { name: /^PAY-1 Saved cards/ }), alice.page.getByRole("region", { name: "In progress" }));
    await expect.poll(() => keysIn(alice.page, "In progress")).toContain("PAY-1");
    await expect.poll(() => keysIn(bob.page, "In progress"), { timeout: 5_000 }).toContain("PAY-1");
    const pointerMs = Date.now() - started;
    expect(await keysIn(bob.page, "To do")).toEqual(["PAY-2", "PAY-3"]);

    // Keyboard: focus the card, space to lift, right arrow to the next column, space to drop.
    const card = bob.page.getByRole("button", { name: /^PAY-2 Address autocomplete/ });
    await card.focus();
    // As a screen-reader user would, each key waits for the board's announcement of the previous one.
    const announced = () => bob.page.evaluate("[...document.querySelectorAll('[role=status]')].map((e) => e.textContent).join(' | ')") as Promise<string>;
    await bob.page.keyboard.press("Space");
    await expect.poll(announced).toMatch(/PAY-2 is over To do/);
    await keyboardDragReady(bob.page);
    await bob.page.keyboard.press("ArrowRight");
    await expect.poll(announced).toMatch(/PAY-2 is over In progress/);
    await bob.page.keyboard.press("Space");
    await expect.poll(announced).toMatch(/Dropped PAY-2 in In progress/);
    await expect.poll(() => keysIn(bob.page, "In progress")).toContain("PAY-2");
    await expect.poll(() => keysIn(alice.page, "In progress"), { timeout: 5_000 }).toContain("PAY-2");
    process.stdout.write(`  ▶ pointer drag seen by the other user after ${pointerMs} ms (drag included)\n`);

    // The server agrees, and each move wrote one status change.
    const items = await setup.request("listWorkItems", { projectId });
    expect(items.items.filter((i) => i.status === WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS).map((i) => i.number).sort()).toEqual([1, 2, 4]);
    await alice.context.close();
    await bob.context.close();
  });

  it("reorders within a column: the card lands between its new neighbours for everyone", async () => {
    const alice = await openBoard("alice");
    const bob = await openBoard("bob");
    const before = await keysIn(alice.page, "In progress");
    const last = before[before.length - 1] ?? "";
    const first = before[0] ?? "";
    await dragWithPointer(alice.page, alice.page.getByRole("button", { name: new RegExp(`^${last} `) }), alice.page.getByRole("button", { name: new RegExp(`^${first} `) }));
    await expect.poll(() => keysIn(alice.page, "In progress")).toEqual([last, ...before.slice(0, -1)]);
    await expect.poll(() => keysIn(bob.page, "In progress"), { timeout: 5_000 }).toEqual([last, ...before.slice(0, -1)]);
    await alice.page.reload();
    await expect.poll(() => keysIn(alice.page, "In progress")).toEqual([last, ...before.slice(0, -1)]);
    await alice.context.close();
    await bob.context.close();
  });

  it("merges concurrent edits of different fields, and asks when both changed the same one", async () => {
    const alice = await openBoard("alice");
    const bob = await openBoard("bob");
    const editor = (page: Page) => page.getByRole("dialog", { name: "Edit PAY-3" });

    // Both open PAY-3; bob saves a priority, then alice — still editing the old version — saves a title.
    await alice.page.getByRole("button", { name: /^PAY-3 / }).click();
    await bob.page.getByRole("button", { name: /^PAY-3 / }).click();
    await editor(bob.page).getByLabel("Priority").selectOption({ label: "Critical" });
    await editor(bob.page).getByRole("button", { name: "Save" }).click();
    await expect.poll(async () => (await setup.request("listWorkItems", { projectId })).items.find((i) => i.number === 3)?.priority).toBe(4);
    await editor(alice.page).getByLabel("Title").fill("Delivery estimate before payment");
    await editor(alice.page).getByRole("button", { name: "Save" }).click();
    await expect.poll(async () => {
      const item = (await setup.request("listWorkItems", { projectId })).items.find((i) => i.number === 3);
      return `${item?.title} / ${item?.priority}`;
    }).toBe("Delivery estimate before payment / 4");
    await expect.poll(() => alice.page.getByRole("dialog").count()).toBe(0);
    await expect.poll(() => bob.page.getByRole("button", { name: /^PAY-3 Delivery estimate before payment/ }).count()).toBe(1);

    // Now both change the title: bob first, alice on the old version → the dialog shows theirs and mine.
    await alice.page.getByRole("button", { name: /^PAY-3 / }).click();
    await bob.page.getByRole("button", { name: /^PAY-3 / }).click();
    await editor(bob.page).getByLabel("Title").fill("Bob's title");
    await editor(bob.page).getByRole("button", { name: "Save" }).click();
    await expect.poll(async () => (await setup.request("listWorkItems", { projectId })).items.find((i) => i.number === 3)?.title).toBe("Bob's title");
    await editor(alice.page).getByLabel("Title").fill("Alice's title");
    await editor(alice.page).getByLabel("Points").fill("5");
    await editor(alice.page).getByRole("button", { name: "Save" }).click();
    const conflict = alice.page.getByRole("dialog", { name: "PAY-3 was changed while you edited it" });
    await conflict.waitFor();
    const cells = await conflict.getByRole("cell").allInnerTexts();
    expect(cells).toEqual(["Bob's title", "Alice's title"]);
    // Points did not conflict: already saved on top of bob's version.
    await expect.poll(async () => (await setup.request("listWorkItems", { projectId })).items.find((i) => i.number === 3)?.storyPoints).toBe(5);
    await screenshot(alice.page, "conflict-dialog");
    await conflict.getByRole("button", { name: "Apply mine" }).click();
    await expect.poll(async () => (await setup.request("listWorkItems", { projectId })).items.find((i) => i.number === 3)?.title).toBe("Alice's title");
    await expect.poll(() => bob.page.getByRole("button", { name: /^PAY-3 Alice's title/ }).count()).toBe(1);
    await alice.context.close();
    await bob.context.close();
  });
});
