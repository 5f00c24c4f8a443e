import { createHash } from "node:crypto";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { InvalidArgumentError, NotFoundError, type Logger } from "@agileboard/kit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HttpCaller, HttpCallers } from "./callers.js";
import { describeSchema } from "./describe-schema.js";
import { sendProblem, PROBLEM_CONTENT_TYPE } from "./problem.js";
import { ApiReads, DEFAULT_CONTEXT_ACTIVITY, DEFAULT_CONTEXT_ITEMS, DEFAULT_ITEM_HISTORY, MAX_DOCUMENT_ITEMS, parseTime } from "./reads.js";
import { AS_OF, componentSchemas, ERROR_RESPONSES, NEXT_CURSOR, QUERY, ref } from "./schemas.js";

/** What the REST API is served from. */
export interface ApiDeps {
  callers: HttpCallers;
  reads: ApiReads;
  logger: Logger;
  /** The gateway's release, shown in the OpenAPI document. */
  version: string;
  /** Extra routes under /api/v1 (tenant export/import), registered in the same scope. */
  extraRoutes?: (api: FastifyInstance, helpers: ApiHelpers) => void;
}

/** What extra route modules share with the API's own routes. */
export interface ApiHelpers {
  authenticate(req: FastifyRequest): Promise<HttpCaller>;
}

/** REST parameter names of the contract's fields, so violations name what the client sent. */
const PARAMETER_OF_FIELD: Record<string, string> = {
  project_id: "project",
  entity_id: "entity",
  user_id: "user",
  since_ms: "since",
  until_ms: "until",
  page_token: "cursor",
  as_of_ms: "as_of",
  query: "q",
};

/** A strong ETag of a body. */
function etagOf(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

/**
 * Sends a JSON document with its ETag; a matching If-None-Match gets 304 and no body. The document's
 * `generated_at` (the time of this answer) is left out of the tag, so an unchanged context tags the same.
 */
function sendDocument(req: FastifyRequest, reply: FastifyReply, document: unknown): FastifyReply {
  const body = JSON.stringify(document);
  const etag = etagOf(JSON.stringify(document, (key, value: unknown) => (key === "generated_at" ? undefined : value)));
  reply.header("etag", etag).header("cache-control", "private, no-cache");
  const match = req.headers["if-none-match"];
  if (match && match.split(",").some((m) => m.trim() === etag || m.trim() === `W/${etag}`)) return reply.code(304).send();
  return reply.type("application/json; charset=utf-8").send(body);
}

const PROJECT_KEY_PARAM = { type: "object", properties: { key: { type: "string", pattern: "^[A-Z0-9]{2,10}$", description: "The project key, e.g. PAY." } }, required: ["key"] };

const object = (properties: Record<string, unknown>, description?: string) => ({
  type: "object",
  ...(description ? { description } : {}),
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});
const list = (name: string) => ({ type: "array", items: ref(name) });
const ok = (schema: unknown, description: string) => ({ 200: { description, ...(schema as object) }, ...ERROR_RESPONSES });

/** The REST API under /api/v1, its OpenAPI document (generated from these route schemas) and the docs page. */
export async function registerApi(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "agileboard REST API",
        version: deps.version,
        description:
          "Read-only access to an agileboard tenant for integrations and LLMs. Authenticate with the same JWT as the WebSocket (Authorization: Bearer <jwt>); you see what your roles let you see. Errors are application/problem+json. Every GET answers with an ETag; send If-None-Match to get 304 when nothing changed. Reads that take as_of answer as of that time, rebuilt from the activity log. GET /api/v1/schema explains the entities in words.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
      security: [{ bearer: [] }],
      tags: [{ name: "read", description: "Projects, items, activity" }, { name: "describe", description: "What the data means" }, { name: "tenant", description: "Export and import (tenant admins)" }],
    },
    hideUntagged: true,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String((json as { $id?: string }).$id ?? `def-${i}`) },
  });
  for (const [name, schema] of Object.entries(componentSchemas())) app.addSchema({ $id: name, ...schema });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", uiConfig: { docExpansion: "list", deepLinking: true } });

  const authenticate = (req: FastifyRequest) => deps.callers.authenticate(req.headers.authorization);
  const reads = deps.reads;

  await app.register(
    async (api) => {
      api.setErrorHandler((err: Error & { validation?: { instancePath?: string; params?: Record<string, unknown>; message?: string }[]; statusCode?: number }, _req, reply) => {
        if (err.validation) {
          const violations = err.validation.map((v) => ({
            field: String(v.params?.["missingProperty"] ?? v.instancePath?.replace(/^\//, "") ?? "request") || "request",
            description: v.message ?? "is invalid",
          }));
          return sendProblem(reply, new InvalidArgumentError(`request does not match the API: ${violations.map((v) => `'${v.field}' ${v.description}`).join("; ")}`, violations), deps.logger);
        }
        if (err.statusCode === 413) return reply.code(413).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify({ type: "urn:agileboard:error:invalid_argument", title: "Content Too Large", status: 413, detail: err.message, code: "invalid_argument" }));
        return sendProblem(reply, renameViolations(err), deps.logger);
      });
      api.setNotFoundHandler((req, reply) => sendProblem(reply, new NotFoundError(`no API route ${req.method} ${req.url.split("?")[0]}`), deps.logger));

      api.get("/openapi.json", { schema: { hide: true } }, async (req, reply) => sendDocument(req, reply, app.swagger()));

      api.get(
        "/schema",
        {
          schema: {
            tags: ["describe"],
            summary: "What the entities, fields, enums and rules mean, in words",
            security: [],
            response: ok({ type: "object", additionalProperties: true }, "The schema description"),
          },
        },
        async (req, reply) => sendDocument(req, reply, describeSchema()),
      );

      api.get(
        "/projects",
        {
          schema: {
            tags: ["read"],
            summary: "The projects the caller can read, in key order",
            querystring: { type: "object", properties: { include_archived: { type: "boolean", default: false }, page_size: QUERY.page_size, cursor: QUERY.cursor, as_of: QUERY.as_of } },
            response: ok(object({ as_of: AS_OF, projects: list("Project"), next_cursor: NEXT_CURSOR }), "A page of projects"),
          },
        },
        async (req, reply) => {
          const q = req.query as { include_archived: boolean; page_size?: number; cursor?: string; as_of?: string };
          const caller = await authenticate(req);
          const asOfMs = parseTime(q.as_of, "as_of");
          return sendDocument(req, reply, await reads.projects(caller, { includeArchived: q.include_archived, ...(q.page_size ? { pageSize: q.page_size } : {}), ...(q.cursor ? { cursor: q.cursor } : {}), ...(asOfMs ? { asOfMs } : {}) }));
        },
      );

      api.get(
        "/projects/:key",
        {
          schema: {
            tags: ["read"],
            summary: "A project and its members with their roles",
            params: PROJECT_KEY_PARAM,
            querystring: { type: "object", properties: { as_of: QUERY.as_of } },
            response: ok(object({ as_of: AS_OF, project: ref("Project"), members: list("ProjectMember") }), "The project"),
          },
        },
        async (req, reply) => {
          const { key } = req.params as { key: string };
          const caller = await authenticate(req);
          return sendDocument(req, reply, await reads.project(caller, key, parseTime((req.query as { as_of?: string }).as_of, "as_of")));
        },
      );

      api.get(
        "/projects/:key/context",
        {
          schema: {
            tags: ["read"],
            summary: "Everything about a project in one document an LLM can read whole",
            description:
              "The project, its members and roles, the epic → story → task tree with every field (one page of at most max_items items; next_cursor continues), sprints with their report figures, open dependencies and recent activity. With as_of, the project as it was then.",
            params: PROJECT_KEY_PARAM,
            querystring: {
              type: "object",
              properties: {
                max_items: { type: "integer", minimum: 1, maximum: MAX_DOCUMENT_ITEMS, default: DEFAULT_CONTEXT_ITEMS, description: "Most items in this document." },
                cursor: QUERY.cursor,
                as_of: QUERY.as_of,
                activity_limit: { type: "integer", minimum: 1, maximum: 200, default: DEFAULT_CONTEXT_ACTIVITY, description: "Most recent activity rows." },
              },
            },
            response: ok(
              object(
                {
                  about: { type: "string" },
                  generated_at: { type: "string", format: "date-time" },
                  as_of: AS_OF,
                  project: ref("Project"),
                  members: list("ProjectMember"),
                  sprints: {
                    type: "array",
                    items: {
                      ...componentSchemas()["Sprint"],
                      properties: {
                        ...((componentSchemas()["Sprint"] as { properties: object }).properties),
                        report: {
                          anyOf: [
                            object({ committed_points: { type: "integer" }, completed_points: { type: "integer" } }, "Report figures (always current); the burndown is in /sprints/{id}/report"),
                            { type: "null" },
                          ],
                        },
                      },
                      required: [...((componentSchemas()["Sprint"] as { required: string[] }).required), "report"],
                    },
                  },
                  items: object({ count: { type: "integer" }, tree: list("ItemNode"), next_cursor: NEXT_CURSOR }),
                  open_dependencies: list("Dependency"),
                  recent_activity: list("Activity"),
                },
                "The context document",
              ),
              "The context document",
            ),
          },
        },
        async (req, reply) => {
          const { key } = req.params as { key: string };
          const q = req.query as { max_items: number; cursor?: string; as_of?: string; activity_limit: number };
          const caller = await authenticate(req);
          const asOfMs = parseTime(q.as_of, "as_of");
          return sendDocument(req, reply, await reads.context(caller, key, { maxItems: q.max_items, ...(q.cursor ? { cursor: q.cursor } : {}), ...(asOfMs ? { asOfMs } : {}), activityLimit: q.activity_limit }));
        },
      );

      api.get(
        "/projects/:key/board",
        {
          schema: {
            tags: ["read"],
            summary: "The board: live items by status column, in rank order",
            params: PROJECT_KEY_PARAM,
            querystring: { type: "object", properties: { max_items: { type: "integer", minimum: 1, maximum: MAX_DOCUMENT_ITEMS, default: MAX_DOCUMENT_ITEMS }, cursor: QUERY.cursor, as_of: QUERY.as_of } },
            response: ok(
              object({
                as_of: AS_OF,
                project: ref("Project"),
                columns: { type: "array", items: object({ status: { type: "string", enum: ["backlog", "todo", "in_progress", "in_review", "done"] }, items: list("WorkItem") }) },
                next_cursor: NEXT_CURSOR,
              }),
              "The board",
            ),
          },
        },
        async (req, reply) => {
          const { key } = req.params as { key: string };
          const q = req.query as { max_items: number; cursor?: string; as_of?: string };
          const caller = await authenticate(req);
          const asOfMs = parseTime(q.as_of, "as_of");
          return sendDocument(req, reply, await reads.board(caller, key, { maxItems: q.max_items, ...(q.cursor ? { cursor: q.cursor } : {}), ...(asOfMs ? { asOfMs } : {}) }));
        },
      );

      api.get(
        "/projects/:key/sprints",
        {
          schema: {
            tags: ["read"],
            summary: "A project's sprints, oldest first",
            params: PROJECT_KEY_PARAM,
            querystring: { type: "object", properties: { as_of: QUERY.as_of } },
            response: ok(object({ as_of: AS_OF, sprints: list("Sprint") }), "The sprints"),
          },
        },
        async (req, reply) => {
          const { key } = req.params as { key: string };
          const caller = await authenticate(req);
          return sendDocument(req, reply, await reads.sprints(caller, key, parseTime((req.query as { as_of?: string }).as_of, "as_of")));
        },
      );

      api.get(
        "/sprints/:sprint_id/report",
        {
          schema: {
            tags: ["read"],
            summary: "A sprint and its report: committed and completed points, burndown, velocity",
            params: { type: "object", properties: { sprint_id: { type: "string", format: "uuid" } }, required: ["sprint_id"] },
            response: ok(object({ sprint: ref("Sprint"), report: ref("SprintReport") }), "The report"),
          },
        },
        async (req, reply) => {
          const caller = await authenticate(req);
          return sendDocument(req, reply, await reads.sprintReport(caller, (req.params as { sprint_id: string }).sprint_id));
        },
      );

      api.get(
        "/items/:key",
        {
          schema: {
            tags: ["read"],
            summary: "One work item with its comments, time entries, dependencies and field-level history",
            params: { type: "object", properties: { key: { type: "string", pattern: "^[A-Z0-9]{2,10}-[1-9][0-9]{0,15}$", description: "The item key, e.g. PAY-42." } }, required: ["key"] },
            querystring: { type: "object", properties: { as_of: QUERY.as_of, history_limit: { type: "integer", minimum: 1, maximum: 200, default: DEFAULT_ITEM_HISTORY } } },
            response: ok(
              object({
                as_of: AS_OF,
                item: ref("WorkItem"),
                comments: list("Comment"),
                comments_truncated: { type: "boolean" },
                time_entries: list("TimeEntry"),
                total_time_ms: { type: "integer" },
                dependencies: list("Dependency"),
                history: list("Activity"),
                history_next_cursor: { ...NEXT_CURSOR, description: "More history: GET /api/v1/activity?entity=<key>&cursor=<this>." },
              }),
              "The item",
            ),
          },
        },
        async (req, reply) => {
          const { key } = req.params as { key: string };
          const q = req.query as { as_of?: string; history_limit: number };
          const caller = await authenticate(req);
          const asOfMs = parseTime(q.as_of, "as_of");
          return sendDocument(req, reply, await reads.item(caller, key, { historyLimit: q.history_limit, ...(asOfMs ? { asOfMs } : {}) }));
        },
      );

      const FILTERS = ["project", "status", "type", "priority", "assignee", "sprint", "label"] as const;
      api.get(
        "/items",
        {
          schema: {
            tags: ["read"],
            summary: "Search work items: words over titles and descriptions, and filters",
            description:
              'q holds words ("quoted phrases" too) and field=value filters; the other parameters add filters (several values comma-separated). E.g. q=login status=todo,in_progress project=PAY. Best matches first.',
            querystring: {
              type: "object",
              properties: {
                q: { type: "string", maxLength: 1000, description: "Words and field=value filters." },
                ...Object.fromEntries(FILTERS.map((f) => [f, { type: "string", maxLength: 500, description: `Filter: ${f}=<value>[,<value>…].` }])),
                page_size: { ...QUERY.page_size, maximum: 200 },
                cursor: QUERY.cursor,
              },
            },
            response: ok(object({ query: { type: "string" }, total: { type: "integer" }, hits: list("WorkItemHit"), next_cursor: NEXT_CURSOR }), "The matches"),
          },
        },
        async (req, reply) => {
          const q = req.query as Record<string, string | number | undefined>;
          const parts = [String(q["q"] ?? "").trim()];
          for (const f of FILTERS) {
            const value = q[f];
            if (value === undefined || value === "") continue;
            const text = String(value);
            if (text.includes('"')) throw new InvalidArgumentError(`'${f}' must not contain a quote`, [{ field: f, description: "must not contain a quote" }]);
            parts.push(`${f}=${text.split(",").map((v) => (/[\s=]/.test(v) ? `"${v}"` : v)).join(",")}`);
          }
          const caller = await authenticate(req);
          return sendDocument(req, reply, await reads.search(caller, { query: parts.filter(Boolean).join(" "), ...(q["page_size"] ? { pageSize: Number(q["page_size"]) } : {}), ...(q["cursor"] ? { cursor: String(q["cursor"]) } : {}) }));
        },
      );

      api.get(
        "/activity",
        {
          schema: {
            tags: ["read"],
            summary: "The audit trail, newest first: by project, user and/or entity, in a time range",
            description: 'E.g. "what did alice work on last week": ?user=alice&since=2024-05-06&until=2024-05-13. entity is an item key (PAY-42) or any entity id.',
            querystring: {
              type: "object",
              properties: {
                project: { type: "string", pattern: "^[A-Z0-9]{2,10}$", description: "A project key." },
                user: { type: "string", maxLength: 256, description: "A user id." },
                entity: { type: "string", maxLength: 64, description: "An item key (PAY-42) or an entity id." },
                since: { ...QUERY.as_of, description: "Rows at or after this time (ISO 8601 or Unix ms)." },
                until: { ...QUERY.as_of, description: "Rows at or before this time (ISO 8601 or Unix ms)." },
                page_size: { ...QUERY.page_size, maximum: 200 },
                cursor: QUERY.cursor,
              },
            },
            response: ok(object({ entries: list("Activity"), next_cursor: NEXT_CURSOR }), "A page of activity"),
          },
        },
        async (req, reply) => {
          const q = req.query as { project?: string; user?: string; entity?: string; since?: string; until?: string; page_size?: number; cursor?: string };
          const caller = await authenticate(req);
          const sinceMs = parseTime(q.since, "since");
          const untilMs = parseTime(q.until, "until");
          return sendDocument(
            req,
            reply,
            await reads.activity(caller, {
              ...(q.project ? { projectKey: q.project } : {}),
              ...(q.user ? { userId: q.user } : {}),
              ...(q.entity ? { entity: q.entity } : {}),
              ...(sinceMs ? { sinceMs } : {}),
              ...(untilMs ? { untilMs } : {}),
              ...(q.page_size ? { pageSize: q.page_size } : {}),
              ...(q.cursor ? { cursor: q.cursor } : {}),
            }),
          );
        },
      );

      deps.extraRoutes?.(api, { authenticate });
    },
    { prefix: "/api/v1" },
  );
}

/** The same error with violations named by REST parameter (project instead of project_id). */
function renameViolations(err: unknown): unknown {
  if (!(err instanceof InvalidArgumentError)) return err;
  return new InvalidArgumentError(
    err.message.replace(/'([a-z_]+)'/g, (m, field: string) => (PARAMETER_OF_FIELD[field] ? `'${PARAMETER_OF_FIELD[field]}'` : m)),
    err.violations.map((v) => ({ field: PARAMETER_OF_FIELD[v.field] ?? v.field, description: v.description })),
  );
}
