import { activitySince, byEntity, checkAsOf, rowsAfterCursor, checkId, checkPageRequest, cutPage, decodePageToken, ViolationList, type RpcHandler, type ServiceRuntime } from "@agileboard/kit";
import { ProjectMember, type ListProjectMembersRequest, type ProjectMemberList } from "@agileboard/proto";
import { requireAccess } from "../access.js";
import { membersRepo } from "../repo/members-repo.js";
import { memberToProto, roleFromName } from "../wire.js";
import { memberAsOf } from "../domain/as-of.js";
import type { Member } from "../domain/membership.js";
import type { Database } from "better-sqlite3";

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
          checkAsOf(v, r.asOfMs);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          requireAccess(db(), caller, r.projectId, "read");
        },
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_PAGE_SIZE;
          const after = decodePageToken(r.pageToken, 2);
          const rows = r.asOfMs
            ? rowsAfterCursor(membersAsOf(db, r.projectId, r.asOfMs), (m) => [m.createdAt, m.userId], after).slice(0, limit + 1)
            : membersRepo.listLive(db, r.projectId, { ...(after ? { after: [Number(after[0]), String(after[1])] as const } : {}), limit: limit + 1 });
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

/** The project's members and roles at `asOfMs`, in joining order. */
function membersAsOf(db: Database, projectId: string, asOfMs: number): Member[] {
  const rows = byEntity(activitySince(db, { entityType: "member", projectId, afterMs: asOfMs }));
  return membersRepo
    .everyInProject(db, projectId)
    .map((m) => memberAsOf(m, rows.get(m.userId) ?? [], asOfMs, lastMemberChange(db, projectId, m.userId, asOfMs), roleFromName))
    .filter((m): m is Member => m !== undefined);
}

/** Member rows are keyed by user id, which other projects share: the last change at or before T of this one. */
function lastMemberChange(db: Database, projectId: string, userId: string, asOfMs: number): number | undefined {
  const at = db
    .prepare<[string, string, number], number>("SELECT MAX(at) FROM activity_log WHERE entity_type = 'member' AND project_id = ? AND entity_id = ? AND at <= ?")
    .pluck()
    .get(projectId, userId, asOfMs);
  return at ?? undefined;
}

