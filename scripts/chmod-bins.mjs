#!/usr/bin/env node
// After `tsc -b`: makes every workspace package's `bin` files executable. npm links them at install time, before
// they are built, so the link exists but points at a file tsc writes without the executable bit
// (`npx agileboard-mcp` would answer "Permission denied").
import { chmodSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const workspaces = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces;
const dirs = workspaces.flatMap((pattern) =>
  pattern.endsWith("/*") ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(pattern.slice(0, -2), d.name)) : [pattern],
);
for (const dir of dirs) {
  const manifest = join(root, dir, "package.json");
  if (!existsSync(manifest)) continue;
  const bin = JSON.parse(readFileSync(manifest, "utf8")).bin ?? {};
  for (const target of typeof bin === "string" ? [bin] : Object.values(bin)) {
    const path = join(root, dir, target);
    if (existsSync(path)) chmodSync(path, 0o755);
  }
}
