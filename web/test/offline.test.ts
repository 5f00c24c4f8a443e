import { ProjectRole, WorkItemStatus, WorkItemType, type AgileboardClient } from "@agileboard/client";
import type { TestSystem } from "@agileboard/testkit";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyboardDragReady, launchBrowser, newUser, screenshot, sdkFor, seriousViolations, signIn, startWebSystem, uniqueTenant } from "./harness.js";

async function keysIn(page: Page, column: string): Promise<string[]> {
  return (await page.getByRole("region", { name: column }).locator(".card-key").allInnerTexts()).map((k) => k.trim());
}

const connection = (page: Page) => page.getByRole("status", { name: "Connection" }).innerText();

describe("offline: edits wait, survive a reload, and land once", () => {
  let system: TestSystem;
  let browser: Browser;
  let setup: AgileboardClient;
  const tenant = uniqueTenant("offline");
  let projectId = "";

  beforeAll(async () => {
    system = await startWebSystem();
    browser = await launchBrowser();
    setup = sdkFor(system, "alice", tenant);
    await setup.whenOnline();
    projectId = (await setup.request("createProject", { key: "OFF", name: "Offline" })).id;
    await setup.request("addProjectMember", { projectId, userId: "bob", role: ProjectRole.PROJECT_ROLE_EDITOR });
    for (const title of ["Card form", "Vault tokens", "Analytics"]) {
      await setup.request("createWorkItem", { projectId, title, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, status: WorkItemStatus.WORK_ITEM_STATUS_TODO });
    }
  });
  afterAll(async () => {
    await setup?.close();
    await browser?.close();
    await system?.stop();
  });

  it("keeps a move made offline through a reload, shows it pending, and delivers it once when back", async () => {
    const alice = await newUser(browser);
    const bob = await newUser(browser);
    for (const [who, s] of [["alice", alice], ["bob", bob]] as const) {
      await signIn(s.page, system.url, who, tenant);
      await s.page.goto(`${system.url}/p/OFF`);
      await s.page.getByRole("button", { name: /^OFF-1 / }).waitFor();
    }
    // The app shell is cached by the service worker once it controls the page.
    await alice.page.evaluate("navigator.serviceWorker.ready");
    await alice.page.reload();
    await expect.poll(() => alice.page.evaluate("Boolean(navigator.serviceWorker.controller)")).toBe(true);
    await alice.page.getByRole("button", { name: /^OFF-1 / }).waitFor();

    await alice.context.setOffline(true);
    await expect.poll(() => connection(alice.page)).toMatch(/^(Offline|Reconnecting)/);

    // Keyboard move to the next column while offline: shown at once, counted as pending.
    await alice.page.getByRole("button", { name: /^OFF-1 / }).focus();
    const announced = () => alice.page.evaluate("[...document.querySelectorAll('[role=status]')].map((e) => e.textContent).join(' | ')") as Promise<string>;
    await alice.page.keyboard.press("Space");
    await expect.poll(announced).toMatch(/OFF-1 is over To do/);
    await keyboardDragReady(alice.page);
    await alice.page.keyboard.press("ArrowRight");
    await expect.poll(announced).toMatch(/OFF-1 is over In progress/);
    await alice.page.keyboard.press("Space");
    await expect.poll(() => keysIn(alice.page, "In progress")).toEqual(["OFF-1"]);
    await expect.poll(() => connection(alice.page)).toMatch(/1 pending change$/);

    // A reload without network: the shell from the service worker, the board from IndexedDB, the edit still pending.
    await alice.page.reload();
    await expect.poll(() => keysIn(alice.page, "In progress"), { timeout: 15_000 }).toEqual(["OFF-1"]);
    await expect.poll(() => connection(alice.page)).toMatch(/^(Offline|Reconnecting|Connecting) · 1 pending change$/);
    await expect.poll(() => alice.page.getByText("Showing the board as last loaded in this browser").count()).toBe(1);
    await screenshot(alice.page, "board-offline");
    expect(await seriousViolations(alice.page)).toEqual([]);
    expect(await keysIn(bob.page, "In progress")).toEqual([]);

    // Back online: the queued move is replayed and the teammate sees it.
    await alice.context.setOffline(false);
    await expect.poll(() => connection(alice.page), { timeout: 30_000 }).toBe("Online");
    await expect.poll(() => keysIn(bob.page, "In progress"), { timeout: 10_000 }).toEqual(["OFF-1"]);
    const item = (await setup.request("listWorkItems", { projectId })).items.find((i) => i.number === 1);
    expect(item?.status).toBe(WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS);
    // Exactly once: one status change in the item's history.
    const history = await setup.request("listActivity", { entityId: item?.id ?? "" });
    expect(history.entries.filter((a) => a.fieldName === "status")).toHaveLength(1);
    expect(await keysIn(alice.page, "In progress")).toEqual(["OFF-1"]);
    expect(alice.errors).toEqual([]);
    await alice.context.close();
    await bob.context.close();
  });
});
