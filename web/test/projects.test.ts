import { WorkItemStatus, WorkItemType, type AgileboardClient } from "@agileboard/client";
import type { TestSystem } from "@agileboard/testkit";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyboardDragReady, launchBrowser, newUser, sdkFor, seriousViolations, signIn, startWebSystem, uniqueTenant } from "./harness.js";

describe("projects, members and long columns", () => {
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    // Setting up 300 cards through one connection needs more than the default 100 frames/s.
    system = await startWebSystem({ WS_RATE_PER_S: "5000", WS_RATE_BURST: "5000" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it("lets an admin add a member, change the role and remove them, and says in words what the rules refuse", async () => {
    const tenant = uniqueTenant("members");
    const setup = sdkFor(system, "alice", tenant);
    await setup.whenOnline();
    await setup.request("createProject", { key: "TEAM", name: "Team" });
    await setup.close();
    const { context, page } = await newUser(browser);
    await signIn(page, system.url, "alice", tenant);
    await page.getByRole("button", { name: "Members of Team" }).click();
    const dialog = page.getByRole("dialog", { name: "Members of Team" });
    await dialog.getByLabel("User to add").fill("bob");
    await dialog.getByLabel("Role", { exact: true }).selectOption({ label: "Viewer" });
    await dialog.getByRole("button", { name: "Add" }).click();
    await expect.poll(() => dialog.getByRole("list", { name: "Members" }).getByRole("listitem").count()).toBe(2);
    await dialog.getByLabel("Role of bob").selectOption({ label: "Editor" });
    await expect.poll(() => dialog.getByLabel("Role of bob").inputValue()).toBe("2");
    expect(await seriousViolations(page)).toEqual([]);
    // The last admin cannot leave: the server's rule, shown as a sentence.
    await dialog.getByRole("button", { name: "Remove alice" }).click();
    await expect.poll(() => dialog.getByRole("alert").innerText()).toMatch(/^Couldn't remove alice: .*admin/);
    await dialog.getByRole("button", { name: "Remove bob" }).click();
    await expect.poll(() => dialog.getByRole("list", { name: "Members" }).getByRole("listitem").count()).toBe(1);
    await dialog.getByRole("button", { name: "Close" }).click();
    // Archive and restore.
    await page.getByRole("button", { name: "Archive Team" }).click();
    await expect.poll(() => page.getByRole("link", { name: "Team" }).count()).toBe(0);
    await page.getByLabel("Show archived").check();
    await page.getByRole("button", { name: "Restore Team" }).click();
    await page.getByLabel("Show archived").uncheck();
    await expect.poll(() => page.getByRole("link", { name: "Team" }).count()).toBe(1);
    await context.close();
  });

  it("renders only the visible part of a 300-card column, and still drags from it", async () => {
    const tenant = uniqueTenant("long");
    const setup: AgileboardClient = sdkFor(system, "alice", tenant);
    await setup.whenOnline();
    const project = await setup.request("createProject", { key: "LONG", name: "Long" });
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => setup.request("createWorkItem", { projectId: project.id, title: `Card ${i + 1}`, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, status: WorkItemStatus.WORK_ITEM_STATUS_TODO })),
    );
    const { context, page } = await newUser(browser);
    await signIn(page, system.url, "alice", tenant);
    await page.goto(`${system.url}/p/LONG`);
    const todo = page.getByRole("region", { name: "To do" });
    await expect.poll(() => todo.locator(".column-count").innerText()).toBe("300");
    const rendered = await todo.locator(".card").count();
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(60);
    // Scrolled to the end, the last cards are there.
    await todo.locator(".column-body").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(() => todo.getByRole("button", { name: /^LONG-300 / }).count()).toBe(1);
    // A card from the long column dragged with the keyboard lands in the next column.
    await todo.getByRole("button", { name: /^LONG-300 / }).focus();
    const announced = () => page.evaluate("[...document.querySelectorAll('[role=status]')].map((e) => e.textContent).join(' | ')") as Promise<string>;
    await page.keyboard.press("Space");
    await expect.poll(announced).toMatch(/LONG-300 is over To do/);
    await keyboardDragReady(page);
    await page.keyboard.press("ArrowRight");
    await expect.poll(announced).toMatch(/LONG-300 is over In progress/);
    await page.keyboard.press("Space");
    await expect.poll(async () => (await setup.request("listWorkItems", { projectId: project.id, statuses: [WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS] })).items.map((i) => i.number)).toEqual([300]);
    await setup.close();
    await context.close();
  });
});
