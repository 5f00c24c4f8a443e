import { activitySince, byEntity, checkAsOf, lastChangeAtOrBefore, lastSetAtOrBefore, checkPageRequest, cutPage, decodePageToken, ViolationList, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import { Project, type ListProjectsRequest, type ProjectList } from "@agileboard/proto";
import { TENANT_ADMIN_ROLE } from "../domain/permissions.js";
import { projectsRepo } from "../repo/projects-repo.js";
import { projectToProto } from "../wire.js";
import { projectAsOf } from "../domain/as-of.js";
import type { Project as DomainProject } from "../domain/project.js";
import type { Database } from "better-sqlite3";

const DEFAULT_PAGE_SIZE = 200;
const MAX_PAGE_SIZE = 500;

/** ListProjects: the projects the caller can see (every project for a tenant admin), in key order, by pages. */
export function listProjects(rt: ServiceRuntime): RpcHandler<ListProjectsRequest, ProjectList> {
  return (request, call) =>
    rt.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          checkPageRequest(v, r, MAX_PAGE_SIZE, 1);
          checkAsOf(v, r.asOfMs);
          v.throwIfAny();
        },
        authorize: async () => undefined,
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_PAGE_SIZE;
          const page = { afterKey: String(decodePageToken(r.pageToken, 1)?.[0] ?? ""), includeArchived: r.includeArchived || Boolean(r.asOfMs), limit: limit + 1 };
          const list = (p: typeof page) => (call.roles.includes(TENANT_ADMIN_ROLE) ? projectsRepo.listAll(db, p) : projectsRepo.listForMember(db, call.userId, p));
          // As of a time: the projects the caller can see now, as they were then (archive state included).
          const rows = r.asOfMs ? projectsAsOf(db, list({ ...page, limit: Number.MAX_SAFE_INTEGER }), r.asOfMs, r.includeArchived).slice(0, limit + 1) : list(page);
          const { page: projects, nextPageToken } = cutPage(rows.map(projectToProto), limit, (p) => Project.encode(p).finish().length, (p) => [p.key]);
          return { projects, nextPageToken };
        },
      },
      request,
      call,
    );
}

/** The projects given as they were at `asOfMs` (those that existed then; archived ones when asked for). */
function projectsAsOf(db: Database, projects: readonly DomainProject[], asOfMs: number, includeArchived: boolean): DomainProject[] {
  const rows = byEntity(activitySince(db, { entityType: "project", entityIds: projects.map((p) => p.id), afterMs: asOfMs }));
  const lookups = {
    lastChange: (id: string) => lastChangeAtOrBefore(db, id, asOfMs),
    lastArchivedAt: (id: string) => lastSetAtOrBefore(db, id, "archived", "true", asOfMs),
  };
  return projects
    .map((p) => projectAsOf(p, rows.get(p.id) ?? [], asOfMs, lookups))
    .filter((p): p is DomainProject => p !== undefined && (includeArchived || p.archivedAt === null));
}
