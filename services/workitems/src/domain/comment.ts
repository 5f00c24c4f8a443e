import { checkText, type ViolationList } from "@agileboard/kit";

/** A comment as workitems stores it. */
export interface Comment {
  id: string;
  workItemId: string;
  projectId: string;
  authorId: string;
  body: string;
  version: number;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export const MAX_COMMENT_BYTES = 64 * 1024;

/** A comment body: markdown, 1 byte to 64 KiB. */
export function checkCommentBody(v: ViolationList, body: string): void {
  checkText(v, "body", body, { min: 1, maxBytes: MAX_COMMENT_BYTES });
  if (body.length > 0 && body.trim().length === 0) v.add("body", "must not be only whitespace");
}

/** Who may do what to a comment, given the caller's standing in the project. */
export const commentRules = {
  /** Only the author edits. */
  canEdit: (comment: Pick<Comment, "authorId">, userId: string): boolean => comment.authorId === userId,
  /** The author or a project admin deletes. */
  canDelete: (comment: Pick<Comment, "authorId">, userId: string, isProjectAdmin: boolean): boolean =>
    comment.authorId === userId || isProjectAdmin,
};
