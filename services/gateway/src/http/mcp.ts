import { createAgileboardMcpServer, type ApiGet } from "@agileboard/mcp";
import type { Logger } from "@agileboard/kit";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HttpCallers } from "./api/callers.js";
import { PROBLEM_CONTENT_TYPE, sendProblem } from "./api/problem.js";

/** What /mcp is served from. */
export interface McpDeps {
  callers: HttpCallers;
  logger: Logger;
}

/**
 * The MCP server over streamable HTTP at /mcp, stateless: each POST is one JSON-RPC exchange with a server
 * of its own, authenticated by the same bearer JWT as the REST API. Its tools GET the REST API in-process
 * (fastify's inject) with the caller's Authorization header, so they answer exactly what /api/v1 answers.
 */
export function registerMcp(app: FastifyInstance, deps: McpDeps): void {
  app.post("/mcp", async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      await deps.callers.authenticate(req.headers.authorization);
    } catch (err) {
      return sendProblem(reply, err, deps.logger);
    }
    const authorization = req.headers.authorization as string;
    const get: ApiGet = async (path) => {
      const res = await app.inject({ method: "GET", url: path, headers: { authorization, accept: "application/json" } });
      let body: unknown;
      try {
        body = res.json();
      } catch {
        body = { detail: res.body.slice(0, 500) };
      }
      return { status: res.statusCode, body };
    };
    const server = createAgileboardMcpServer(get);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on("close", () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req.raw, reply.raw, req.body);
    } catch (err) {
      deps.logger.error({ err }, "mcp request failed");
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { "content-type": PROBLEM_CONTENT_TYPE }).end(JSON.stringify({ type: "urn:agileboard:error:internal", title: "Internal Server Error", status: 500, detail: "internal error", code: "internal" }));
    }
  });
  const notHere = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(405)
      .header("allow", "POST")
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ type: "urn:agileboard:error:unimplemented", title: "Method Not Allowed", status: 405, detail: "this MCP server is stateless: POST each JSON-RPC message to /mcp", code: "unimplemented" }));
  app.get("/mcp", notHere);
  app.delete("/mcp", notHere);
}
