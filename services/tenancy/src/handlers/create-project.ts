import { ConflictError, newId, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import { CreateProjectRequest, Project as ProjectProto } from "@agileboard/proto";
import { validateNewProject, type Project } from "../domain/project.js";
import { membersRepo } from "../repo/members-repo.js";
import { projectsRepo } from "../repo/projects-repo.js";
import { projectToProto, roleName } from "../wire.js";

/** CreateProject: any user of the tenant may create one and becomes its admin. */
export function createProject(rt: ServiceRuntime): RpcHandler<CreateProjectRequest, ProjectProto> {
  return (request, call) =>
    rt.pipeline.mutate(
      {
        operation: "CreateProject",
        requestType: CreateProjectRequest,
        replyType: ProjectProto,
        validate: (r) => validateNewProject(r).throwIfAny(),
        authorize: async () => undefined,
        execute: (r, tx) => {
          if (projectsRepo.findByKey(tx.db, r.key)) throw new ConflictError(`a project with key '${r.key}' already exists`);
          const project: Project = {
            id: newId(),
            key: r.key,
            name: r.name.trim(),
            description: r.description,
            archivedAt: null,
            version: 1,
            createdAt: tx.now,
            createdBy: call.userId,
            updatedAt: tx.now,
            updatedBy: call.userId,
          };
          projectsRepo.insert(tx.db, project);
          membersRepo.save(tx.db, {
            projectId: project.id,
            userId: call.userId,
            role: "admin",
            version: 1,
            createdAt: tx.now,
            createdBy: call.userId,
            updatedAt: tx.now,
            updatedBy: call.userId,
            deletedAt: null,
          });
          tx.recordActivity([
            { entityType: "project", entityId: project.id, projectId: project.id, action: "created" },
            { entityType: "member", entityId: call.userId, projectId: project.id, action: "created", fieldName: "role", newValue: roleName("admin") },
          ]);
          return projectToProto(project);
        },
      },
      request,
      call,
    );
}
