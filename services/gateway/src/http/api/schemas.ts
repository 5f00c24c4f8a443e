import { restJsonSchema, type JsonSchema } from "@agileboard/kit";

/**
 * The JSON Schemas of the REST API, registered once with fastify (`addSchema`) so routes and the generated
 * OpenAPI document refer to them by name. Entity schemas are drawn from the contract's descriptors (the
 * same descriptors the presenter walks), with the few fields REST adds, such as an item's key.
 */

/** A `$ref` to a registered schema. */
export const ref = (name: string): JsonSchema => ({ $ref: `${name}#` });

const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: "null" }] });

/** An entity schema from the contract, with REST's extra fields. */
function entity(message: string, extra: Record<string, JsonSchema> = {}, description?: string): JsonSchema {
  const base = restJsonSchema(message, (name) => `${name}#`) as { properties: Record<string, JsonSchema>; required: string[]; description?: string };
  return {
    ...base,
    ...(description ? { description } : {}),
    properties: { ...base.properties, ...extra },
    required: [...base.required, ...Object.keys(extra)],
  };
}

const ITEM_KEY: JsonSchema = { type: "string", description: 'The item\'s key: project key and number, e.g. "PAY-42".' };

/** Named schemas, in registration order (referenced ones first). */
export function componentSchemas(): Record<string, JsonSchema> {
  const workItemExtras = {
    key: ITEM_KEY,
    parent_key: { ...nullable({ type: "string" }), description: "The parent's key, when the item has a parent." },
  };
  const workItem = entity("WorkItem", workItemExtras, 'An epic, story, task or bug. Times are Unix milliseconds; user ids are the identity provider\'s; "" means none.');
  return {
    Project: entity("Project"),
    ProjectMember: entity("ProjectMember"),
    WorkItem: workItem,
    ItemNode: {
      ...workItem,
      description: "A work item in the project tree, with its children (stories under an epic, tasks and bugs under a story).",
      properties: { ...(workItem["properties"] as object), children: { type: "array", items: ref("ItemNode") } },
      required: [...(workItem["required"] as string[]), "children"],
    },
    Comment: entity("Comment"),
    TimeEntry: entity("TimeEntry"),
    Dependency: entity("Dependency", {
      blocking_key: { ...nullable({ type: "string" }), description: "Key of the blocking item (when the caller can read it)." },
      blocked_key: { ...nullable({ type: "string" }), description: "Key of the blocked item (when the caller can read it)." },
    }),
    BurndownPoint: entity("BurndownPoint"),
    VelocityPoint: entity("VelocityPoint"),
    SprintReport: entity("SprintReport"),
    Sprint: entity("Sprint"),
    Activity: entity("Activity", {
      item_key: { ...nullable({ type: "string" }), description: "For rows about a work item: its key." },
    }),
    WorkItemHit: {
      type: "object",
      description: "One search match: the item, and the text that matched with [brackets] around the matching words.",
      properties: { item: ref("WorkItem"), snippet: { type: "string" } },
      required: ["item", "snippet"],
      additionalProperties: false,
    },
    Problem: {
      type: "object",
      description: "An error (RFC 9457 problem details). `violations` name the fields of a bad request.",
      properties: {
        type: { type: "string" },
        title: { type: "string" },
        status: { type: "integer" },
        detail: { type: "string" },
        code: {
          type: "string",
          enum: ["invalid_argument", "unauthenticated", "permission_denied", "not_found", "conflict", "rate_limited", "unavailable", "internal", "failed_precondition", "unimplemented", "unspecified"],
        },
        violations: {
          type: "array",
          items: { type: "object", properties: { field: { type: "string" }, description: { type: "string" } }, required: ["field", "description"], additionalProperties: false },
        },
      },
      required: ["type", "title", "status", "detail", "code"],
      additionalProperties: false,
    },
  };
}

/** `next_cursor`: pass it back as `cursor` for the next page; null on the last. */
export const NEXT_CURSOR: JsonSchema = { ...nullable({ type: "string" }), description: "Pass as `cursor` to get the next page; null on the last page." };

/** The `as_of` echo of a document. */
export const AS_OF: JsonSchema = { ...nullable({ type: "string", format: "date-time" }), description: "The time the document describes, when `as_of` was asked for; null for now." };

/** Error responses every route may give. */
export const ERROR_RESPONSES: Record<string, JsonSchema> = Object.fromEntries(
  [
    ["400", "Bad request: `violations` name the fields."],
    ["401", "No valid bearer token."],
    ["404", "Not found, or not visible to the caller."],
    ["429", "Too many requests; retry after a second."],
    ["503", "A service is unavailable; retry."],
  ].map(([status, description]) => [status, { description, content: { "application/problem+json": { schema: ref("Problem") } } }]),
);

/** Query parameters shared by the routes. */
export const QUERY = {
  as_of: {
    type: "string",
    description: "Read the data as it was at this time: ISO 8601 (2024-05-01T12:00:00Z) or Unix milliseconds. Rebuilt from the activity log.",
    maxLength: 40,
  },
  cursor: { type: "string", description: "The `next_cursor` of the previous page.", maxLength: 4096 },
  page_size: { type: "integer", minimum: 1, maximum: 500, description: "Most rows on one page (a page also ends at about 1 MiB)." },
} as const;
