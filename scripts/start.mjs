#!/usr/bin/env node
// `npm start`: the embedded default (SPEC §4). Installs dependencies and builds when needed, then runs every
// service and the gateway in this process (scripts/../packages/launcher).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args, env = {}) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

const installed = join(root, "node_modules", ".package-lock.json");
if (!existsSync(installed) || statSync(join(root, "package-lock.json")).mtimeMs > statSync(installed).mtimeMs) {
  console.log("installing dependencies (better-sqlite3 builds from source, about a minute the first time)...");
  run("npm", ["ci", "--no-audit", "--no-fund"], { npm_config_build_from_source: "better-sqlite3" });
}
run("npx", ["tsc", "-b"]);
await import(join(root, "packages", "launcher", "dist", "main.js"));
