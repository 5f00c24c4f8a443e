#!/usr/bin/env node
import { exitOnSignals, startOrExit, stopWhenLauncherDies } from "@agileboard/kit";
import { createDemoProject } from "./demo.js";
import { startSystem } from "./system.js";

const system = await startOrExit(() => startSystem());
const { url } = system;
const dev = process.env["AUTH_DEV"] !== "0";
const shape =
  system.processMode === "many"
    ? `${system.processes().length} processes: ${system.processes().map((p) => p.name).join(", ")}`
    : "one process";
process.stdout.write(
  [
    "",
    `agileboard is running at ${url}  (bus: ${system.busKind}; ${shape}) — open it in a browser to sign in`,
    `  WebSocket: ${url.replace(/^http/, "ws")}/ws   ready: ${url}/readyz`,
    `  REST: ${url}/api/v1 (docs: ${url}/api/docs)   MCP: ${url}/mcp, or npx agileboard-mcp --url ${url} --token <jwt>`,
    dev
      ? `  get a token: curl -s -XPOST ${url}/dev/token -H 'content-type: application/json' -d '{"tenant_id":"acme","user_id":"alice"}'`
      : "  tokens: signed by the keys in AUTH_JWKS",
    "  stop: Ctrl-C",
    "",
  ].join("\n") + "\n",
);
exitOnSignals(system.stop, { logger: system.logger, graceMs: 10_000 });
system.failed.then(async (err) => {
  system.logger.error({ err }, "stopping: the system cannot go on");
  await system.stop().catch(() => undefined);
  process.exit(1);
});
if (process.argv.includes("--demo")) {
  createDemoProject(url).then(
    (key) => process.stdout.write(`  demo project ${key}: sign in as alice, tenant acme, and open ${url}/p/${key}\n`),
    (err: unknown) => process.stderr.write(`  demo project not created: ${err instanceof Error ? err.message : String(err)}\n`),
  );
}
// `npm start` killed with SIGKILL cannot pass a signal on: notice it and stop as for Ctrl-C.
stopWhenLauncherDies(() => process.kill(process.pid, "SIGTERM"));
