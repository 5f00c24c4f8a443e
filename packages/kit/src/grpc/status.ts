import { Metadata, status as GrpcStatus, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { ErrorCode, Error as ErrorMessage } from "@agileboard/proto";
import { AppError, appErrorFromMessage, InternalError, UnavailableError } from "../errors.js";
import { NotOwnerError } from "../leases.js";

/** Trailer that carries the full `agileboard.v1.Error` of a failed call (violations, current version). */
export const ERROR_TRAILER = "agileboard-error-bin";
/** Trailer of a NotOwnerError: the host:port of the replica that owns the tenant. */
export const OWNER_TRAILER = "agileboard-owner";

const GRPC_CODE: Record<ErrorCode, GrpcStatus> = {
  [ErrorCode.ERROR_CODE_UNSPECIFIED]: GrpcStatus.UNKNOWN,
  [ErrorCode.ERROR_CODE_INVALID_ARGUMENT]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCode.ERROR_CODE_UNAUTHENTICATED]: GrpcStatus.UNAUTHENTICATED,
  [ErrorCode.ERROR_CODE_PERMISSION_DENIED]: GrpcStatus.PERMISSION_DENIED,
  [ErrorCode.ERROR_CODE_NOT_FOUND]: GrpcStatus.NOT_FOUND,
  [ErrorCode.ERROR_CODE_CONFLICT]: GrpcStatus.ABORTED,
  [ErrorCode.ERROR_CODE_RATE_LIMITED]: GrpcStatus.RESOURCE_EXHAUSTED,
  [ErrorCode.ERROR_CODE_UNAVAILABLE]: GrpcStatus.UNAVAILABLE,
  [ErrorCode.ERROR_CODE_INTERNAL]: GrpcStatus.INTERNAL,
  [ErrorCode.ERROR_CODE_FAILED_PRECONDITION]: GrpcStatus.FAILED_PRECONDITION,
  [ErrorCode.ERROR_CODE_UNIMPLEMENTED]: GrpcStatus.UNIMPLEMENTED,
  [ErrorCode.UNRECOGNIZED]: GrpcStatus.UNKNOWN,
};

/** SQLite failures that are about the storage, not the request: the client may retry later. */
function storageError(err: unknown): AppError | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return undefined;
  if (code === "SQLITE_FULL") return new UnavailableError("tenant storage is full; nothing was changed", { cause: err });
  if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new UnavailableError("tenant database is busy; retry", { cause: err });
  }
  if (code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_READONLY")) {
    return new UnavailableError("tenant storage is unavailable; nothing was changed", { cause: err });
  }
  return undefined;
}

/**
 * What a failure means to a client: AppErrors as they are, storage trouble as UNAVAILABLE, anything else
 * as INTERNAL (the caller logs the original, once).
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return storageError(err) ?? new InternalError("internal error", { cause: err });
}

/** The gRPC status object a failed handler returns: code, message and the error trailer. */
export function toGrpcStatus(error: AppError): Partial<StatusObject> {
  const metadata = new Metadata();
  metadata.set(ERROR_TRAILER, Buffer.from(ErrorMessage.encode(error.toMessage()).finish()));
  if (error instanceof NotOwnerError) metadata.set(OWNER_TRAILER, error.ownerAddress);
  return { code: GRPC_CODE[error.code], details: error.message, metadata };
}

/** The encoded `agileboard.v1.Error` of a failed call, from its trailer or else from its status. */
export function errorBytesOf(err: ServiceError): Uint8Array {
  const trailer = err.metadata?.get(ERROR_TRAILER)[0];
  if (trailer instanceof Buffer) return trailer;
  return ErrorMessage.encode(errorMessageFromStatus(err)).finish();
}

/** True when a failed call carries an agileboard error (the service answered) rather than a transport failure. */
export function isServiceAnswer(err: ServiceError): boolean {
  return err.metadata?.get(ERROR_TRAILER)[0] instanceof Buffer;
}

/** The owner a NotOwnerError named, if the call failed with one (the call did not run). */
export function ownerHintOf(err: ServiceError): string | undefined {
  const value = err.metadata?.get(OWNER_TRAILER)[0];
  return typeof value === "string" ? value : undefined;
}

/** The AppError of a failed call. */
export function appErrorFromGrpc(err: ServiceError): AppError {
  return appErrorFromMessage(ErrorMessage.decode(errorBytesOf(err)));
}

function errorMessageFromStatus(err: ServiceError): ErrorMessage {
  const base = { currentVersion: 0, violations: [] };
  switch (err.code) {
    case GrpcStatus.UNAVAILABLE:
      return { ...base, code: ErrorCode.ERROR_CODE_UNAVAILABLE, message: "service unavailable" };
    case GrpcStatus.DEADLINE_EXCEEDED:
      return { ...base, code: ErrorCode.ERROR_CODE_UNAVAILABLE, message: "service did not answer in time" };
    case GrpcStatus.UNIMPLEMENTED:
      return { ...base, code: ErrorCode.ERROR_CODE_UNIMPLEMENTED, message: "not implemented" };
    case GrpcStatus.RESOURCE_EXHAUSTED:
      // grpc-js says RESOURCE_EXHAUSTED when a message is over the size limit: a fault of ours, not load.
      return { ...base, code: ErrorCode.ERROR_CODE_INTERNAL, message: "the reply is over the internal message size limit" };
    default:
      return { ...base, code: ErrorCode.ERROR_CODE_INTERNAL, message: "internal error" };
  }
}
