import { seedProject, startTestSystem, TestClient, updateWorkItem, waitFor, type SeededProject, type TestSystem, type JsonDocument } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Json = JsonDocument;

describe("REST API /api/v1", () => {
  let system: TestSystem;
  let alice: TestClient;
  let seed: SeededProject;
  let key: string;
  const tokens: Record<string, string> = {};
  const get = async (path: string, who: string | null = "alice", headers: Record<string, string> = {}) => {
    const res = await fetch(`${system.url}${path}`, { headers: { ...(who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {}), ...headers } });
    const text = await res.text();
    return { status: res.status, type: res.headers.get("content-type") ?? "", etag: res.headers.get("etag"), body: (text ? JSON.parse(text) : undefined) as Json };
  };

  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory" });
    for (const user of ["alice", "victor", "eddie", "nobody"]) tokens[user] = await system.auth.token({ userId: user });
    tokens["mallory"] = await system.auth.token({ tenantId: "other", userId: "mallory", roles: ["admin"] });
    tokens["expired"] = await system.auth.token({ userId: "victor", expiresInS: -60 });
    alice = await TestClient.connect(system.url, tokens["alice"]);
    seed = await seedProject(alice);
    key = seed.project.key;
  });
  afterAll(async () => {
    alice?.close();
    await system?.stop();
  });

  describe("authorization", () => {
    const routes = () => [
      `/api/v1/projects/${key}`,
      `/api/v1/projects/${key}/context`,
      `/api/v1/projects/${key}/board`,
      `/api/v1/projects/${key}/sprints`,
      `/api/v1/items/${key}-2`,
      `/api/v1/activity?project=${key}`,
      `/api/v1/sprints/${seed.sprint.id}/report`,
    ];

    it("serves a viewer every read", async () => {
      for (const path of routes()) expect((await get(path, "victor")).status, path).toBe(200);
      const search = await get(`/api/v1/items?q=card&project=${key}`, "victor");
      // "card" is also a prefix: "Pay by card", "Card form", "Declined cards crash the page".
      expect(search.body["total"]).toBe(3);
    });

    it.each([
      ["a non-member", "nobody"],
      ["a user of another tenant, even its admin", "mallory"],
    ])("answers %s 404 problem+json and no data", async (_who, user) => {
      for (const path of routes()) {
        const res = await get(path, user);
        expect(res.status, path).toBe(404);
        expect(res.type).toMatch(/^application\/problem\+json/);
        expect(JSON.stringify(res.body)).not.toContain("Pay by card");
      }
      expect((await get("/api/v1/projects", user)).body["projects"].map((p: Json) => p["key"])).not.toContain(key);
      expect((await get("/api/v1/items?q=card", user)).body).toMatchObject({ total: 0, hits: [] });
    });

    it.each([
      ["an expired token", "expired", /token expired/],
      ["no token", null, /missing token/],
      ["a malformed token", "not-a-jwt", /token is malformed/],
    ])("answers %s 401 with the reason", async (_what, user, reason) => {
      for (const path of [...routes(), "/api/v1/projects", "/api/v1/items?q=x"]) {
        const res = await get(path, user);
        expect(res.status, path).toBe(401);
        expect(res.body).toMatchObject({ status: 401, code: "unauthenticated" });
        expect(res.body["detail"]).toMatch(reason);
      }
    });

    it("serves the schema and the OpenAPI document without a token", async () => {
      expect((await get("/api/v1/schema", null)).status).toBe(200);
      expect((await get("/api/v1/openapi.json", null)).status).toBe(200);
    });
  });

  it("answers the context of a seeded project in one document: members, the tree, sprints with figures, open dependencies, activity", async () => {
    const { status, body } = await get(`/api/v1/projects/${key}/context`, "victor");
    expect(status).toBe(200);
    expect(body["project"]).toMatchObject({ key, name: "Payments", description: "Card payments for the web shop" });
    expect(Object.fromEntries(body["members"].map((m: Json) => [m["user_id"], m["role"]]))).toEqual({ alice: "admin", victor: "viewer", eddie: "editor" });
    const tree = body["items"]["tree"] as Json[];
    expect(tree.map((n) => n["key"])).toEqual([`${key}-1`]);
    const epic = tree[0] as Json;
    expect(epic).toMatchObject({ item_type: "epic", title: "Checkout", parent_key: null });
    expect(epic["children"].map((n: Json) => [n["key"], n["item_type"]])).toEqual([
      [`${key}-2`, "story"],
      [`${key}-4`, "bug"],
    ]);
    const story = epic["children"][0] as Json;
    expect(story).toMatchObject({ title: "Pay by card", story_points: 3, assignee_id: "eddie", sprint_id: seed.sprint.id, parent_key: `${key}-1`, time_spent_ms: 3_600_000, status: "backlog" });
    expect(story["children"].map((n: Json) => n["title"])).toEqual(["Card form"]);
    expect(epic["children"][1]).toMatchObject({ title: "Declined cards crash the page", is_blocked: true });
    expect(body["sprints"]).toEqual([expect.objectContaining({ id: seed.sprint.id, name: "Sprint 1", status: "active", report: expect.objectContaining({ committed_points: 3, completed_points: 0 }) })]);
    expect(body["open_dependencies"]).toEqual([expect.objectContaining({ kind: "blocks", blocking_key: `${key}-3`, blocked_key: `${key}-4` })]);
    const recent = body["recent_activity"] as Json[];
    expect(recent.length).toBeGreaterThan(8);
    expect(recent[0]).toMatchObject({ entity_type: "dependency", action: "created" });
    expect(recent.find((a) => a["field_name"] === "assignee_id")).toMatchObject({ item_key: `${key}-2`, new_value: "eddie", user_id: "alice" });
    expect(body["items"]["next_cursor"]).toBeNull();
  });

  it("bounds the context by max_items and continues with the cursor, no item twice", async () => {
    const first = await get(`/api/v1/projects/${key}/context?max_items=3`);
    expect(first.body["items"]["count"]).toBe(3);
    const cursor = first.body["items"]["next_cursor"] as string;
    expect(cursor).toEqual(expect.any(String));
    const second = await get(`/api/v1/projects/${key}/context?max_items=3&cursor=${encodeURIComponent(cursor)}`);
    expect(second.body["items"]).toMatchObject({ count: 1, next_cursor: null });
    const keys = (doc: Json) => {
      const out: string[] = [];
      const walk = (nodes: Json[]) => nodes.forEach((n) => (out.push(n["key"]), walk(n["children"])));
      walk(doc["items"]["tree"]);
      return out;
    };
    expect([...keys(first.body), ...keys(second.body)].sort()).toEqual([1, 2, 3, 4].map((n) => `${key}-${n}`).sort());
  });

  it("answers an item with its comments, time entries, dependencies and field history", async () => {
    const { body } = await get(`/api/v1/items/${key}-2`, "eddie");
    expect(body["item"]).toMatchObject({ key: `${key}-2`, title: "Pay by card", parent_key: `${key}-1` });
    expect(body["comments"]).toEqual([expect.objectContaining({ author_id: "alice", body: "Use the **new** payment provider." })]);
    expect(body["time_entries"]).toEqual([expect.objectContaining({ user_id: "alice", duration_ms: 3_600_000, note: "spike" })]);
    expect(body["total_time_ms"]).toBe(3_600_000);
    expect(body["history"].map((a: Json) => [a["action"], a["field_name"]])).toEqual([
      ["updated", "assignee_id"],
      ["created", ""],
    ]);
    const bug = await get(`/api/v1/items/${key}-4`);
    expect(bug.body["dependencies"]).toEqual([expect.objectContaining({ blocking_key: `${key}-3`, blocked_key: `${key}-4`, kind: "blocks" })]);
    expect((await get(`/api/v1/items/${key}-99`)).status).toBe(404);
  });

  it("searches words and filters, best match first, and names the position of a query that does not parse", async () => {
    const words = await get(`/api/v1/items?q=${encodeURIComponent("card")}&project=${key}`);
    expect(words.body["hits"].map((h: Json) => h["item"]["key"])).toEqual(expect.arrayContaining([`${key}-2`, `${key}-3`]));
    expect(words.body["hits"][0]["snippet"]).toMatch(/\[card\]/i);
    const bugs = await get(`/api/v1/items?project=${key}&type=bug`);
    expect(bugs.body).toMatchObject({ total: 1, hits: [expect.objectContaining({ item: expect.objectContaining({ key: `${key}-4` }) })] });
    const byKey = await get(`/api/v1/items?q=${key}-3`);
    expect(byKey.body["hits"].map((h: Json) => h["item"]["title"])).toEqual(["Card form"]);
    const assigned = await get(`/api/v1/items?q=${encodeURIComponent(`assignee=eddie project=${key}`)}`);
    expect(assigned.body["hits"].map((h: Json) => h["item"]["key"])).toEqual([`${key}-2`]);
    const bad = await get(`/api/v1/items?q=${encodeURIComponent("card status=")}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "invalid_argument", violations: [{ field: "q", description: "at 13: expected a value after '='" }] });
  });

  it("answers 'what did eddie do in this window' from the activity log", async () => {
    const eddie = await TestClient.connect(system.url, tokens["eddie"] as string);
    try {
      const before = Date.now();
      await waitFor(() => Date.now() > before, 1_000, "the clock to move");
      const story = await eddie.expect("workItem", { $case: "getWorkItem", value: { workItemId: seed.story.id } });
      await updateWorkItem(eddie, story, { status: 3 });
      const after = Date.now();
      const { body } = await get(`/api/v1/activity?user=eddie&since=${new Date(before).toISOString()}&until=${after}`);
      expect(body["entries"].map((a: Json) => [a["item_key"], a["field_name"], a["new_value"], a["user_id"]])).toEqual([[`${key}-2`, "status", "WORK_ITEM_STATUS_IN_PROGRESS", "eddie"]]);
      const none = await get(`/api/v1/activity?user=eddie&until=${before}`);
      expect(none.body["entries"].every((a: Json) => a["at_ms"] <= before)).toBe(true);
      expect((await get(`/api/v1/activity?entity=${key}-2`)).body["entries"][0]).toMatchObject({ field_name: "status", user_id: "eddie" });
    } finally {
      eddie.close();
    }
  });

  it("tags every GET with an ETag and answers If-None-Match with 304 until something changes", async () => {
    const first = await get(`/api/v1/items/${key}-3`);
    expect(first.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await fetch(`${system.url}/api/v1/items/${key}-3`, { headers: { authorization: `Bearer ${tokens["alice"]}`, "if-none-match": first.etag as string } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const task = await alice.expect("workItem", { $case: "getWorkItem", value: { workItemId: seed.task.id } });
    await updateWorkItem(alice, task, { title: "Card form v2" });
    const changed = await fetch(`${system.url}/api/v1/items/${key}-3`, { headers: { authorization: `Bearer ${tokens["alice"]}`, "if-none-match": first.etag as string } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(first.etag);
    // The context says when it was generated, but an unchanged context keeps its tag.
    const context = await get(`/api/v1/projects/${key}/context`);
    const unchanged = await fetch(`${system.url}/api/v1/projects/${key}/context`, { headers: { authorization: `Bearer ${tokens["alice"]}`, "if-none-match": context.etag as string } });
    expect(unchanged.status).toBe(304);
  });

  it.each([
    ["a bad as_of", (k: string) => `/api/v1/items/${k}-1?as_of=yesterday`, 400, "as_of"],
    ["max_items out of range", (k: string) => `/api/v1/projects/${k}/context?max_items=0`, 400, "max_items"],
    ["a malformed item key", () => "/api/v1/items/pay-1", 400, "key"],
    ["activity without a filter", () => "/api/v1/activity", 400, "project"],
    ["an unknown route", () => "/api/v1/nothing-here", 404, undefined],
  ])("answers %s with problem+json", async (_what, path, status, field) => {
    const res = await get(path(key));
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:agileboard:error:/) });
    if (field) expect(res.body["violations"].map((v: Json) => v["field"])).toContain(field);
  });

  it("describes the entities, fields, enums and rules in words", async () => {
    const { body } = await get("/api/v1/schema");
    const workItem = body["entities"].find((e: Json) => e["name"] === "WorkItem");
    expect(workItem["fields"].find((f: Json) => f["name"] === "number")["description"]).toMatch(/PAY-42 is number 42/);
    expect(body["enums"].find((e: Json) => e["name"] === "WorkItemStatus")["values"].map((v: Json) => v["value"])).toEqual(["backlog", "todo", "in_progress", "in_review", "done"]);
    expect(body["rules"].join(" ")).toMatch(/epic has no parent/);
    expect(body["rules"].join(" ")).toMatch(/as_of/);
  });
});

describe("REST API limits", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory", env: { WS_RATE_PER_S: "1", WS_RATE_BURST: "2" } });
  });
  afterAll(async () => system?.stop());

  it("refuses a caller beyond the socket's rate with 429 and Retry-After", async () => {
    const token = await system.auth.token({ userId: "speedy" });
    const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(`${system.url}/api/v1/projects`, { headers: { authorization: `Bearer ${token}` } })));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(limited[0]?.headers.get("retry-after")).toBe("1");
    expect(await limited[0]?.json()).toMatchObject({ code: "rate_limited", status: 429 });
    const other = await system.auth.token({ userId: "patient" });
    expect((await fetch(`${system.url}/api/v1/projects`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(200);
  });
});
