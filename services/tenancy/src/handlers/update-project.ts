import { ConflictError, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import { Project as ProjectProto, UpdateProjectRequest } from "@agileboard/proto";
import { applyProjectPatch, validateProjectPatch } from "../domain/project.js";
import { requireAccess } from "../access.js";
import { projectsRepo } from "../repo/projects-repo.js";
import { projectToProto } from "../wire.js";

/** UpdateProject: admins rename, describe, archive and unarchive; only the fields present change. */
export function updateProject(rt: ServiceRuntime): RpcHandler<UpdateProjectRequest, ProjectProto> {
  return (request, call) =>
    rt.pipeline.mutate(
      {
        operation: "UpdateProject",
        requestType: UpdateProjectRequest,
        replyType: ProjectProto,
        validate: (r) => validateProjectPatch(r).throwIfAny(),
        authorize: async (r, caller, db) => {
          requireAccess(db(), caller, r.projectId, "admin");
        },
        execute: (r, tx) => {
          const { project } = requireAccess(tx.db, call, r.projectId, "admin");
          if (project.version !== r.expectedVersion) {
            throw new ConflictError(`project '${r.projectId}' is at version ${project.version}, not ${r.expectedVersion}`, project.version);
          }
          const { project: next, diffs } = applyProjectPatch(project, r, call.userId, tx.now);
          if (diffs.length === 0) return projectToProto(project);
          projectsRepo.update(tx.db, next);
          tx.recordActivity(
            diffs.map((d) => ({
              entityType: "project",
              entityId: project.id,
              projectId: project.id,
              action: "updated",
              fieldName: d.field,
              oldValue: d.oldValue,
              newValue: d.newValue,
            })),
          );
          const reply = projectToProto(next);
          tx.emit({ projectId: project.id, entity: "project", change: { $case: "projectUpdated", value: reply }, changes: diffs.map(toChange) });
          return reply;
        },
      },
      request,
      call,
    );
}

function toChange(d: { field: string; oldValue: string; newValue: string }) {
  return { field: d.field, oldValue: d.oldValue, newValue: d.newValue };
}
