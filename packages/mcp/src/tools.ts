import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

/** One GET of the agileboard REST API (/api/v1/...) as the caller: its status and JSON body. */
export type ApiGet = (path: string) => Promise<{ status: number; body: unknown }>;

/** The name and release the server announces. */
const SERVER_INFO = { name: "agileboard", version: "0.1.0" } as const;

const KEY = z.string().regex(/^[A-Z0-9]{2,10}$/).describe('A project key, e.g. "PAY" (list_projects shows them).');
const ITEM_KEY = z.string().regex(/^[A-Z0-9]{2,10}-[1-9][0-9]*$/).describe('A work item key, e.g. "PAY-42".');
const TIME = z.string().max(40).describe("ISO 8601 (2024-05-01 or 2024-05-01T12:00:00Z) or Unix milliseconds.");
const CURSOR = z.string().max(4096).describe("The next_cursor of the previous answer, to continue.");

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** A tool result from an API answer: the JSON document, or the problem as an error the model can act on. */
async function answer(get: ApiGet, path: string): Promise<CallToolResult> {
  const { status, body } = await get(path);
  if (status >= 200 && status < 300) {
    return { content: [{ type: "text", text: JSON.stringify(body) }], structuredContent: body as Record<string, unknown> };
  }
  const problem = body as { detail?: string; violations?: { field: string; description: string }[] } | undefined;
  const violations = problem?.violations?.map((v) => `${v.field}: ${v.description}`).join("; ");
  return { isError: true, content: [{ type: "text", text: `agileboard answered ${status}: ${problem?.detail ?? "error"}${violations ? ` (${violations})` : ""}` }] };
}

/**
 * The agileboard MCP server: read-only tools an assistant uses to understand a tenant's projects, each one
 * GET of the REST API as the caller (so the same authorization applies). `get` performs those GETs: over HTTP
 * for the stdio server, in-process when the gateway serves /mcp.
 */
export function createAgileboardMcpServer(get: ApiGet): McpServer {
  const server = new McpServer(SERVER_INFO, {
    instructions:
      "agileboard is an agile board: projects hold work items (epics, stories, tasks, bugs) with comments, time entries and dependencies, planned in sprints; every change is in an activity log. Start with list_projects, then get_project_context for the whole picture of a project. Item keys look like PAY-42. Reads can look into the past with as_of. Everything is read-only.",
  });

  server.registerTool(
    "list_projects",
    {
      title: "List projects",
      description: "The projects you can read: key, name, description, whether archived. Use a project's key with the other tools.",
      inputSchema: { include_archived: z.boolean().optional().describe("Also list archived projects."), cursor: CURSOR.optional() },
      annotations: READ_ONLY,
    },
    ({ include_archived, cursor }) => answer(get, `/api/v1/projects${query({ include_archived: include_archived ? "true" : undefined, cursor })}`),
  );

  server.registerTool(
    "get_project_context",
    {
      title: "Get a project's whole context",
      description:
        "Everything about one project in one JSON document: the project, its members and their roles (viewer, editor, admin), the work item tree (epics contain stories, stories contain tasks and bugs) with every field (status, priority, assignee, story points, sprint, labels, blocked or not, time spent), sprints with committed and completed points, open dependencies, and the latest activity. Large projects come in pages: pass items.next_cursor back as cursor. Give as_of to see the project as it was at a past time.",
      inputSchema: {
        project: KEY,
        max_items: z.number().int().min(1).max(500).optional().describe("Most work items in this answer (default 200)."),
        cursor: CURSOR.optional(),
        as_of: TIME.optional().describe("See the project as it was at this time (ISO 8601 or Unix ms)."),
      },
      annotations: READ_ONLY,
    },
    ({ project, max_items, cursor, as_of }) => answer(get, `/api/v1/projects/${project}/context${query({ max_items, cursor, as_of })}`),
  );

  server.registerTool(
    "search_work_items",
    {
      title: "Search work items",
      description:
        'Find work items by words in their title or description, and filter them. query holds words ("quoted phrases" too) and filters written field=value, several values comma-separated: status (backlog, todo, in_progress, in_review, done), type (epic, story, task, bug), priority (low, medium, high, critical), assignee (a user id), sprint (a sprint id), label, project (a key), parent (an item id). Example: login status=todo,in_progress priority=high. An item key such as PAY-42 finds that item. Best matches first; total says how many match.',
      inputSchema: {
        query: z.string().max(1000).describe("Words and field=value filters."),
        project: KEY.optional().describe("Only this project (a key)."),
        limit: z.number().int().min(1).max(50).optional().describe("Most matches in this answer (default 20)."),
        cursor: CURSOR.optional(),
      },
      annotations: READ_ONLY,
    },
    ({ query: q, project, limit, cursor }) => answer(get, `/api/v1/items${query({ q, project, page_size: limit ?? 20, cursor })}`),
  );

  server.registerTool(
    "get_work_item",
    {
      title: "Get a work item",
      description:
        "One work item by its key (PAY-42) with every field, its comments, its time entries and total time, its dependencies (what blocks it, what it blocks, related items), and its field-level history (who changed which field from what to what, and when). Give as_of to see it as it was at a past time.",
      inputSchema: { key: ITEM_KEY, as_of: TIME.optional().describe("See the item as it was at this time.") },
      annotations: READ_ONLY,
    },
    ({ key, as_of }) => answer(get, `/api/v1/items/${key}${query({ as_of })}`),
  );

  server.registerTool(
    "list_activity",
    {
      title: "List activity",
      description:
        'The audit trail, newest first: who created, changed (field by field, old and new value), deleted or restored what, and when. Filter by project, by user, by item, and by time; e.g. "what did alice work on last week" is user=alice with since and until. Give at least one of project, user, item. Enum values appear as proto names (WORK_ITEM_STATUS_DONE); times are Unix milliseconds.',
      inputSchema: {
        project: KEY.optional(),
        user: z.string().max(256).optional().describe("A user id."),
        item: ITEM_KEY.optional().describe("Only changes of this item."),
        since: TIME.optional().describe("Only rows at or after this time."),
        until: TIME.optional().describe("Only rows at or before this time."),
        limit: z.number().int().min(1).max(200).optional().describe("Most rows in this answer (default 50)."),
        cursor: CURSOR.optional(),
      },
      annotations: READ_ONLY,
    },
    ({ project, user, item, since, until, limit, cursor }) => answer(get, `/api/v1/activity${query({ project, user, entity: item, since, until, page_size: limit, cursor })}`),
  );

  server.registerTool(
    "get_sprint_report",
    {
      title: "Get a sprint report",
      description:
        "A sprint and its report: committed points (in the sprint when it started), completed points (done when it ended), the burndown (points not done over time) and velocity over the project's last completed sprints. Give sprint_id, or project alone for its active sprint (else its latest sprint).",
      inputSchema: { sprint_id: z.string().uuid().optional().describe("A sprint id (get_project_context lists them)."), project: KEY.optional() },
      annotations: READ_ONLY,
    },
    async ({ sprint_id, project }) => {
      if (sprint_id) return answer(get, `/api/v1/sprints/${sprint_id}/report`);
      if (!project) return { isError: true, content: [{ type: "text", text: "give sprint_id, or project for its active sprint" }] };
      const { status, body } = await get(`/api/v1/projects/${project}/sprints`);
      if (status !== 200) return answer(get, `/api/v1/projects/${project}/sprints`);
      const sprints = (body as { sprints: { id: string; status: string }[] }).sprints;
      const chosen = sprints.find((s) => s.status === "active") ?? sprints[sprints.length - 1];
      if (!chosen) return { isError: true, content: [{ type: "text", text: `project ${project} has no sprints` }] };
      return answer(get, `/api/v1/sprints/${chosen.id}/report`);
    },
  );

  return server;
}

/** An ApiGet over HTTP: `baseUrl` is the gateway (http://host:8080), `token` the caller's JWT. */
export function httpApi(baseUrl: string, token: string): ApiGet {
  const base = baseUrl.replace(/\/+$/, "");
  return async (path) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = { detail: text.slice(0, 500) };
    }
    return { status: res.status, body };
  };
}
