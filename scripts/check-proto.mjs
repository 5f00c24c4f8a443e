#!/usr/bin/env node
// `npm run proto:check`: regenerates the ts-proto output into a temp dir and fails if the committed
// proto/src/gen differs, so generated code can never drift from the .proto files.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const protoDir = fileURLToPath(new URL("../proto/", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "agileboard-proto-"));
const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
try {
  for (const args of [["lint"], ["generate", "--output", out]]) {
    const r = spawnSync(join(protoDir, "..", "node_modules", ".bin", "buf"), args, { cwd: protoDir, stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const committed = join(protoDir, "src", "gen");
  const fresh = join(out, "src", "gen");
  const names = new Set([...files(committed).map((f) => relative(committed, f)), ...files(fresh).map((f) => relative(fresh, f))]);
  const stale = [...names].filter((name) => {
    try {
      return readFileSync(join(committed, name), "utf8") !== readFileSync(join(fresh, name), "utf8");
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`proto/src/gen is stale (${stale.join(", ")}): run \`npm run proto\` and commit the result`);
    process.exit(1);
  }
  console.log(`proto/src/gen matches the .proto files (${names.size} files)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
