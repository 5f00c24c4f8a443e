import { checkId, checkUserId, FailedPreconditionError, NotFoundError, ViolationList, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import { ProjectMember as ProjectMemberProto, RemoveProjectMemberRequest } from "@agileboard/proto";
import { leavesNoAdmin } from "../domain/membership.js";
import { requireAccess } from "../access.js";
import { membersRepo } from "../repo/members-repo.js";
import { memberToProto, roleName } from "../wire.js";

/** RemoveProjectMember: admins remove anyone; any member may leave. Replies with the removed membership. */
export function removeProjectMember(rt: ServiceRuntime): RpcHandler<RemoveProjectMemberRequest, ProjectMemberProto> {
  return (request, call) =>
    rt.pipeline.mutate(
      {
        operation: "RemoveProjectMember",
        requestType: RemoveProjectMemberRequest,
        replyType: ProjectMemberProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
          checkUserId(v, "user_id", r.userId);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          requireAccess(db(), caller, r.projectId, r.userId === caller.userId ? "read" : "admin");
        },
        execute: (r, tx) => {
          requireAccess(tx.db, call, r.projectId, r.userId === call.userId ? "read" : "admin");
          const member = membersRepo.find(tx.db, r.projectId, r.userId);
          if (!member || member.deletedAt !== null) throw new NotFoundError(`'${r.userId}' is not a member of project '${r.projectId}'`);
          if (leavesNoAdmin(membersRepo.countAdmins(tx.db, r.projectId), member, undefined)) {
            throw new FailedPreconditionError(`'${r.userId}' is the project's last admin; make another member admin first`);
          }
          const removed = { ...member, version: member.version + 1, updatedAt: tx.now, updatedBy: call.userId, deletedAt: tx.now };
          membersRepo.save(tx.db, removed);
          tx.recordActivity([
            { entityType: "member", entityId: r.userId, projectId: r.projectId, action: "deleted", fieldName: "role", oldValue: roleName(member.role) },
          ]);
          const reply = memberToProto(removed);
          tx.emit({ projectId: r.projectId, entity: "member", change: { $case: "memberRemoved", value: reply } });
          return reply;
        },
      },
      request,
      call,
    );
}
