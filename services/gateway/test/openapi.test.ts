import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { seedProject, startTestSystem, TestClient, type SeededProject, type TestSystem, type JsonDocument } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Json = JsonDocument;

describe("the OpenAPI document", () => {
  let system: TestSystem;
  let alice: TestClient;
  let seed: SeededProject;
  let doc: Json;
  let token: string;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);

  beforeAll(async () => {
    system = await startTestSystem({ bus: "memory" });
    token = await system.auth.token({ userId: "alice", roles: ["admin"] });
    alice = await TestClient.connect(system.url, token);
    seed = await seedProject(alice);
    doc = (await (await fetch(`${system.url}/api/v1/openapi.json`)).json()) as Json;
    ajv.addSchema({ ...doc, $id: "openapi" });
  });
  afterAll(async () => {
    alice?.close();
    await system?.stop();
  });

  /** The schema of one route's answer in the document. */
  const responseSchema = (path: string, status: string, media: string) => {
    const pointer = `/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/get/responses/${status}/content/${media.replace(/\//g, "~1")}/schema`;
    return ajv.compile({ $ref: `openapi#${pointer}` });
  };

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(doc as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc["openapi"]).toBe("3.1.0");
  });

  it("documents every REST route, each with its bearer security and problem+json errors", () => {
    expect(Object.keys(doc["paths"]).sort()).toEqual(
      [
        "/api/v1/activity",
        "/api/v1/items",
        "/api/v1/items/{key}",
        "/api/v1/projects",
        "/api/v1/projects/{key}",
        "/api/v1/projects/{key}/board",
        "/api/v1/projects/{key}/context",
        "/api/v1/projects/{key}/sprints",
        "/api/v1/schema",
        "/api/v1/sprints/{sprint_id}/report",
        "/api/v1/tenant/export",
        "/api/v1/tenant/import",
      ].sort(),
    );
    expect(doc["components"]["securitySchemes"]["bearer"]).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc["paths"]["/api/v1/items/{key}"]["get"]["responses"]["404"]["content"]["application/problem+json"]["schema"]).toEqual({ $ref: "#/components/schemas/Problem" });
    expect(Object.keys(doc["components"]["schemas"])).toEqual(expect.arrayContaining(["WorkItem", "ItemNode", "Project", "Activity", "Problem"]));
  });

  it("matches the real answers of every read route", async () => {
    const key = seed.project.key;
    const cases: [string, string][] = [
      ["/api/v1/projects", "/api/v1/projects"],
      ["/api/v1/projects/{key}", `/api/v1/projects/${key}`],
      ["/api/v1/projects/{key}/context", `/api/v1/projects/${key}/context`],
      ["/api/v1/projects/{key}/context", `/api/v1/projects/${key}/context?max_items=2&as_of=${Date.now()}`],
      ["/api/v1/projects/{key}/board", `/api/v1/projects/${key}/board`],
      ["/api/v1/projects/{key}/sprints", `/api/v1/projects/${key}/sprints`],
      ["/api/v1/sprints/{sprint_id}/report", `/api/v1/sprints/${seed.sprint.id}/report`],
      ["/api/v1/items/{key}", `/api/v1/items/${key}-2`],
      ["/api/v1/items/{key}", `/api/v1/items/${key}-4`],
      ["/api/v1/items", `/api/v1/items?q=card`],
      ["/api/v1/activity", `/api/v1/activity?project=${key}`],
      ["/api/v1/schema", "/api/v1/schema"],
    ];
    for (const [route, url] of cases) {
      const res = await fetch(`${system.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, url).toBe(200);
      const validate = responseSchema(route, "200", "application/json");
      const body = (await res.json()) as Json;
      expect(validate(body) ? [] : validate.errors, url).toEqual([]);
      // The schemas say exactly what a document holds: one field more does not pass.
      if (route !== "/api/v1/schema") expect(validate({ ...body, not_in_the_schema: 1 }), url).toBe(false);
    }
  });

  it("matches the real error answers", async () => {
    const validate = responseSchema("/api/v1/items/{key}", "404", "application/problem+json");
    for (const [url, status] of [
      [`/api/v1/items/${seed.project.key}-99`, 404],
      ["/api/v1/items/PAY-1?as_of=soon", 400],
      ["/api/v1/items?q=status%3D", 400],
    ] as const) {
      const res = await fetch(`${system.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(status);
      const body = await res.json();
      expect(validate(body) ? [] : validate.errors, url).toEqual([]);
    }
    // The schema can fail: a body that is not a problem is refused.
    expect(validate({ error: "nope" })).toBe(false);
  });

  it("serves a docs page", async () => {
    const res = await fetch(`${system.url}/api/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/swagger/i);
  });
});
