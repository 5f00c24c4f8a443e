import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type AgileboardClient } from "@agileboard/client";
import { REPO_ROOT, startTestSystem, type TestSystem } from "@agileboard/testkit";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import WebSocket from "ws";

// Browser tests drive the real web app, served by the real gateway of a whole test system, in Debian's
// Chromium through playwright-core (no browser download). Screenshots go to web/test-results/ (git-ignored).

/** Debian's Chromium; the test command installs it when missing. */
export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(REPO_ROOT, "web", "test-results", "screenshots");

/** The system, with dev auth on (the sign-in form) and the built web app. */
export async function startWebSystem(env: Record<string, string> = {}): Promise<TestSystem> {
  if (!existsSync(join(REPO_ROOT, "web", "dist", "index.html"))) throw new Error("web/dist is not built: run npm run build (the test command does)");
  return startTestSystem({ bus: "nats", env: { AUTH_DEV: "1", ...env } });
}

/** Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (the test command does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

/** A fresh browser profile at 1280×800 (light unless asked). Page errors fail loudly in the test output. */
export async function newUser(browser: Browser, opts: { colorScheme?: "light" | "dark"; viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 }, colorScheme: opts.colorScheme ?? "light" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { context, page, errors };
}

/** Signs in through the dev form and waits for the projects page. */
export async function signIn(page: Page, url: string, user: string, tenant: string, roles = ""): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Tenant").fill(tenant);
  await page.getByLabel("User").fill(user);
  if (roles) await page.getByLabel("Roles").fill(roles);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Projects", level: 1 }).waitFor();
}

/** An SDK client speaking for a user through the system's dev token endpoint (to set up or check data). */
export function sdkFor(system: TestSystem, user: string, tenant: string): AgileboardClient {
  const getToken = async () => {
    const response = await fetch(`${system.url}/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant_id: tenant, user_id: user }) });
    return ((await response.json()) as { token: string }).token;
  };
  return connect({ url: system.url, getToken, WebSocket: WebSocket as never });
}

/** Saves a screenshot under web/test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

const AXE = readFileSync(join(REPO_ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page as it is now ("<rule>: <target>" each). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const results = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

/** A tenant id unique to one test. */
export function uniqueTenant(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Waits until dnd-kit's keyboard sensor listens for the moving keys: it adds that listener in a setTimeout
 * after the lift, so the page's timers already scheduled must run first (a person is never faster than that;
 * a script pressing the next key right after the lift's announcement can be).
 */
export async function keyboardDragReady(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
}
