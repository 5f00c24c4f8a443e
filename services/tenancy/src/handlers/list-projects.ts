import { checkPageRequest, cutPage, decodePageToken, ViolationList, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import { Project, type ListProjectsRequest, type ProjectList } from "@agileboard/proto";
import { TENANT_ADMIN_ROLE } from "../domain/permissions.js";
import { projectsRepo } from "../repo/projects-repo.js";
import { projectToProto } from "../wire.js";

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
          v.throwIfAny();
        },
        authorize: async () => undefined,
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_PAGE_SIZE;
          const page = { afterKey: String(decodePageToken(r.pageToken, 1)?.[0] ?? ""), includeArchived: r.includeArchived, limit: limit + 1 };
          const rows = call.roles.includes(TENANT_ADMIN_ROLE) ? projectsRepo.listAll(db, page) : projectsRepo.listForMember(db, call.userId, page);
          const { page: projects, nextPageToken } = cutPage(rows.map(projectToProto), limit, (p) => Project.encode(p).finish().length, (p) => [p.key]);
          return { projects, nextPageToken };
        },
      },
      request,
      call,
    );
}
