#!/usr/bin/env node
import { exitOnSignals, startOrExit, stopWhenLauncherDies } from "@agileboard/kit";
import { createDemoProject } from "./demo.js";
import { startEmbedded } from "./embedded.js";

const system = await startOrExit(() => startEmbedded());
const { gateway } = system;
const dev = process.env["AUTH_DEV"] !== "0";
process.stdout.write(
  [
    "",
    `agileboard is running at ${gateway.url}  (bus: ${system.busKind}) — open it in a browser to sign in`,
    `  WebSocket: ${gateway.url.replace(/^http/, "ws")}/ws   ready: ${gateway.url}/readyz`,
    `  REST: ${gateway.url}/api/v1 (docs: ${gateway.url}/api/docs)   MCP: ${gateway.url}/mcp, or npx agileboard-mcp --url ${gateway.url} --token <jwt>`,
    dev
      ? `  get a token: curl -s -XPOST ${gateway.url}/dev/token -H 'content-type: application/json' -d '{"tenant_id":"acme","user_id":"alice"}'`
      : "  tokens: signed by the keys in AUTH_JWKS",
    "  stop: Ctrl-C",
    "",
  ].join("\n") + "\n",
);
exitOnSignals(system.stop, { logger: gateway.logger, graceMs: 10_000 });
if (process.argv.includes("--demo")) {
  createDemoProject(gateway.url).then(
    (key) => process.stdout.write(`  demo project ${key}: sign in as alice, tenant acme, and open ${gateway.url}/p/${key}\n`),
    (err: unknown) => process.stderr.write(`  demo project not created: ${err instanceof Error ? err.message : String(err)}\n`),
  );
}
// `npm start` killed with SIGKILL cannot pass a signal on: notice it and stop as for Ctrl-C.
stopWhenLauncherDies(() => process.kill(process.pid, "SIGTERM"));
