import { Metadata, type Client } from "@grpc/grpc-js";
import BetterSqlite3 from "better-sqlite3";
import { connect, type NatsConnection } from "nats";
import {
  ConflictError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  UnauthenticatedError,
  type RunningService,
} from "@agileboard/kit";
import { AccessLevel, Event, ProjectRole, TenancyServiceService } from "@agileboard/proto";
import { grpcCall, grpcClient, identity, startTestNats, tempDir, waitFor, internalAuthEnv, type TestCallMetadata } from "@agileboard/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTenancyConfig, startTenancy } from "../src/index.js";

describe("tenancy over gRPC, on real SQLite and NATS", () => {
  const dir = tempDir();
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let service: RunningService;
  let client: Client;
  let observer: NatsConnection;
  const published: { subject: string; event: Event }[] = [];

  const as = (userId: string, roles: string[] = [], tenantId = "acme") => identity({ userId, roles, tenantId });
  const createProject = (key: string, md: TestCallMetadata = as("alice")) => grpcCall(client, TenancyServiceService.createProject, { key, name: `Project ${key}`, description: "" }, md);

  beforeAll(async () => {
    nats = await startTestNats();
    service = await startTenancy(loadTenancyConfig({ DATA_DIR: dir.path, HOST: "127.0.0.1", PORT: "0", NATS_URL: nats.url, LOG_LEVEL: "silent", ...internalAuthEnv() }));
    client = grpcClient(`127.0.0.1:${service.port}`);
    observer = await connect({ servers: nats.url });
    observer.subscribe("agileboard.evt.>", { callback: (_err, m) => published.push({ subject: m.subject, event: Event.decode(m.data) }) });
  });
  afterAll(async () => {
    client?.close();
    await observer?.close();
    await service?.stop();
    await nats?.stop();
    nats?.cleanup();
    dir.remove();
  });

  it("refuses a call without an identity with UNAUTHENTICATED", async () => {
    await expect(grpcCall(client, TenancyServiceService.listProjects, { includeArchived: false, pageSize: 0, pageToken: "" }, new Metadata())).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it("stores a project in the tenant's own file with its creator as admin and an activity row", async () => {
    const project = await createProject("TEN");
    const db = new BetterSqlite3(`${dir.path}/tenants/acme/tenancy.db`, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT project_key, version FROM projects WHERE id = ?").get(project.id)).toEqual({ project_key: "TEN", version: 1 });
    expect(db.prepare("SELECT role FROM project_members WHERE project_id = ?").all(project.id)).toEqual([{ role: "admin" }]);
    expect(db.prepare("SELECT entity_type, action FROM activity_log WHERE project_id = ? ORDER BY entity_type DESC").all(project.id)).toEqual([
      { entity_type: "project", action: "created" },
      { entity_type: "member", action: "created" },
    ]);
    db.close();
  });

  it("refuses a duplicate key with CONFLICT and collects every invalid field", async () => {
    await createProject("DUP");
    await expect(createProject("DUP")).rejects.toBeInstanceOf(ConflictError);
    const invalid = await grpcCall(client, TenancyServiceService.createProject, { key: "x", name: "", description: "" }, as("alice")).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidArgumentError);
    expect((invalid as InvalidArgumentError).violations.map((v) => v.field).sort()).toEqual(["key", "name"]);
  });

  it("publishes member events on the project's subject and answers access checks by the matrix", async () => {
    const project = await createProject("MEM");
    await grpcCall(client, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "vera", role: ProjectRole.PROJECT_ROLE_VIEWER }, as("alice"));
    await grpcCall(client, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "ed", role: ProjectRole.PROJECT_ROLE_EDITOR }, as("alice"));
    await waitFor(() => published.filter((p) => p.subject === `agileboard.evt.acme.${project.id}.member`).length === 2);
    const added = published.find((p) => p.event.change?.$case === "memberAdded" && p.event.change.value.userId === "vera");
    expect(added?.event).toMatchObject({ projectId: project.id, actorUserId: "alice" });

    const check = (userId: string, required: AccessLevel, roles: string[] = []) =>
      grpcCall(client, TenancyServiceService.checkProjectAccess, { projectId: project.id, required }, as(userId, roles));
    expect(await check("vera", AccessLevel.ACCESS_LEVEL_READ)).toMatchObject({ granted: true, role: ProjectRole.PROJECT_ROLE_VIEWER, projectKey: "MEM" });
    expect(await check("vera", AccessLevel.ACCESS_LEVEL_WRITE)).toMatchObject({ granted: false });
    expect(await check("ed", AccessLevel.ACCESS_LEVEL_WRITE)).toMatchObject({ granted: true });
    expect(await check("ed", AccessLevel.ACCESS_LEVEL_ADMIN)).toMatchObject({ granted: false });
    expect(await check("stranger", AccessLevel.ACCESS_LEVEL_READ)).toMatchObject({ granted: false, role: ProjectRole.PROJECT_ROLE_UNSPECIFIED });
    expect(await check("boss", AccessLevel.ACCESS_LEVEL_ADMIN, ["admin"])).toMatchObject({ granted: true, role: ProjectRole.PROJECT_ROLE_ADMIN });
  });

  it("changes a role in place (upsert) and records the change field by field", async () => {
    const project = await createProject("UPS");
    await grpcCall(client, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "sam", role: ProjectRole.PROJECT_ROLE_VIEWER }, as("alice"));
    const changed = await grpcCall(client, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "sam", role: ProjectRole.PROJECT_ROLE_EDITOR }, as("alice"));
    expect(changed).toMatchObject({ role: ProjectRole.PROJECT_ROLE_EDITOR, version: 2 });
    const members = await grpcCall(client, TenancyServiceService.listProjectMembers, { projectId: project.id, pageSize: 0, pageToken: "" }, as("sam"));
    expect(members.members.map((m) => m.userId).sort()).toEqual(["alice", "sam"]);
    await waitFor(() => published.some((p) => p.event.change?.$case === "memberUpdated" && p.event.projectId === project.id));
    const updated = published.find((p) => p.event.change?.$case === "memberUpdated" && p.event.projectId === project.id);
    expect(updated?.event.changes).toEqual([{ field: "role", oldValue: "PROJECT_ROLE_VIEWER", newValue: "PROJECT_ROLE_EDITOR" }]);
  });

  it("lets only admins manage members, lets a member leave, and keeps one admin", async () => {
    const project = await createProject("ADM");
    await grpcCall(client, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "ed", role: ProjectRole.PROJECT_ROLE_EDITOR }, as("alice"));
    await expect(
      grpcCall(client, TenancyServiceService.addProjectMember, { projectId: project.id, userId: "x", role: ProjectRole.PROJECT_ROLE_VIEWER }, as("ed")),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(grpcCall(client, TenancyServiceService.removeProjectMember, { projectId: project.id, userId: "alice" }, as("alice"))).rejects.toBeInstanceOf(
      FailedPreconditionError,
    );
    const left = await grpcCall(client, TenancyServiceService.removeProjectMember, { projectId: project.id, userId: "ed" }, as("ed"));
    expect(left.userId).toBe("ed");
    await expect(grpcCall(client, TenancyServiceService.listProjectMembers, { projectId: project.id, pageSize: 0, pageToken: "" }, as("ed"))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("replays a repeated message_id and refuses its reuse for another request", async () => {
    const md = as("alice");
    const first = await createProject("IDEM", md);
    const again = await createProject("IDEM", md);
    expect(again).toEqual(first);
    await expect(createProject("OTHER", md)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("updates with optimistic locking and emits project_updated with the changes", async () => {
    const project = await createProject("LOCK");
    const renamed = await grpcCall(client, TenancyServiceService.updateProject, { projectId: project.id, expectedVersion: 1, name: "Renamed" }, as("alice"));
    expect(renamed).toMatchObject({ name: "Renamed", version: 2 });
    const stale = await grpcCall(client, TenancyServiceService.updateProject, { projectId: project.id, expectedVersion: 1, name: "Lost" }, as("alice")).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect((stale as ConflictError).currentVersion).toBe(2);
    await waitFor(() => published.some((p) => p.event.change?.$case === "projectUpdated" && p.event.projectId === project.id));
  });

  it("keeps each tenant in its own file", async () => {
    await createProject("SEP", as("alice", [], "globex"));
    const acme = await grpcCall(client, TenancyServiceService.listProjects, { includeArchived: false, pageSize: 0, pageToken: "" }, as("alice"));
    expect(acme.projects.some((p) => p.key === "SEP")).toBe(false);
    const globex = new BetterSqlite3(`${dir.path}/tenants/globex/tenancy.db`, { readonly: true });
    expect(globex.prepare("SELECT project_key FROM projects").all()).toEqual([{ project_key: "SEP" }]);
    globex.close();
  });
});
