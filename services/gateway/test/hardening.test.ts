import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { Metadata } from "@grpc/grpc-js";
import { InvalidArgumentError, UnauthenticatedError } from "@agileboard/kit";
import {
  ClientFrame,
  CommentList,
  ErrorCode,
  ListProjectsRequest,
  ListSprintsRequest,
  ListWorkItemsRequest,
  ProjectRole,
  SprintsServiceService,
  TenancyServiceService,
  WorkItemsServiceService,
  WorkItemStatus,
} from "@agileboard/proto";
import {
  addMember,
  createProject,
  createWorkItem,
  ForeignSigner,
  grpcCall,
  grpcClient,
  identity,
  listAllItems,
  subscribe,
  TestClient,
  testInternalAuth,
  UpgradeRefused,
  startTestSystem,
  type TestSystem,
} from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Findings of the hardening probe, each reproduced: identities, sizes, limits, client mistakes, trust. */
describe("hardening", () => {
  let system: TestSystem;
  const clients: TestClient[] = [];
  const connect = async (userId: string, roles: string[] = [], tenantId = "acme") => {
    const client = await TestClient.connect(system.url, await system.auth.token({ userId, roles, tenantId }));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    system = await startTestSystem({ bus: "nats" });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await system?.stop();
  });

  describe("identities", () => {
    it.each([["josé"], ["ユーザー"], ["zoë.o'brien@exämple.com"], ["emoji-👩‍💻"]])("lets %s work end to end, the id unchanged in events and activity", async (userId) => {
      const owner = await connect(userId, ["管理者"]);
      const watcher = await connect("watcher");
      const project = await createProject(owner);
      await addMember(owner, project.id, "watcher", ProjectRole.PROJECT_ROLE_VIEWER);
      await subscribe(watcher, project.id);
      const item = await createWorkItem(owner, project.id, { title: "unicode" });
      const event = await watcher.waitForEvent((e) => e.change?.$case === "workItemCreated" && e.change.value.id === item.id);
      expect(event.actorUserId).toBe(userId);
      const activity = await owner.expect("activityList", { $case: "listActivity", value: { projectId: "", entityId: item.id, userId: "", pageSize: 0, pageToken: "" } });
      expect(activity.entries.map((a) => a.userId)).toEqual([userId]);
      const byUser = await owner.expect("activityList", { $case: "listActivity", value: { projectId: project.id, entityId: "", userId, pageSize: 0, pageToken: "" } });
      expect(byUser.entries.length).toBeGreaterThan(0);
    });

    it.each([
      ["a NUL", "a\u0000b", /'user_id' must not contain control characters/],
      ["CR/LF", "eve\r\nX-Admin: 1", /'user_id' must not contain control characters/],
      ["257 characters", "u".repeat(257), /'user_id' must be at most 256 characters/],
      ["a lone surrogate", "x\ud800", /'user_id' must be well-formed Unicode/],
    ])("refuses a signed token whose user id holds %s with a clear 401, and stays up", async (_what, userId, message) => {
      const refused = await TestClient.connect(system.url, await system.auth.token({ userId })).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(UpgradeRefused);
      expect((refused as UpgradeRefused).status).toBe(401);
      expect((refused as UpgradeRefused).body).toMatch(message);
      expect((await fetch(`${system.url}/healthz`)).status).toBe(200);
    });

    it("refuses roles the product cannot hold with a 401", async () => {
      for (const roles of [["ad\nmin"], Array.from({ length: 33 }, (_, i) => `r${i}`), ["r".repeat(65)]]) {
        const refused = await TestClient.connect(system.url, await system.auth.token({ roles })).catch((e: unknown) => e);
        expect((refused as UpgradeRefused).status).toBe(401);
        expect((refused as UpgradeRefused).body).toMatch(/token claim 'roles'/);
      }
    });

    it("validates user ids in requests: add_project_member with a NUL is INVALID_ARGUMENT", async () => {
      const alice = await connect("alice");
      const project = await createProject(alice);
      const error = await alice.expectError({ $case: "addProjectMember", value: { projectId: project.id, userId: "bob\u0000", role: ProjectRole.PROJECT_ROLE_EDITOR } });
      expect(error.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
      expect(error.violations).toEqual([{ field: "user_id", description: "must not contain control characters" }]);
    });
  });

  describe("sizes and limits", () => {
    it("pages 70 items of 64 KiB each: pages end early by size with a token, and together hold every item once", async () => {
      const alice = await connect("alice");
      const project = await createProject(alice);
      const description = "d".repeat(64 * 1024);
      for (let i = 0; i < 70; i++) await createWorkItem(alice, project.id, { title: `big ${i}`, description });
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let pageToken = "";
      do {
        const page = await alice.expect("workItemList", { $case: "listWorkItems", value: listAllItems(project.id, { pageToken }) });
        pageSizes.push(page.items.length);
        seen.push(...page.items.map((i) => i.id));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(seen.length).toBe(70);
      expect(new Set(seen).size).toBe(70);
      expect(pageSizes.length).toBeGreaterThan(1);
      expect(Math.max(...pageSizes)).toBeLessThan(70);
    });

    it("pages comments by size as well", async () => {
      const alice = await connect("alice");
      const project = await createProject(alice);
      const item = await createWorkItem(alice, project.id);
      for (let i = 0; i < 20; i++) await alice.expect("comment", { $case: "addComment", value: { workItemId: item.id, body: `${i} ${"c".repeat(64 * 1024 - 10)}` } });
      const first: CommentList = await alice.expect("commentList", { $case: "listComments", value: { workItemId: item.id, pageSize: 0, pageToken: "" } });
      expect(first.comments.length).toBeLessThan(20);
      expect(first.nextPageToken).not.toBe("");
      const second = await alice.expect("commentList", { $case: "listComments", value: { workItemId: item.id, pageSize: 0, pageToken: first.nextPageToken } });
      expect(first.comments.length + second.comments.length).toBe(20);
      expect(second.nextPageToken).toBe("");
    });

    it("refuses a subscribe with 10,000 project ids after reading no more than the limit", async () => {
      const alice = await connect("alice");
      // 10,000 ids, then bytes that are not protobuf at all: a decoder that read past the limit would say so.
      const writer = new BinaryWriter();
      for (let i = 0; i < 10_000; i++) writer.tag(1, WireType.LengthDelimited).string(crypto.randomUUID());
      const subscribeBody = new Uint8Array([...writer.finish(), 0xff, 0xff, 0xff]);
      const messageId = crypto.randomUUID();
      const frame = new BinaryWriter().tag(1, WireType.LengthDelimited).string(messageId).tag(11, WireType.LengthDelimited).bytes(subscribeBody).finish();
      const started = performance.now();
      const reply = await alice.requestRaw(frame, messageId);
      const tookMs = performance.now() - started;
      expect(reply.payload?.$case).toBe("error");
      const error = reply.payload?.value as { code: ErrorCode; violations: { field: string }[] };
      expect(error.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
      expect(error.violations).toEqual([{ field: "project_ids", description: "must have at most 200 entries" }]);
      process.stdout.write(`  ▶ 10,000-id subscribe refused in ${tookMs.toFixed(1)} ms (round trip)\n`);
    });

    it("refuses 10,000 resume points the same way", async () => {
      const alice = await connect("alice");
      const project = await createProject(alice);
      const resumeAfter = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`${i}`, i]));
      const error = await alice.expectError({ $case: "subscribe", value: { projectIds: [project.id], resumeAfter } });
      expect(error.violations).toEqual([{ field: "resume_after", description: "must have at most 200 entries" }]);
    });

    it("treats a resume point of 2^64-1 as beyond the head: resync, not an error", async () => {
      const alice = await connect("alice");
      const project = await createProject(alice);
      const writer = new BinaryWriter().tag(1, WireType.LengthDelimited).string(project.id);
      writer.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(project.id).tag(2, WireType.Varint).uint64(2n ** 64n - 1n).join();
      const messageId = crypto.randomUUID();
      const frame = new BinaryWriter().tag(1, WireType.LengthDelimited).string(messageId).tag(11, WireType.LengthDelimited).bytes(writer.finish()).finish();
      const reply = await alice.requestRaw(frame, messageId);
      expect(reply.payload?.$case).toBe("subscribed");
      expect((reply.payload?.value as { resyncProjectIds: string[] }).resyncProjectIds).toEqual([project.id]);
    });
  });

  describe("client mistakes are INVALID_ARGUMENT, never INTERNAL", () => {
    it.each([
      ["a NUL", "id\u0000x", "must not contain control characters"],
      ["CR/LF", "id\r\nx", "must not contain control characters"],
      ["100 KiB", "m".repeat(100 * 1024), "must be at most 128 characters"],
    ])("answers a message_id with %s with a violation", async (_what, messageId, description) => {
      const alice = await connect("alice");
      const frame = await alice.request({ $case: "listProjects", value: ListProjectsRequest.fromPartial({}) }, messageId);
      expect(frame.messageId).toBe(messageId);
      expect(frame.payload?.$case).toBe("error");
      expect(frame.payload?.value).toMatchObject({ code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT, violations: [{ field: "message_id", description }] });
    });

    it("accepts a non-ASCII message_id and replays it", async () => {
      const alice = await connect("alice");
      const request = { $case: "createProject" as const, value: { key: `U${Date.now().toString(36).toUpperCase().slice(-6)}`, name: "Ünïcode", description: "" } };
      const first = await alice.expect("project", request, "café-42-ユ");
      const again = await alice.expect("project", request, "café-42-ユ");
      expect(again).toEqual(first);
    });

    it("answers list_work_items with 100,000 statuses with a violation", async () => {
      const alice = await connect("alice");
      const project = await createProject(alice);
      const statuses = Array.from({ length: 100_000 }, () => WorkItemStatus.WORK_ITEM_STATUS_TODO);
      const error = await alice.expectError({ $case: "listWorkItems", value: listAllItems(project.id, { statuses }) });
      expect(error.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
      expect(error.violations).toEqual([{ field: "statuses", description: "must have at most 16 entries" }]);
    });

    it("tells a stranger 'work item … not found', never which project the item is in", async () => {
      const alice = await connect("alice");
      const mallory = await connect("mallory");
      const project = await createProject(alice);
      const item = await createWorkItem(alice, project.id);
      const stranger = await mallory.expectError({ $case: "getWorkItem", value: { workItemId: item.id } });
      const unknown = await mallory.expectError({ $case: "getWorkItem", value: { workItemId: crypto.randomUUID() } });
      expect(stranger.code).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
      expect(stranger.message).toBe(`work item '${item.id}' not found`);
      expect(stranger.message).not.toContain(project.id);
      expect(unknown.code).toBe(stranger.code);
    });
  });

  describe("services trust only signed identity", () => {
    const services = () =>
      [
        ["tenancy", system.embedded.services.tenancy.port, TenancyServiceService.listProjects, ListProjectsRequest.fromPartial({})],
        ["workitems", system.embedded.services.workitems.port, WorkItemsServiceService.listWorkItems, ListWorkItemsRequest.fromPartial({ projectId: crypto.randomUUID() })],
        ["sprints", system.embedded.services.sprints.port, SprintsServiceService.listSprints, ListSprintsRequest.fromPartial({ projectId: crypto.randomUUID() })],
      ] as const;

    it("refuses forged headers, foreign keys, wrong audiences, expired and tampered tokens at every service", async () => {
      const forged = new Metadata();
      forged.set("x-agileboard-tenant", "acme");
      forged.set("x-agileboard-user", "mallory");
      forged.set("x-agileboard-roles", JSON.stringify(["admin"]));
      const foreign = await (await ForeignSigner.foreign()).metadata("acme", "mallory");
      const signer = testInternalAuth().signer;
      const expired = new Metadata();
      expired.set("x-agileboard-identity", (await signer.mint({ tenantId: "acme", userId: "mallory", roles: ["admin"], origin: "" }, "workitems", Date.now() - 60_000)).token);
      const genuine = (await signer.mint({ tenantId: "acme", userId: "mallory", roles: [], origin: "" }, "workitems")).token;
      const [header, payload, signature] = genuine.split(".") as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
      const tampered = new Metadata();
      tampered.set("x-agileboard-identity", `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ["admin"] })).toString("base64url")}.${signature}`);
      for (const [name, port, method, request] of services()) {
        const client = grpcClient(`127.0.0.1:${port}`);
        const cases: [string, Metadata | Promise<Metadata>][] = [
          ["no identity", new Metadata()],
          ["forged headers", forged],
          ["a foreign key", foreign],
          ["expired", expired],
          ["tampered", tampered],
        ];
        // A token addressed to sprints is not valid at workitems (sprints forwards to tenancy only).
        if (name === "workitems") cases.push(["another audience", identity({ userId: "mallory", audience: "sprints" })]);
        for (const [what, md] of cases) {
          const err = await grpcCall(client, method as never, request as never, md).catch((e: unknown) => e);
          expect(err, `${name}: ${what}`).toBeInstanceOf(UnauthenticatedError);
        }
        client.close();
      }
    });

    it("serves a genuine token addressed to the service", async () => {
      const client = grpcClient(`127.0.0.1:${system.embedded.services.tenancy.port}`);
      const reply = await grpcCall(client, TenancyServiceService.listProjects, ListProjectsRequest.fromPartial({}), identity({ userId: "nobody-yet", audience: "tenancy" }));
      expect(reply.projects).toEqual([]);
      client.close();
    });

    it("keeps client mistakes in direct calls INVALID_ARGUMENT", async () => {
      const client = grpcClient(`127.0.0.1:${system.embedded.services.tenancy.port}`);
      const err = await grpcCall(client, TenancyServiceService.listProjects, ListProjectsRequest.fromPartial({ pageToken: "not-ours" }), identity()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgumentError);
      client.close();
    });
  });

  it("accepts a token expiring in 2999 by default, and refuses it when AUTH_MAX_TOKEN_LIFETIME_S is set", async () => {
    const farFuture = await system.auth.token({ expiresInS: Math.floor(Date.UTC(2999, 0, 1) / 1000 - Date.now() / 1000) });
    const accepted = await TestClient.connect(system.url, farFuture);
    accepted.close();
    const strict = await system.addGateway({ AUTH_MAX_TOKEN_LIFETIME_S: "86400", GATEWAY_ID: "strict" });
    const refused = await TestClient.connect(strict.url, farFuture).catch((e: unknown) => e);
    expect((refused as UpgradeRefused).status).toBe(401);
    expect((refused as UpgradeRefused).body).toMatch(/AUTH_MAX_TOKEN_LIFETIME_S/);
    const dayToken = await TestClient.connect(strict.url, await system.auth.token({ expiresInS: 3600 }));
    dayToken.close();
  });

  it("keeps serving the same frame as a proper ClientFrame after all of the above", async () => {
    const alice = await connect("alice");
    const frame = ClientFrame.encode({ messageId: crypto.randomUUID(), request: { $case: "listProjects", value: ListProjectsRequest.fromPartial({}) } }).finish();
    const reply = await alice.requestRaw(frame, ClientFrame.decode(frame).messageId);
    expect(reply.payload?.$case).toBe("projectList");
  });
});
