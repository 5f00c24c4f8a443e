import { enumComment, enumRestNames, enumValueComment, messageComment, restFields } from "@agileboard/kit";
import type { JsonObject } from "./present.js";

/** The entities an API client meets, with what each is, in words (the fields come from the contract). */
const ENTITIES: readonly { name: string; summary: string }[] = [
  { name: "Project", summary: "A board. Its key (2-10 upper-case letters or digits, unique in the tenant) prefixes its items' keys: PAY-42 is item 42 of project PAY." },
  { name: "ProjectMember", summary: "A user's role in a project: viewer (reads), editor (also writes items, comments, time, dependencies, sprints), admin (also manages members, the project and its webhooks)." },
  { name: "WorkItem", summary: "An epic, story, task or bug. REST adds `key` (PAY-42) and `parent_key`. `rank` orders cards: a smaller rank sorts first. `is_blocked` and `time_spent_ms` are derived." },
  { name: "Comment", summary: "Markdown on a work item, 1 byte to 64 KiB. Only its author edits it; the author or a project admin deletes it." },
  { name: "TimeEntry", summary: "Time spent on an item by a user: a running timer (ended_at_ms 0) or a finished or logged entry. At most one running timer per user in a tenant." },
  { name: "Dependency", summary: "A link between two items: `blocks` (the blocking item must be done first; these never form a cycle) or `relates_to`. REST adds both items' keys." },
  { name: "Sprint", summary: "A time box of a project: planned → active → completed (or cancelled). At most one active sprint per project; completing one moves its unfinished items to the backlog or a named next sprint." },
  { name: "SprintReport", summary: "Committed points (in the sprint when it started), completed points (done when it ended), the burndown, and velocity over the last completed sprints." },
  { name: "Activity", summary: "The audit trail: one row per created, deleted or restored entity and one per changed field (field_name, old_value, new_value as text; enum values by their proto names such as WORK_ITEM_STATUS_DONE). REST adds `item_key`." },
];

const ENUMS = ["WorkItemType", "WorkItemStatus", "Priority", "ProjectRole", "SprintStatus", "DependencyKind"];

const RULES: readonly string[] = [
  "Hierarchy: an epic has no parent; a story's parent (optional) is an epic; a task's parent is a story; a bug's parent is a story or an epic; a parent is in the same project; no cycles.",
  "Statuses move freely between backlog, todo, in_progress, in_review and done; the board shows one column per status, cards in rank order.",
  "Numbers are per project and never reused: PAY-42 stays PAY-42, even when deleted (deleted items have deleted_at_ms > 0).",
  "Every mutable row has a version (1 on create, +1 per change), created/updated times and users; deletes are soft.",
  "Authorization: viewers read; editors write items, comments, time, dependencies and sprints; admins manage members, the project and webhooks; a token role 'admin' is admin of every project of the tenant. A project the caller cannot see answers 404, never its data.",
  "Story points are integers from 0 to 100 or null (no estimate). Labels are up to 20 strings of 1-50 characters.",
  "Times are Unix milliseconds (UTC). User ids are those of the identity provider.",
  "Lists are pages: at most page_size rows and about 1 MiB; pass next_cursor back as cursor for the next page.",
  "as_of (ISO 8601 or Unix ms) reads the past, rebuilt from the activity log: what existed then, with the field values of then (each logged field gets the old value of the oldest change after as_of); version counts the changes up to then; derived fields (is_blocked, time_spent_ms) are computed from the dependencies, items and time entries of then. Authorization is always today's. Report figures are always current.",
  "Search (q): words match titles and descriptions (all words must match, the last also as a prefix; \"quoted phrases\" match as phrases); filters are field=value (several values comma-separated, any matches): status, type, priority, assignee, sprint, label, project (a key), parent (an id); PAY-42 finds that item. A query that does not parse answers 400 naming the position.",
];

/** GET /api/v1/schema: what every entity, field, enum and rule means, in words an LLM (or a person) reads whole. */
export function describeSchema(): JsonObject {
  return {
    about:
      "agileboard is a multi-tenant agile board. A tenant has projects; a project has members, work items (epics, stories, tasks, bugs) with comments, time entries and dependencies, and sprints. Every change is in the activity log. This document describes the JSON the REST API (/api/v1) and the MCP tools return.",
    entities: ENTITIES.map((e) => ({
      name: e.name,
      summary: e.summary,
      description: messageComment(e.name),
      fields: restFields(e.name).map((f) => ({ name: f.name, type: f.type, description: f.description })),
    })),
    enums: ENUMS.map((name) => ({
      name,
      description: enumComment(name),
      values: enumRestNames(name).map((value) => ({ value, description: enumValueComment(name, value) })),
    })),
    rules: [...RULES],
    endpoints: {
      "GET /api/v1/projects": "the projects you can read",
      "GET /api/v1/projects/{key}": "a project and its members",
      "GET /api/v1/projects/{key}/context": "everything about a project in one document (max_items, cursor, as_of)",
      "GET /api/v1/projects/{key}/board": "the board by column (as_of)",
      "GET /api/v1/projects/{key}/sprints": "a project's sprints (as_of)",
      "GET /api/v1/sprints/{sprint_id}/report": "a sprint's report",
      "GET /api/v1/items/{KEY-N}": "one item with comments, time, dependencies and history (as_of)",
      "GET /api/v1/items?q=": "search and filters",
      "GET /api/v1/activity": "the audit trail by project, user and/or entity, in a time range",
      "GET /api/v1/openapi.json": "the OpenAPI 3.1 description of all of this",
    },
  };
}

