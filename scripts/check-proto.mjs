#!/usr/bin/env node
// `npm run proto:check`: regenerates the ts-proto output into a temp dir and fails if the committed
// proto/src/gen or proto/src/gen-wire (the browser-safe copy) differs, so generated code can never drift from the
// .proto files.
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
  const trees = ["gen", "gen-wire"];
  let count = 0;
  const stale = trees.flatMap((tree) => {
    const committed = join(protoDir, "src", tree);
    const fresh = join(out, "src", tree);
    const names = new Set([...files(committed).map((f) => relative(committed, f)), ...files(fresh).map((f) => relative(fresh, f))]);
    count += names.size;
    return [...names]
      .filter((name) => {
        try {
          return readFileSync(join(committed, name), "utf8") !== readFileSync(join(fresh, name), "utf8");
        } catch {
          return true;
        }
      })
      .map((name) => `${tree}/${name}`);
  });
  if (stale.length > 0) {
    console.error(`proto/src is stale (${stale.join(", ")}): run \`npm run proto\` and commit the result`);
    process.exit(1);
  }
  console.log(`proto/src/{${trees.join(",")}} match the .proto files (${count} files)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
