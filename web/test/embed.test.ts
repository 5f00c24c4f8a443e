import { WorkItemStatus, WorkItemType, type AgileboardClient } from "@agileboard/client";
import type { TestSystem } from "@agileboard/testkit";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newUser, screenshot, sdkFor, seriousViolations, startWebSystem, uniqueTenant } from "./harness.js";

describe("the embeddable board (<agileboard-board>)", () => {
  let system: TestSystem;
  let browser: Browser;
  let alice: AgileboardClient;
  const tenant = uniqueTenant("embed");
  let projectId = "";

  beforeAll(async () => {
    system = await startWebSystem();
    browser = await launchBrowser();
    alice = sdkFor(system, "alice", tenant);
    await alice.whenOnline();
    projectId = (await alice.request("createProject", { key: "EMB", name: "Embedded" })).id;
    for (const [title, status] of [["Host-signed card", WorkItemStatus.WORK_ITEM_STATUS_TODO], ["Another", WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS]] as const) {
      await alice.request("createWorkItem", { projectId, title, itemType: WorkItemType.WORK_ITEM_TYPE_TASK, status });
    }
  });
  afterAll(async () => {
    await alice?.close();
    await browser?.close();
    await system?.stop();
  });

  it("renders a live board in a host page that supplies the token, inside a shadow root", async () => {
    const { context, page, errors } = await newUser(browser, { viewport: { width: 1440, height: 900 } });
    await page.goto(`${system.url}/embed-demo.html?tenant=${tenant}&user=alice&project=EMB`);
    const board = page.locator("agileboard-board");
    await board.getByRole("button", { name: /^EMB-1 Host-signed card/ }).waitFor().catch((e: unknown) => {
      throw new Error(`${String(e)}\npage errors: ${errors.join("\n")}`);
    });
    expect(await board.evaluate((el) => el.shadowRoot !== null)).toBe(true);
    expect(await board.getByRole("status", { name: "Connection" }).innerText()).toBe("Online");
    // The host's page keeps its own URL; the board's filters live in memory.
    await board.getByLabel("Filter cards by key or title").fill("another");
    await expect.poll(() => board.getByRole("button", { name: /^EMB-\d+ / }).count()).toBe(1);
    expect(new URL(page.url()).search).toBe(`?tenant=${tenant}&user=alice&project=EMB`);
    await board.getByLabel("Filter cards by key or title").fill("");

    // Live: a change made elsewhere appears in the embedded board.
    await alice.request("createWorkItem", { projectId, title: "Made by the API", itemType: WorkItemType.WORK_ITEM_TYPE_BUG, status: WorkItemStatus.WORK_ITEM_STATUS_DONE });
    await expect.poll(() => board.getByRole("region", { name: "Done" }).getByRole("button", { name: /^EMB-3 Made by the API/ }).count(), { timeout: 5_000 }).toBe(1);

    // The host's CSS variable reaches inside (the demo page sets --agileboard-accent).
    const accent = await page.evaluate("getComputedStyle(document.querySelector('agileboard-board').shadowRoot.querySelector('.ab-root')).getPropertyValue('--ab-accent').trim()");
    expect(accent).toBe("#0b7285");
    await screenshot(page, "embed-demo");
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("is not served without dev auth, and the script says what is missing when unconfigured", async () => {
    const prod = await system.addGateway({ AUTH_DEV: "0", GATEWAY_ID: "no-dev" });
    expect((await fetch(`${prod.url}/embed-demo.html`)).status).toBe(404);
    expect((await fetch(`${prod.url}/embed/agileboard.js`)).status).toBe(200);
    const { context, page } = await newUser(browser);
    await page.setContent(`<script type="module" src="${system.url}/embed/agileboard.js"></script><agileboard-board server="${system.url}"></agileboard-board>`);
    await expect.poll(() => page.locator("agileboard-board").getByText("Set the project attribute to a project key.").count()).toBe(1);
    await context.close();
  });
});
