import { SignJWT } from "jose";
import { ErrorCode, ListProjectsRequest, ProjectRole, type ServerFrame } from "@agileboard/proto";
import { addMember, createProject, createWorkItem, TestClient, UpgradeRefused, startTestSystem, type TestSystem } from "@agileboard/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzFrames, REQUEST_CASES } from "./fuzz-frames.js";

// Property-based tests against the real system: generated frames, field values, identities and tokens.
// CI runs a fixed seed; FUZZ_SEED and FUZZ_RUNS (a multiplier) explore further:
//   FUZZ_RUNS=20 FUZZ_SEED=$RANDOM npx vitest run services/gateway/test/fuzz.test.ts
const SEED = Number(process.env["FUZZ_SEED"] ?? 20261201);
const SCALE = Number(process.env["FUZZ_RUNS"] ?? 1);
/** Per-test time limit, growing with the runs asked for. */
const TIMEOUT_MS = 60_000 * Math.max(1, SCALE);
const runs = (n: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(n * SCALE)), endOnFailure: true });

/** A marker in tenant B's data: no reply to tenant A may ever contain it. */
const SECRET = "tenant-b-secret-7f3a";

describe("fuzzing the gateway and services", () => {
  let system: TestSystem;
  let fuzzer: TestClient;
  const pool = { ids: [] as string[] };
  const replies = new Map<string, ServerFrame[]>();

  const connect = async (userId: string, tenantId: string, roles: string[] = []) => TestClient.connect(system.url, await system.auth.token({ userId, tenantId, roles }));
  const alive = async () => (await fetch(`${system.url}/healthz`)).status === 200;

  beforeAll(async () => {
    // Generous rate limits: the fuzzer sends as fast as replies come back.
    system = await startTestSystem({ bus: "nats", env: { WS_RATE_PER_S: "100000", WS_RATE_BURST: "100000" } });
    const owner = await connect("owner-b", "fuzz-b");
    const secretProject = await createProject(owner, { name: SECRET, description: SECRET });
    const secretItem = await createWorkItem(owner, secretProject.id, { title: SECRET, description: SECRET });
    owner.close();
    const alice = await connect("alice", "fuzz-a");
    const project = await createProject(alice);
    await addMember(alice, project.id, "fuzzer", ProjectRole.PROJECT_ROLE_EDITOR);
    const epic = await createWorkItem(alice, project.id, { title: "epic" });
    alice.close();
    pool.ids.push(secretProject.id, secretItem.id, project.id, epic.id, "fuzzer", "alice", "owner-b");
    fuzzer = await connect("fuzzer", "fuzz-a");
    fuzzer.socket.on("message", () => undefined);
  });
  afterAll(async () => {
    fuzzer?.close();
    await system?.stop();
  });

  it(`answers every generated frame once, never INTERNAL, never with another tenant's data (${REQUEST_CASES.length} cases)`, async () => {
    const seenCases = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fuzzFrames(pool), async (frame) => {
        seenCases.add(frame.caseName);
        const reply = await fuzzer.requestRaw(frame.bytes, frame.messageId);
        replies.set(frame.messageId, [reply]);
        const payload = reply.payload;
        if (payload?.$case === "error") {
          expect(payload.value.code, `${frame.caseName}: ${payload.value.message}`).not.toBe(ErrorCode.ERROR_CODE_INTERNAL);
          expect(payload.value.code).not.toBe(ErrorCode.ERROR_CODE_UNSPECIFIED);
        }
        expect(Buffer.from(JSON.stringify(reply)).includes(SECRET), `${frame.caseName} leaked tenant B`).toBe(false);
      }),
      runs(600),
    );
    // One reply each: after a round trip that follows them all, no message id was answered twice.
    await fuzzer.expect("pong", { $case: "ping", value: { clientTimeMs: 1 } });
    const counts = new Map<string, number>();
    for (const frame of fuzzer.received) if (replies.has(frame.messageId)) counts.set(frame.messageId, (counts.get(frame.messageId) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
    expect(counts.size).toBe(replies.size);
    expect(seenCases.size).toBeGreaterThan(REQUEST_CASES.length / 2);
    expect(fuzzer.events.some((e) => JSON.stringify(e).includes(SECRET))).toBe(false);
    expect(await alive()).toBe(true);
  }, TIMEOUT_MS);

  it("survives arbitrary bytes and text frames: an error each, the socket usable after", async () => {
    const client = await connect("bytes", "fuzz-a");
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 64 })), async (frame) => {
        const before = client.received.length;
        if (typeof frame === "string") client.sendText(frame);
        else client.sendRaw(frame);
        const pong = await client.expect("pong", { $case: "ping", value: { clientTimeMs: 7 } });
        expect(pong.clientTimeMs).toBe(7);
        for (const f of client.received.slice(before)) {
          if (f.payload?.$case === "error") expect(f.payload.value.code).not.toBe(ErrorCode.ERROR_CODE_INTERNAL);
        }
      }),
      runs(300),
    );
    expect(client.closeInfo).toBeUndefined();
    client.close();
  }, TIMEOUT_MS);

  it("lets any identity a signed token can carry either work end to end or get a 401 that says why", async () => {
    const identity = fc.record({
      userId: fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }), fc.string({ unit: "binary", minLength: 1, maxLength: 30 }), fc.string({ minLength: 250, maxLength: 300 })),
      roles: fc.array(fc.oneof(fc.constant("admin"), fc.string({ unit: "binary", maxLength: 70 })), { maxLength: 35 }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(identity, async ({ userId, roles }) => {
        // A tenant per run: tenant admins see every project, and the check below reads one page.
        const token = await system.auth.token({ userId, roles, tenantId: `fuzz-id-${++run}` });
        const client = await TestClient.connect(system.url, token).catch((e: unknown) => e);
        if (client instanceof UpgradeRefused) {
          expect(client.status).toBe(401);
          expect(client.body).toMatch(/token claim '(user_id|roles)'/);
          return;
        }
        expect(client).toBeInstanceOf(TestClient);
        const c = client as TestClient;
        const project = await createProject(c);
        const listed = await c.expect("projectList", { $case: "listProjects", value: ListProjectsRequest.fromPartial({}) });
        expect(listed.projects.map((p) => p.id)).toContain(project.id);
        const activity = await c.expect("activityList", { $case: "listActivity", value: { projectId: project.id, entityId: "", userId: "", pageSize: 0, pageToken: "" } });
        expect(activity.entries.every((a) => a.userId === userId)).toBe(true);
        c.close();
      }),
      runs(60),
    );
    expect(await alive()).toBe(true);
  }, TIMEOUT_MS);

  it("refuses every mangled or forged token with a 401, never an error of ours", async () => {
    const valid = await system.auth.token({ userId: "alice", tenantId: "fuzz-a" });
    const mangled = fc.oneof(
      fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 33, max: 126 })).map(([i, c]) => valid.slice(0, i) + String.fromCharCode(c) + valid.slice(i + 1)),
      fc.nat({ max: valid.length - 1 }).map((n) => valid.slice(0, n)),
      fc.string({ unit: "grapheme-ascii", maxLength: 200 }),
      fc.record({ alg: fc.constantFrom("none", "HS256", "ES256", "RS256"), tenant: fc.string({ maxLength: 70 }) }).chain(({ alg, tenant }) =>
        fc.constant(`${Buffer.from(JSON.stringify({ alg, kid: "test-key" })).toString("base64url")}.${Buffer.from(JSON.stringify({ tenant_id: tenant, user_id: "x", exp: 9e9 })).toString("base64url")}.`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(mangled.filter((t) => t !== valid && /^[\x21-\x7e]+$/.test(t)), async (token) => {
        const result = await TestClient.connect(system.url, token).catch((e: unknown) => e);
        if (result instanceof TestClient) {
          // A changed character that base64url ignores can leave the token valid; then it must be alice's.
          result.close();
          return;
        }
        expect(result).toBeInstanceOf(UpgradeRefused);
        expect((result as UpgradeRefused).status).toBe(401);
      }),
      runs(150),
    );
    const hs = await new SignJWT({ tenant_id: "fuzz-a", user_id: "mallory", roles: ["admin"] }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(new TextEncoder().encode("k".repeat(32)));
    expect(((await TestClient.connect(system.url, hs).catch((e: unknown) => e)) as UpgradeRefused).status).toBe(401);
    expect(await alive()).toBe(true);
  }, TIMEOUT_MS);
});
