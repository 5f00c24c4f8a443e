import { checkId, checkPageRequest, cutPage, decodePageToken, ViolationList, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import { ProjectMember, type ListProjectMembersRequest, type ProjectMemberList } from "@agileboard/proto";
import { requireAccess } from "../access.js";
import { membersRepo } from "../repo/members-repo.js";
import { memberToProto } from "../wire.js";

const DEFAULT_PAGE_SIZE = 500;
const MAX_PAGE_SIZE = 1000;

/** ListProjectMembers: any member may see who else is in the project; in the order they joined, by pages. */
export function listProjectMembers(rt: ServiceRuntime): RpcHandler<ListProjectMembersRequest, ProjectMemberList> {
  return (request, call) =>
    rt.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "project_id", r.projectId);
          checkPageRequest(v, r, MAX_PAGE_SIZE, 2);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          requireAccess(db(), caller, r.projectId, "read");
        },
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_PAGE_SIZE;
          const after = decodePageToken(r.pageToken, 2);
          const rows = membersRepo.listLive(db, r.projectId, { ...(after ? { after: [Number(after[0]), String(after[1])] as const } : {}), limit: limit + 1 });
          const { page, nextPageToken } = cutPage(
            rows,
            limit,
            (m) => ProjectMember.encode(memberToProto(m)).finish().length,
            (m) => [m.createdAt, m.userId],
          );
          return { members: page.map(memberToProto), nextPageToken };
        },
      },
      request,
      call,
    );
}
