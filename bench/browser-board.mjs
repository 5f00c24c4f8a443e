#!/usr/bin/env node
// The web app's browser benchmark (`npm run bench:browser`): a 2,000-card board in Debian's Chromium.
// Prints, and writes to bench/results/browser-board.{json,md}:
//   - the initial JavaScript and CSS the app loads, gzipped (budget 250 KB);
//   - time from navigation until the board shows its cards, and until the main thread is free (no long task),
//     i.e. interactive (target: within 1 s);
//   - for teammates' moves made through the SDK, the time from the event's arrival on the socket to the frame
//     in which the moved card is painted in its new column, p50 / p99 / max (target: one frame, 16 ms, at p99).
// Figures, not pass/fail. Needs `npm run build` first. Options: --cards N (2000), --moves N (120), --runs N (3).
// PROFILE=1 also prints the page's CPU profile (self time) during the moves; with an unminified build
// (`cd web && npx vite build --minify false --outDir /tmp/web-dev`) and WEB_DIR=/tmp/web-dev the names are readable.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import WebSocket from "ws";
import { connect, WorkItemStatus } from "../packages/client/dist/index.js";
import { generateDemoProject } from "../packages/demo/dist/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CARDS = arg("cards", 2000);
const MOVES = arg("moves", 120);
const RUNS = arg("runs", 3);
const say = (text) => process.stdout.write(`${text}\n`);
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

/** The initial assets of index.html (module script, preloads, CSS), gzipped. */
function initialBytes() {
  const dist = join(root, "web", "dist");
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const sizes = files.map((f) => ({ file: f, gzip: gzipSync(readFileSync(join(dist, f))).length }));
  return { files: sizes, js: sizes.filter((s) => s.file.endsWith(".js")).reduce((n, s) => n + s.gzip, 0), css: sizes.filter((s) => s.file.endsWith(".css")).reduce((n, s) => n + s.gzip, 0) };
}

async function startSystem(dataDir) {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const child = spawn(process.execPath, [join(root, "packages/launcher/dist/main.js")], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warn", WS_RATE_PER_S: "100000", WS_RATE_BURST: "100000", ...(process.env.WEB_DIR ? { WEB_DIR: process.env.WEB_DIR } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  const deadline = Date.now() + 60_000;
  while (!/agileboard is running at/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the system did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => (child.once("exit", resolve), child.kill("SIGTERM"))) };
}

function sdk(url, user) {
  const getToken = async () => (await (await fetch(`${url}/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant_id: "bench", user_id: user }) })).json()).token;
  return connect({ url, getToken, WebSocket });
}

// Recorded in the page before the app runs: when each socket message arrived.
const INIT = `(() => {
  window.__arrivals = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener("message", () => window.__arrivals.push(performance.now())); }
  };
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration); }).observe({ type: "longtask", buffered: true });
})();`;

async function main() {
  const bytes = initialBytes();
  say(`initial assets (gzip): ${(bytes.js / 1024).toFixed(1)} KB JavaScript, ${(bytes.css / 1024).toFixed(1)} KB CSS`);
  const dataDir = mkdtempSync(join(tmpdir(), "agileboard-bench-"));
  const system = await startSystem(dataDir);
  const alice = sdk(system.url, "alice");
  const bob = sdk(system.url, "bob");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] });
  try {
    say(`filling a board with ${CARDS} cards…`);
    const project = await generateDemoProject(alice, { me: "alice", teammates: ["bob", "carol", "dave", "erin"], extraCards: Math.max(0, CARDS - 32), ratePerSecond: 1500 });
    const items = [];
    let pageToken = "";
    do {
      const page = await bob.request("listWorkItems", { projectId: project.id, pageSize: 500, pageToken });
      items.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    say(`${items.length} cards in ${project.key}`);

    const loads = [];
    let repaint = [];
    let missed = 0;
    let rendered = 0;
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addInitScript(INIT);
      const page = await context.newPage();
      await page.goto(system.url);
      await page.getByLabel("Tenant").fill("bench");
      await page.getByLabel("User").fill("alice");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Projects", level: 1 }).waitFor();
      // Each run measures a fresh navigation to the board (the app shell cached, the board loaded over the socket).
      await page.goto(`${system.url}/p/${project.key}`);
      await page.waitForFunction((total) => {
        const counts = [...document.querySelectorAll(".column-count")].map((e) => Number(e.textContent));
        return counts.length === 5 && counts.reduce((a, b) => a + b, 0) >= total;
      }, items.length, { polling: "raf", timeout: 60_000 });
      const shownAt = await page.evaluate(() => performance.now());
      await page.waitForTimeout(1500);
      const { longTasks, nav } = await page.evaluate(() => ({ longTasks: window.__longTasks, nav: performance.getEntriesByType("navigation")[0]?.startTime ?? 0 }));
      const interactiveAt = Math.max(shownAt, ...longTasks);
      loads.push({ shownMs: shownAt - nav, interactiveMs: interactiveAt - nav, longestTaskMs: 0 });
      rendered = await page.locator(".card").count();

      if (run === RUNS - 1) {
        say(`measuring ${MOVES} teammate moves…`);
        const columns = [WorkItemStatus.WORK_ITEM_STATUS_TODO, WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS, WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW];
        const labels = { [WorkItemStatus.WORK_ITEM_STATUS_TODO]: "To do", [WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS]: "In progress", [WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW]: "In review" };
        // Cards near the top of their column: a move puts them at the top of another, so they are in view.
        const movers = items.filter((i) => i.status !== WorkItemStatus.WORK_ITEM_STATUS_BACKLOG).slice(0, MOVES);
        const current = new Map(items.map((i) => [i.id, i]));
        const topOf = (status) => {
          let top;
          for (const i of current.values()) if (i.status === status && i.deletedAtMs === 0 && (!top || i.rank < top.rank)) top = i;
          return top;
        };
        const cdp = process.env.PROFILE ? await context.newCDPSession(page) : undefined;
        say(JSON.stringify(await page.evaluate(() => window.__phases?.map((p) => p.map((x) => Math.round(x))))));
        if (cdp) { await cdp.send("Profiler.enable"); await cdp.send("Profiler.setSamplingInterval", { interval: 200 }); await cdp.send("Profiler.start"); }
        for (let n = 0; n < movers.length; n++) {
          const item = current.get(movers[n].id);
          const to = columns[(columns.indexOf(item.status) + 1) % columns.length] ?? WorkItemStatus.WORK_ITEM_STATUS_TODO;
          const key = `${project.key}-${item.number}`;
          const column = labels[to];
          const seen = page.evaluate(
            ({ key, column }) =>
              new Promise((resolve) => {
                const region = () => document.querySelector(`section[aria-label="${column}"]`);
                const check = () => [...(region()?.querySelectorAll(".card-key") ?? [])].some((e) => e.textContent === key);
                const before = window.__arrivals.length;
                setTimeout(() => (observer.disconnect(), resolve(Number.NaN)), 5_000);
                const observer = new MutationObserver(() => {
                  if (!check() || window.__arrivals.length === before) return;
                  observer.disconnect();
                  const arrived = window.__arrivals[window.__arrivals.length - 1];
                  const mutated = performance.now();
                  // The frame after the DOM change: the card is painted in it.
                  requestAnimationFrame(() => { const t = window.__t ?? []; window.__phases = (window.__phases ?? []).concat([[ (t[0]??0) - arrived, (t[1]??0) - arrived, mutated - arrived, performance.now() - arrived ]]); resolve(performance.now() - arrived); });
                });
                observer.observe(document.body, { childList: true, subtree: true, characterData: true });
              }),
            { key, column },
          );
          await page.waitForTimeout(5);
          // To the top of the next column, where it is in view (columns are virtualised).
          const moved = await bob.request("moveWorkItem", { workItemId: item.id, expectedVersion: item.version, status: to, beforeId: "", afterId: topOf(to)?.id ?? "" });
          current.set(item.id, moved);
          const ms = await seen;
          if (Number.isNaN(ms)) missed++;
          else repaint.push(ms);
        }
        say(JSON.stringify(await page.evaluate(() => window.__phases?.map((p) => p.map((x) => Math.round(x))))));
        if (cdp) {
          const { profile } = await cdp.send("Profiler.stop");
          const self = new Map();
          const total = profile.samples.length;
          const byId = new Map(profile.nodes.map((n) => [n.id, n]));
          const counts = new Map();
          for (const s of profile.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
          for (const [id, c] of counts) { const n = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + c); }
          say([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, c]) => `${(100 * c / total).toFixed(1)}% ${k}`).join("\n"));
        }
      }
      await context.close();
    }

    const median = (field) => percentile(loads.map((l) => l[field]), 50);
    const result = {
      machine: `${process.platform} ${process.arch}, ${(await import("node:os")).cpus().length} cores, Node ${process.version}`,
      cards: items.length,
      renderedCards: rendered,
      initialJsGzipKb: +(bytes.js / 1024).toFixed(1),
      initialCssGzipKb: +(bytes.css / 1024).toFixed(1),
      boardShownMs: Math.round(median("shownMs")),
      boardInteractiveMs: Math.round(median("interactiveMs")),
      runs: loads.map((l) => ({ shownMs: Math.round(l.shownMs), interactiveMs: Math.round(l.interactiveMs) })),
      repaintMs: { moves: repaint.length, notSeenWithin5s: missed, p50: +percentile(repaint, 50).toFixed(1), p99: +percentile(repaint, 99).toFixed(1), max: +Math.max(...repaint).toFixed(1) },
    };
    const table = [
      "| figure | value | target |",
      "|---|---|---|",
      `| initial JavaScript (gzip) | ${result.initialJsGzipKb} KB (+ ${result.initialCssGzipKb} KB CSS) | < 250 KB |`,
      `| ${result.cards}-card board: cards shown after navigation (median of ${RUNS}) | ${result.boardShownMs} ms | — |`,
      `| ${result.cards}-card board: interactive (no long task after) | ${result.boardInteractiveMs} ms | < 1 000 ms |`,
      `| card elements in the DOM (virtualised columns) | ${result.renderedCards} of ${result.cards} | — |`,
      `| teammate's move: socket → card repainted, p50 / p99 / max (${result.repaintMs.moves} moves) | ${result.repaintMs.p50} / ${result.repaintMs.p99} / ${result.repaintMs.max} ms | p99 ≤ 16 ms |`,
    ].join("\n");
    say(`\n${table}\n\n${result.machine}`);
    const out = join(root, "bench", "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "browser-board.json"), JSON.stringify(result, null, 2));
    writeFileSync(join(out, "browser-board.md"), `# Browser benchmark\n\n\`npm run bench:browser\` — ${new Date().toISOString()}\n\n${table}\n\n${result.machine}\n`);
  } finally {
    await browser.close();
    await alice.close();
    await bob.close();
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
