import type { TestSystem } from "@agileboard/testkit";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newUser, screenshot, seriousViolations, signIn, startWebSystem, uniqueTenant } from "./harness.js";

describe("the web app: sign in, a project, a board", () => {
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    system = await startWebSystem();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it("serves the app at / and its deep links, with cache headers, and the config", async () => {
    const index = await fetch(`${system.url}/p/PAY/items/PAY-1`);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const script = await fetch(`${system.url}${asset}`);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await (await fetch(`${system.url}/config.json`)).json()).toEqual({ dev_auth: true });
    expect((await fetch(`${system.url}/embed/agileboard.js`)).status).toBe(200);
  });

  it("signs in, creates a project, an epic and stories, and shows them as cards", async () => {
    const tenant = uniqueTenant("web");
    const { context, page, errors } = await newUser(browser);
    await page.goto(system.url);
    await page.getByLabel("User").waitFor();
    await screenshot(page, "sign-in");
    expect(await seriousViolations(page)).toEqual([]);

    await signIn(page, system.url, "alice", tenant);
    await expect.poll(() => page.getByText("No projects yet").isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "New project" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New project" });
    await dialog.getByLabel("Name").fill("Payments");
    await dialog.getByLabel("Key").fill("pay");
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: "Create project" }).click();
    await page.getByRole("region", { name: "To do" }).waitFor();
    expect(page.url()).toMatch(/\/p\/PAY$/);

    const todo = page.getByRole("region", { name: "To do" });
    await todo.getByRole("button", { name: "Add card to To do" }).click();
    await todo.getByLabel("Type of the new card").selectOption({ label: "Epic" });
    await todo.getByLabel("Title of the new card in To do").fill("Checkout redesign");
    await todo.getByLabel("Title of the new card in To do").press("Enter");
    await todo.getByLabel("Type of the new card").selectOption({ label: "Story" });
    for (const title of ["Saved cards", "Address autocomplete"]) {
      await todo.getByLabel("Title of the new card in To do").fill(title);
      await todo.getByLabel("Title of the new card in To do").press("Enter");
    }
    await expect.poll(() => todo.getByRole("button", { name: /^PAY-\d+ / }).count()).toBe(3);
    expect(await todo.getByRole("button", { name: /^PAY-1 Checkout redesign/ }).locator(".sr-only").innerText()).toMatch(/^epic, medium priority, unassigned/);
    expect(await todo.getByRole("button", { name: /^PAY-3 Address autocomplete/ }).locator(".sr-only").innerText()).toMatch(/^story/);
    expect(await seriousViolations(page)).toEqual([]);

    // A deep link survives a reload.
    await page.reload();
    await expect.poll(() => todo.getByRole("button", { name: /^PAY-2 Saved cards/ }).count()).toBe(1);
    await page.goto(`${system.url}/p/PAY/items/PAY-2`);
    await expect.poll(() => page.getByRole("heading", { name: "Saved cards" }).isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("refuses a project key the rules do not allow, saying why next to the field", async () => {
    const { context, page } = await newUser(browser);
    await signIn(page, system.url, "alice", uniqueTenant("web"));
    await page.getByRole("button", { name: "New project" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New project" });
    await dialog.getByLabel("Name").fill("Payments");
    await dialog.getByLabel("Key").fill("P");
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expect.poll(() => dialog.getByText(/^Key .*2.*10/).isVisible()).toBe(true);
    await context.close();
  });

  it("fills a demo project with one action and shows it in light and dark", async () => {
    const tenant = uniqueTenant("demo");
    for (const colorScheme of ["light", "dark"] as const) {
      const { context, page, errors } = await newUser(browser, { colorScheme, viewport: { width: 1440, height: 900 } });
      await signIn(page, system.url, "alice", tenant);
      if (colorScheme === "light") {
        await page.getByRole("button", { name: "Create demo project" }).first().click();
        await page.getByRole("region", { name: "In progress" }).waitFor({ timeout: 60_000 });
      } else {
        await page.getByRole("link", { name: "Payments (demo)" }).click();
      }
      for (const column of ["Backlog", "To do", "In progress", "In review", "Done"]) {
        await expect.poll(() => page.getByRole("region", { name: column }).getByRole("button", { name: /^DEMO-\d+ / }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
      }
      await expect.poll(() => page.getByText("Blocked", { exact: true }).count()).toBeGreaterThan(0);
      await page.mouse.move(0, 0);
      await screenshot(page, `board-${colorScheme}`);
      expect(await seriousViolations(page)).toEqual([]);
      if (colorScheme === "light") {
        await page.goto(system.url);
        await page.getByRole("link", { name: "Payments (demo)" }).waitFor();
        await screenshot(page, "projects");
      }
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it("filters by text, type and assignee, keeping the filters in the URL", async () => {
    const tenant = uniqueTenant("filter");
    const { context, page } = await newUser(browser, { viewport: { width: 1440, height: 900 } });
    await signIn(page, system.url, "alice", tenant);
    await page.getByRole("button", { name: "Create demo project" }).first().click();
    await page.getByRole("region", { name: "In progress" }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByRole("button", { name: /^DEMO-\d+ / }).count(), { timeout: 20_000 }).toBeGreaterThan(20);
    await page.getByLabel("Type").selectOption({ label: "Bug" });
    await page.getByLabel("Filter cards by key or title").fill("refunds");
    await expect.poll(() => page.getByRole("button", { name: /^DEMO-\d+ / }).count()).toBe(1);
    expect(page.url()).toMatch(/type=bug/);
    expect(page.url()).toMatch(/q=refunds/);
    await page.reload();
    await expect.poll(() => page.getByRole("button", { name: /^DEMO-\d+ Currency rounding in refunds/ }).count()).toBe(1);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("button", { name: "Only mine" }).click();
    await expect.poll(async () => (await page.getByRole("button", { name: /^DEMO-\d+ / }).allInnerTexts()).length).toBeGreaterThan(0);
    const details = await page.getByRole("button", { name: /^DEMO-\d+ / }).locator(".sr-only").allInnerTexts();
    expect(details.length).toBeGreaterThan(0);
    expect(details.every((d) => d.includes("assigned to alice"))).toBe(true);
    await page.getByLabel("Swimlanes").selectOption({ label: "Swimlanes by epic" });
    await expect.poll(() => page.getByRole("heading", { name: /Checkout redesign/ }).count()).toBeGreaterThan(0);
    await context.close();
  });
});
