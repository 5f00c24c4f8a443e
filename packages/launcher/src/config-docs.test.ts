import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gatewayEnv } from "@agileboard/gateway";
import { mcpEnv } from "@agileboard/mcp";
import { sprintsEnv } from "@agileboard/sprints";
import { tenancyEnv } from "@agileboard/tenancy";
import { REPO_ROOT } from "@agileboard/testkit";
import { webhooksEnv } from "@agileboard/webhooks";
import { workitemsEnv } from "@agileboard/workitems";
import { describe, expect, it } from "vitest";
import { launcherEnv } from "./config.js";

describe("README configuration table", () => {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));
  const documented = new Set([...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]));
  const schemas = { gateway: gatewayEnv, tenancy: tenancyEnv, workitems: workitemsEnv, sprints: sprintsEnv, webhooks: webhooksEnv, mcp: mcpEnv, launcher: launcherEnv };
  const read = new Set(Object.values(schemas).flatMap((shape) => Object.keys(shape)));

  it("documents every variable a process reads", () => {
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });

  it("documents no variable that nothing reads", () => {
    expect([...documented].filter((name) => name !== undefined && !read.has(name))).toEqual([]);
  });
});
