import { AppError, excerpt, toAppError, type Logger } from "@agileboard/kit";
import { ErrorCode } from "@agileboard/proto";
import type { FastifyReply } from "fastify";

/** Content type of error answers (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** HTTP status of each error code (the usual gRPC ↔ HTTP mapping; refusals of state are 409). */
const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ERROR_CODE_UNSPECIFIED]: 500,
  [ErrorCode.ERROR_CODE_INVALID_ARGUMENT]: 400,
  [ErrorCode.ERROR_CODE_UNAUTHENTICATED]: 401,
  [ErrorCode.ERROR_CODE_PERMISSION_DENIED]: 403,
  [ErrorCode.ERROR_CODE_NOT_FOUND]: 404,
  [ErrorCode.ERROR_CODE_CONFLICT]: 409,
  [ErrorCode.ERROR_CODE_RATE_LIMITED]: 429,
  [ErrorCode.ERROR_CODE_UNAVAILABLE]: 503,
  [ErrorCode.ERROR_CODE_INTERNAL]: 500,
  [ErrorCode.ERROR_CODE_FAILED_PRECONDITION]: 409,
  [ErrorCode.ERROR_CODE_UNIMPLEMENTED]: 501,
  [ErrorCode.UNRECOGNIZED]: 500,
};

const TITLE: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
};

/** An error answer: RFC 9457 members plus the agileboard error code and, for bad input, the violations. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The agileboard.v1.ErrorCode name without its prefix, e.g. "not_found". */
  code: string;
  violations?: { field: string; description: string }[];
}

/** The problem document of an error (anything that is not an AppError is INTERNAL, its text not shown). */
export function problemOf(err: unknown): Problem {
  const error = toAppError(err);
  const status = STATUS[error.code] ?? 500;
  const code = (ErrorCode[error.code] ?? "ERROR_CODE_INTERNAL").replace(/^ERROR_CODE_/, "").toLowerCase();
  const message = error.toMessage();
  return {
    type: `urn:agileboard:error:${code}`,
    title: TITLE[status] ?? "Error",
    status,
    detail: error.message,
    code,
    ...(message.violations.length > 0 ? { violations: message.violations.map((v) => ({ field: v.field, description: v.description })) } : {}),
  };
}

/** Sends an error as application/problem+json; INTERNAL is logged once, with its stack. */
export function sendProblem(reply: FastifyReply, err: unknown, logger: Logger): FastifyReply {
  const problem = problemOf(err);
  if (problem.status === 500) logger.error({ err, url: excerpt(reply.request.url) }, "api request failed");
  if (problem.status === 401) reply.header("www-authenticate", 'Bearer error="invalid_token"');
  if (problem.status === 429) reply.header("retry-after", "1");
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** True for errors a client caused (logged at debug, if at all). */
export function isClientError(err: unknown): boolean {
  return err instanceof AppError && (STATUS[err.code] ?? 500) < 500;
}
