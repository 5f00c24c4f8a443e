#!/usr/bin/env node
// `npm start`: the embedded default (SPEC §4). Installs dependencies and builds when needed (the TypeScript
// workspace always, incrementally; the web app when its sources are newer than its build), then runs every
// service and the gateway (scripts/../packages/launcher). `npm start -- --demo` also fills a demo project.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args, env = {}) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

/** Newest modification time under the given paths (files or folders), ms. */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else latest = Math.max(latest, stat.mtimeMs);
  };
  paths.forEach((p) => visit(join(root, p)));
  return latest;
}

const installed = join(root, "node_modules", ".package-lock.json");
if (!existsSync(installed) || statSync(join(root, "package-lock.json")).mtimeMs > statSync(installed).mtimeMs) {
  console.log("installing dependencies (better-sqlite3 builds from source, about a minute the first time)...");
  run("npm", ["ci", "--no-audit", "--no-fund"], { npm_config_build_from_source: "better-sqlite3" });
}
run("npx", ["tsc", "-b"]);
const webBuilt = join(root, "web", "dist", "index.html");
const webSources = ["web/src", "web/public", "web/index.html", "web/vite.config.ts", "web/vite.embed.config.ts", "packages/client/src", "packages/demo/src", "proto/src/gen-wire"];
if (!existsSync(webBuilt) || newest(webSources) > statSync(webBuilt).mtimeMs) {
  console.log("building the web app...");
  run("npm", ["run", "build", "-w", "web"]);
}
await import(join(root, "packages", "launcher", "dist", "main.js"));
