import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { REPO_ROOT, seedProject, startTestSystem, TestClient, type SeededProject, type TestSystem, type JsonDocument } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Json = JsonDocument;

const TOOLS = ["get_project_context", "get_sprint_report", "get_work_item", "list_activity", "list_projects", "search_work_items"];

/** The JSON document a tool answered with. */
function documentOf(result: Awaited<ReturnType<Client["callTool"]>>): Json {
  expect(result.isError ?? false).toBe(false);
  const [first] = result.content as { type: string; text: string }[];
  expect(first?.type).toBe("text");
  return JSON.parse(first?.text ?? "{}") as Json;
}

describe("MCP server", () => {
  let system: TestSystem;
  let alice: TestClient;
  let seed: SeededProject;
  let token: string;

  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory" });
    token = await system.auth.token({ userId: "alice" });
    alice = await TestClient.connect(system.url, token);
    seed = await seedProject(alice);
  });
  afterAll(async () => {
    alice?.close();
    await system?.stop();
  });

  /** Every tool answers a real MCP client, the same way on both transports. */
  async function exercise(client: Client): Promise<void> {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description?.length ?? 0, tool.name).toBeGreaterThan(80);
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
    }
    const key = seed.project.key;
    const context = documentOf(await client.callTool({ name: "get_project_context", arguments: { project: key } }));
    expect(context["project"]["key"]).toBe(key);
    expect(context["items"]["tree"][0]["children"].map((c: Json) => c["title"])).toEqual(["Pay by card", "Declined cards crash the page"]);
    const found = documentOf(await client.callTool({ name: "search_work_items", arguments: { query: "declined type=bug", project: key } }));
    expect(found["hits"].map((h: Json) => h["item"]["key"])).toEqual([`${key}-4`]);
    const item = documentOf(await client.callTool({ name: "get_work_item", arguments: { key: `${key}-2` } }));
    expect(item["comments"][0]["body"]).toBe("Use the **new** payment provider.");
    const activity = documentOf(await client.callTool({ name: "list_activity", arguments: { user: "alice", item: `${key}-2` } }));
    expect(activity["entries"].map((e: Json) => e["action"])).toEqual(["updated", "created"]);
    const report = documentOf(await client.callTool({ name: "get_sprint_report", arguments: { project: key } }));
    expect(report).toMatchObject({ sprint: { id: seed.sprint.id, status: "active" }, report: { committed_points: 3 } });
    const projects = documentOf(await client.callTool({ name: "list_projects", arguments: {} }));
    expect(projects["projects"].map((p: Json) => p["key"])).toContain(key);
    // A refusal comes back as a tool error the model can read, not a protocol failure.
    const missing = await client.callTool({ name: "get_work_item", arguments: { key: `${key}-404` } });
    expect(missing.isError).toBe(true);
    expect((missing.content as { text: string }[])[0]?.text).toMatch(/404.*not found/);
  }

  it("answers a real MCP client over streamable HTTP at /mcp, authenticated by the JWT", async () => {
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${system.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      await exercise(client);
    } finally {
      await client.close();
    }
  });

  it("refuses /mcp without a valid token, and shows a non-member nothing", async () => {
    const anonymous = await fetch(`${system.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(anonymous.status).toBe(401);
    const expired = await system.auth.token({ userId: "alice", expiresInS: -5 });
    const refused = new Client({ name: "test", version: "1.0.0" });
    await expect(refused.connect(new StreamableHTTPClientTransport(new URL(`${system.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${expired}` } } }))).rejects.toThrow();

    const stranger = new Client({ name: "test", version: "1.0.0" });
    await stranger.connect(new StreamableHTTPClientTransport(new URL(`${system.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${await system.auth.token({ userId: "stranger" })}` } } }));
    try {
      const context = await stranger.callTool({ name: "get_project_context", arguments: { project: seed.project.key } });
      expect(context.isError).toBe(true);
      expect(JSON.stringify(context)).not.toContain("Pay by card");
    } finally {
      await stranger.close();
    }
  });

  it("answers a real MCP client over stdio (npx agileboard-mcp --url … --token …)", async () => {
    const client = new Client({ name: "test", version: "1.0.0" });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(REPO_ROOT, "packages/mcp/dist/main.js"), "--url", system.url],
      env: { ...(process.env as Record<string, string>), AGILEBOARD_TOKEN: token },
      stderr: "pipe",
    });
    await client.connect(transport);
    try {
      await exercise(client);
    } finally {
      await client.close();
    }
  });
});
