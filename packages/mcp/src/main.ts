#!/usr/bin/env node
// agileboard-mcp: the MCP server on stdio, talking to a gateway's REST API as the given token.
//   npx agileboard-mcp --url http://127.0.0.1:8080 --token <jwt>
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { loadMcpConfig } from "./config.js";
import { createAgileboardMcpServer, httpApi } from "./tools.js";

let config: { url: string; token: string };
try {
  config = loadMcpConfig(process.argv.slice(2));
} catch (err) {
  // stdout carries the protocol: problems go to stderr.
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
const server = createAgileboardMcpServer(httpApi(config.url, config.token));
await server.connect(new StdioServerTransport());
process.stderr.write(`agileboard-mcp: serving ${config.url} on stdio\n`);
