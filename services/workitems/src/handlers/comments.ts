import type { Database } from "better-sqlite3";
import {
  decodePageToken,
  checkAsOf,
  rowsAfterCursor,
  cutPage,
  checkPageRequest,
  checkExpectedVersion,
  checkId,
  newId,
  NotFoundError,
  PermissionDeniedError,
  requireId,
  ViolationList,
  type RpcHandler,
  type Transaction,
} from "@agileboard/kit";
import {
  AccessLevel,
  AddCommentRequest,
  Comment as CommentProto,
  DeleteCommentRequest,
  UpdateCommentRequest,
  type CommentList,
  type ListCommentsRequest,
} from "@agileboard/proto";
import { checkCommentBody, commentRules, type Comment } from "../domain/comment.js";
import { commentsRepo } from "../repo/comments-repo.js";
import { commentToProto } from "../wire.js";
import { authorizeItem, checkVersion, findLiveItem, type WorkItemsDeps } from "./shared.js";
import { AsOfReader } from "./as-of.js";

function findLiveComment(db: Database, id: string): Comment {
  const comment = commentsRepo.findById(db, id);
  if (!comment || comment.deletedAt !== null) throw new NotFoundError(`comment '${id}' not found`);
  return comment;
}

/** Writes a comment change with its activity row and event. */
function saveComment(tx: Transaction, comment: Comment, action: "created" | "updated" | "deleted", oldBody?: string): CommentProto {
  commentsRepo.save(tx.db, comment);
  tx.recordActivity([
    {
      entityType: "comment",
      entityId: comment.id,
      projectId: comment.projectId,
      action,
      ...(action === "updated" ? { fieldName: "body", oldValue: oldBody ?? "", newValue: comment.body } : {}),
    },
  ]);
  const value = commentToProto(comment);
  const change =
    action === "created"
      ? ({ $case: "commentAdded", value } as const)
      : action === "updated"
        ? ({ $case: "commentUpdated", value } as const)
        : ({ $case: "commentDeleted", value } as const);
  tx.emit({
    projectId: comment.projectId,
    entity: "comment",
    change,
    ...(action === "updated" ? { changes: [{ field: "body", oldValue: oldBody ?? "", newValue: comment.body }] } : {}),
  });
  return value;
}

/** AddComment: editors comment on an item of their project. */
export function addComment(deps: WorkItemsDeps): RpcHandler<AddCommentRequest, CommentProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "AddComment",
        requestType: AddCommentRequest,
        replyType: CommentProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "work_item_id", r.workItemId);
          checkCommentBody(v, r.body);
          v.throwIfAny();
        },
        authorize: (r, caller, db) => authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_WRITE),
        execute: (r, tx) => {
          const item = findLiveItem(tx.db, r.workItemId);
          const comment: Comment = {
            id: newId(),
            workItemId: item.id,
            projectId: item.projectId,
            authorId: call.userId,
            body: r.body,
            version: 1,
            createdAt: tx.now,
            updatedAt: tx.now,
            deletedAt: null,
          };
          return saveComment(tx, comment, "created");
        },
      },
      request,
      call,
    );
}

/** UpdateComment: only the author edits (and must still be able to write in the project). */
export function updateComment(deps: WorkItemsDeps): RpcHandler<UpdateCommentRequest, CommentProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "UpdateComment",
        requestType: UpdateCommentRequest,
        replyType: CommentProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "comment_id", r.commentId);
          checkExpectedVersion(v, r.expectedVersion);
          checkCommentBody(v, r.body);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          const comment = findLiveComment(db(), r.commentId);
          // Strangers learn nothing (NOT_FOUND); members who are not the author are told why.
          await deps.access.require(caller, comment.projectId, AccessLevel.ACCESS_LEVEL_READ, `comment '${comment.id}'`);
          if (!commentRules.canEdit(comment, caller.userId)) throw new PermissionDeniedError("only the author edits a comment");
          await deps.access.require(caller, comment.projectId, AccessLevel.ACCESS_LEVEL_WRITE);
        },
        execute: (r, tx) => {
          const comment = findLiveComment(tx.db, r.commentId);
          checkVersion("comment", comment.id, comment.version, r.expectedVersion);
          if (comment.body === r.body) return commentToProto(comment);
          return saveComment(tx, { ...comment, body: r.body, version: comment.version + 1, updatedAt: tx.now }, "updated", comment.body);
        },
      },
      request,
      call,
    );
}

/** DeleteComment: the author or a project admin deletes (soft). */
export function deleteComment(deps: WorkItemsDeps): RpcHandler<DeleteCommentRequest, CommentProto> {
  return (request, call) =>
    deps.pipeline.mutate(
      {
        operation: "DeleteComment",
        requestType: DeleteCommentRequest,
        replyType: CommentProto,
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "comment_id", r.commentId);
          checkExpectedVersion(v, r.expectedVersion);
          v.throwIfAny();
        },
        authorize: async (r, caller, db) => {
          const comment = findLiveComment(db(), r.commentId);
          await deps.access.require(caller, comment.projectId, AccessLevel.ACCESS_LEVEL_READ, `comment '${comment.id}'`);
          const isAuthor = commentRules.canDelete(comment, caller.userId, false);
          try {
            await deps.access.require(caller, comment.projectId, isAuthor ? AccessLevel.ACCESS_LEVEL_WRITE : AccessLevel.ACCESS_LEVEL_ADMIN);
          } catch (err) {
            if (err instanceof PermissionDeniedError && !isAuthor) throw new PermissionDeniedError("only the author or a project admin deletes a comment");
            throw err;
          }
        },
        execute: (r, tx) => {
          const comment = findLiveComment(tx.db, r.commentId);
          checkVersion("comment", comment.id, comment.version, r.expectedVersion);
          return saveComment(tx, { ...comment, version: comment.version + 1, updatedAt: tx.now, deletedAt: tx.now }, "deleted");
        },
      },
      request,
      call,
    );
}

const DEFAULT_COMMENT_PAGE_SIZE = 100;
const MAX_COMMENT_PAGE_SIZE = 500;

/** ListComments: an item's comments, oldest first, by pages, for anyone who can read its project. */
export function listComments(deps: WorkItemsDeps): RpcHandler<ListCommentsRequest, CommentList> {
  return (request, call) =>
    deps.pipeline.query(
      {
        validate: (r) => {
          const v = new ViolationList();
          checkId(v, "work_item_id", r.workItemId);
          checkPageRequest(v, r, MAX_COMMENT_PAGE_SIZE, 2);
          checkAsOf(v, r.asOfMs);
          v.throwIfAny();
        },
        authorize: (r, caller, db) => authorizeItem(deps, caller, db, r.workItemId, AccessLevel.ACCESS_LEVEL_READ, { allowDeleted: true }),
        read: (r, db) => {
          const limit = r.pageSize || DEFAULT_COMMENT_PAGE_SIZE;
          const after = decodePageToken(r.pageToken, 2);
          const rows = r.asOfMs
            ? rowsAfterCursor(new AsOfReader(db, r.asOfMs).comments(r.workItemId), (c) => [c.createdAt, c.id], after).slice(0, limit + 1)
            : commentsRepo.listForItem(db, r.workItemId, { ...(after ? { after: [Number(after[0]), String(after[1])] as const } : {}), limit: limit + 1 });
          const { page, nextPageToken } = cutPage(rows, limit, (c) => Buffer.byteLength(c.body) + 200, (c) => [c.createdAt, c.id]);
          return { comments: page.map(commentToProto), nextPageToken };
        },
      },
      request,
      call,
    );
}
