import type { RpcHandler, ServiceRuntime } from "@agileboard/kit";
import type { ListProjectsRequest, ProjectList } from "@agileboard/proto";
import { TENANT_ADMIN_ROLE } from "../domain/permissions.js";
import { projectsRepo } from "../repo/projects-repo.js";
import { projectToProto } from "../wire.js";

/** ListProjects: the projects the caller can see (every project for a tenant admin). */
export function listProjects(rt: ServiceRuntime): RpcHandler<ListProjectsRequest, ProjectList> {
  return (request, call) =>
    rt.pipeline.query(
      {
        validate: () => undefined,
        authorize: async () => undefined,
        read: (r, db) => {
          const projects = call.roles.includes(TENANT_ADMIN_ROLE) ? projectsRepo.listAll(db) : projectsRepo.listForMember(db, call.userId);
          return { projects: projects.filter((p) => r.includeArchived || p.archivedAt === null).map(projectToProto) };
        },
      },
      request,
      call,
    );
}
