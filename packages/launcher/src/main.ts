#!/usr/bin/env node
import { ConfigError, exitOnSignals } from "@agileboard/kit";
import { startEmbedded } from "./embedded.js";

let system;
try {
  system = await startEmbedded();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
const { gateway } = system;
const dev = process.env["AUTH_DEV"] !== "0";
process.stdout.write(
  [
    "",
    `agileboard is running at ${gateway.url}  (bus: ${system.busKind})`,
    `  WebSocket: ${gateway.url.replace(/^http/, "ws")}/ws   ready: ${gateway.url}/readyz`,
    dev
      ? `  get a token: curl -s -XPOST ${gateway.url}/dev/token -H 'content-type: application/json' -d '{"tenant_id":"acme","user_id":"alice"}'`
      : "  tokens: signed by the keys in AUTH_JWKS",
    "  stop: Ctrl-C",
    "",
  ].join("\n") + "\n",
);
exitOnSignals(system.stop, { logger: gateway.logger, graceMs: 10_000 });
