import { ErrorCode, Error as ErrorMessage, type FieldViolation } from "@agileboard/proto";

/** One invalid field of a request: the proto field name and the rule it broke. */
export type Violation = FieldViolation;

/**
 * An error whose message is safe to show a client. Each subclass maps 1:1 to an `ErrorCode`; anything else
 * that escapes a handler is reported as INTERNAL with a generic message.
 */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;

  /** The wire form of this error, as sent in `ServerFrame.error` and the gRPC error trailer. */
  toMessage(): ErrorMessage {
    return { code: this.code, message: this.message, currentVersion: 0, violations: [] };
  }
}

export class InvalidArgumentError extends AppError {
  override readonly name = "InvalidArgumentError";
  readonly code = ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
  constructor(
    message: string,
    readonly violations: readonly Violation[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
  override toMessage(): ErrorMessage {
    return { ...super.toMessage(), violations: [...this.violations] };
  }
}

export class UnauthenticatedError extends AppError {
  override readonly name = "UnauthenticatedError";
  readonly code = ErrorCode.ERROR_CODE_UNAUTHENTICATED;
}

export class PermissionDeniedError extends AppError {
  override readonly name = "PermissionDeniedError";
  readonly code = ErrorCode.ERROR_CODE_PERMISSION_DENIED;
}

export class NotFoundError extends AppError {
  override readonly name = "NotFoundError";
  readonly code = ErrorCode.ERROR_CODE_NOT_FOUND;
}

export class ConflictError extends AppError {
  override readonly name = "ConflictError";
  readonly code = ErrorCode.ERROR_CODE_CONFLICT;
  constructor(
    message: string,
    /** The row's version now; 0 when the conflict is not about a version. */
    readonly currentVersion = 0,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
  override toMessage(): ErrorMessage {
    return { ...super.toMessage(), currentVersion: this.currentVersion };
  }
}

export class FailedPreconditionError extends AppError {
  override readonly name = "FailedPreconditionError";
  readonly code = ErrorCode.ERROR_CODE_FAILED_PRECONDITION;
}

export class RateLimitedError extends AppError {
  override readonly name = "RateLimitedError";
  readonly code = ErrorCode.ERROR_CODE_RATE_LIMITED;
}

export class UnavailableError extends AppError {
  override readonly name: string = "UnavailableError";
  readonly code = ErrorCode.ERROR_CODE_UNAVAILABLE;
}

export class UnimplementedError extends AppError {
  override readonly name = "UnimplementedError";
  readonly code = ErrorCode.ERROR_CODE_UNIMPLEMENTED;
}

export class InternalError extends AppError {
  override readonly name = "InternalError";
  readonly code = ErrorCode.ERROR_CODE_INTERNAL;
  constructor(message = "internal error", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The error classes by name, for `instanceof` checks without importing each. */
export const errors = {
  AppError,
  InvalidArgumentError,
  UnauthenticatedError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  FailedPreconditionError,
  RateLimitedError,
  UnavailableError,
  UnimplementedError,
  InternalError,
} as const;

/** Rebuilds the AppError a wire `Error` describes (the inverse of `AppError.toMessage`). */
export function appErrorFromMessage(message: ErrorMessage): AppError {
  switch (message.code) {
    case ErrorCode.ERROR_CODE_INVALID_ARGUMENT:
      return new InvalidArgumentError(message.message, message.violations);
    case ErrorCode.ERROR_CODE_UNAUTHENTICATED:
      return new UnauthenticatedError(message.message);
    case ErrorCode.ERROR_CODE_PERMISSION_DENIED:
      return new PermissionDeniedError(message.message);
    case ErrorCode.ERROR_CODE_NOT_FOUND:
      return new NotFoundError(message.message);
    case ErrorCode.ERROR_CODE_CONFLICT:
      return new ConflictError(message.message, message.currentVersion);
    case ErrorCode.ERROR_CODE_FAILED_PRECONDITION:
      return new FailedPreconditionError(message.message);
    case ErrorCode.ERROR_CODE_RATE_LIMITED:
      return new RateLimitedError(message.message);
    case ErrorCode.ERROR_CODE_UNAVAILABLE:
      return new UnavailableError(message.message);
    case ErrorCode.ERROR_CODE_UNIMPLEMENTED:
      return new UnimplementedError(message.message);
    default:
      return new InternalError(message.message || "internal error");
  }
}

/**
 * Collects the violations of one request so that a client learns every problem at once.
 * `fail()` throws an InvalidArgumentError naming them all, if there are any.
 */
export class ViolationList {
  readonly items: Violation[] = [];

  add(field: string, description: string): this {
    this.items.push({ field, description });
    return this;
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  throwIfAny(): void {
    if (this.items.length === 0) return;
    const summary = this.items.map((v) => `'${v.field}' ${v.description}`).join("; ");
    throw new InvalidArgumentError(`invalid request: ${summary}`, this.items);
  }
}
