import { checkEnum, checkId, ViolationList, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import { AccessLevel, type CheckProjectAccessRequest, type ProjectAccess } from "@agileboard/proto";
import { evaluateAccess } from "../access.js";
import { levelFromProto, roleToProto } from "../wire.js";

const LEVELS = [AccessLevel.ACCESS_LEVEL_READ, AccessLevel.ACCESS_LEVEL_WRITE, AccessLevel.ACCESS_LEVEL_ADMIN];

/** CheckProjectAccess (internal): the caller's role in a project and whether it reaches the level asked. */
export function checkProjectAccess(rt: ServiceRuntime): RpcHandler<CheckProjectAccessRequest, ProjectAccess> {
  return (request, call) =>
    rt.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
          checkEnum(v, "required", r.required, LEVELS);
          v.throwIfAny();
        },
        authorize: async () => undefined,
        read: (r, db) => {
          const access = evaluateAccess(db, call, r.projectId, levelFromProto(r.required) ?? "admin");
          return {
            projectId: r.projectId,
            role: roleToProto(access.role),
            granted: access.granted,
            archived: access.project.archivedAt !== null,
            projectKey: access.project.key,
          };
        },
      },
      request,
      call,
    );
}
