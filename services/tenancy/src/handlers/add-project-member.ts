import { checkEnum, checkId, checkUserId, FailedPreconditionError, ViolationList, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import { AddProjectMemberRequest, ProjectMember as ProjectMemberProto, ProjectRole } from "@agileboard/proto";
import { leavesNoAdmin, upsertMember } from "../domain/membership.js";
import { requireAccess } from "../access.js";
import { membersRepo } from "../repo/members-repo.js";
import { memberToProto, roleFromProto, roleName } from "../wire.js";

const ROLES = [ProjectRole.PROJECT_ROLE_VIEWER, ProjectRole.PROJECT_ROLE_EDITOR, ProjectRole.PROJECT_ROLE_ADMIN];

/** AddProjectMember: admins add a member or change a member's role (upsert). */
export function addProjectMember(rt: ServiceRuntime): RpcHandler<AddProjectMemberRequest, ProjectMemberProto> {
  return (request, call) =>
    rt.pipeline.mutate(
      {
        operation: "AddProjectMember",
        requestType: AddProjectMemberRequest,
        replyType: ProjectMemberProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
          checkUserId(v, "user_id", r.userId);
          checkEnum(v, "role", r.role, ROLES);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          requireAccess(db(), caller, r.projectId, "admin");
        },
        execute: (r, tx) => {
          requireAccess(tx.db, call, r.projectId, "admin");
          const role = roleFromProto(r.role) ?? "viewer";
          const existing = membersRepo.find(tx.db, r.projectId, r.userId);
          if (existing && leavesNoAdmin(membersRepo.countAdmins(tx.db, r.projectId), existing, role)) {
            throw new FailedPreconditionError(`'${r.userId}' is the project's last admin; make another member admin first`);
          }
          const outcome = upsertMember(existing, r.projectId, r.userId, role, call.userId, tx.now);
          const reply = memberToProto(outcome.member);
          if (outcome.kind === "unchanged") return reply;
          membersRepo.save(tx.db, outcome.member);
          const base = { entityType: "member", entityId: r.userId, projectId: r.projectId };
          if (outcome.kind === "added") {
            tx.recordActivity([{ ...base, action: "created", fieldName: "role", newValue: roleName(role) }]);
            tx.emit({ projectId: r.projectId, entity: "member", change: { $case: "memberAdded", value: reply } });
          } else {
            const change = { field: "role", oldValue: roleName(outcome.oldRole), newValue: roleName(role) };
            tx.recordActivity([{ ...base, action: "updated", fieldName: "role", oldValue: change.oldValue, newValue: change.newValue }]);
            tx.emit({
              projectId: r.projectId,
              entity: "member",
              change: { $case: "memberUpdated", value: reply },
              changes: [change],
            });
          }
          return reply;
        },
      },
      request,
      call,
    );
}
