import { requireId, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import type { ListProjectMembersRequest, ProjectMemberList } from "@agileboard/proto";
import { requireAccess } from "../access.js";
import { membersRepo } from "../repo/members-repo.js";
import { memberToProto } from "../wire.js";

/** ListProjectMembers: any member may see who else is in the project. */
export function listProjectMembers(rt: ServiceRuntime): RpcHandler<ListProjectMembersRequest, ProjectMemberList> {
  return (request, call) =>
    rt.pipeline.query(
      {
        validate: (r) => requireId("project_id", r.projectId),
        authorize: async (r, caller, db) => {
          requireAccess(db(), caller, r.projectId, "read");
        },
        read: (r, db) => ({ members: membersRepo.listLive(db, r.projectId).map(memberToProto) }),
      },
      request,
      call,
    );
}
