import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { startTestSystem, tempDir, uniqueProjectKey, type TestSystem } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgileboardClient } from "../src/index.js";
import { bundleForBrowser } from "./bundle.js";
import { ClientPool } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";

/** The page's server: the bundled page, a change made from Node on request, and the page's report. */
async function startPageServer(script: string, alice: () => AgileboardClient): Promise<{ server: Server; url: string; result: Promise<Record<string, unknown>> }> {
  let report: (r: Record<string, unknown>) => void = () => undefined;
  const result = new Promise<Record<string, unknown>>((resolve) => (report = resolve));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>`);
    } else if (url.pathname === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    } else if (url.pathname === "/change") {
      const projectId = url.searchParams.get("project") ?? "";
      alice()
        .request("createWorkItem", { projectId, itemType: 3, title: "made in Node" })
        .then(() => res.writeHead(204).end(), (err: unknown) => res.writeHead(500).end(String(err)));
    } else if (url.pathname === "/result") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.writeHead(204).end();
        report(JSON.parse(body) as Record<string, unknown>);
      });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`, result };
}

describe("the SDK in a real Chromium", () => {
  let system: TestSystem;
  let chromium: ChildProcess | undefined;
  let pageServer: Server | undefined;
  const profile = tempDir("agileboard-chromium-");
  const pool = new ClientPool(() => system);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    system = await startTestSystem({ bus: "memory" });
  });
  afterAll(async () => {
    // Chromium runs in its own process group (it was started detached): end the group it leads, by its id.
    if (chromium?.pid && chromium.exitCode === null) {
      const exited = new Promise((resolve) => chromium?.once("exit", resolve));
      process.kill(-chromium.pid, "SIGTERM");
      await exited;
    }
    await new Promise((resolve) => (pageServer ? pageServer.close(resolve) : resolve(undefined)));
    await pool.closeAll();
    await system?.stop();
    profile.remove();
  });

  it("connects with the browser's WebSocket, receives events, and replays a mutation kept in IndexedDB", async () => {
    const bundle = await bundleForBrowser(fileURLToPath(new URL("./browser/smoke-page.ts", import.meta.url)));
    expect(bundle.warnings).toEqual([]);
    const alice = await pool.online({ claims: { userId: "alice" } });
    const page = await startPageServer(bundle.code, () => alice);
    pageServer = page.server;
    const query = new URLSearchParams({ gateway: system.url, token: await system.auth.token({ userId: "alice" }), key: uniqueProjectKey(), db: "smoke" });
    chromium = spawn(
      CHROMIUM,
      ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", `--user-data-dir=${profile.path}`, `${page.url}/?${query}`],
      { stdio: "ignore", detached: true },
    );
    const result = await Promise.race([
      page.result,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no report from the page within 30 s")), 30_000)),
    ]);
    expect(result).toEqual({
      ok: true,
      storedSeqs: [1, 3],
      eventCases: ["workItemCreated"],
      statusWhenOffline: "offline",
      closedWith: "ClientClosedError",
      titles: ["made in Node", "queued in IndexedDB"],
    });
  }, 60_000);
});
