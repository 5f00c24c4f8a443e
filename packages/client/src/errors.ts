import { ErrorCode, type Error as WireError, type FieldViolation } from "@agileboard/proto/wire";

/** An `ErrorCode` without its prefix, e.g. "CONFLICT" for `ERROR_CODE_CONFLICT`; derived from the contract's enum. */
export type ErrorCodeName = keyof typeof ErrorCode extends infer K ? (K extends `ERROR_CODE_${infer N}` ? N : never) : never;

/** Options of an AgileboardError beside its code and message. */
export interface AgileboardErrorOptions {
  /** The invalid fields (INVALID_ARGUMENT). Default none. */
  violations?: readonly FieldViolation[];
  /** The row's version now (CONFLICT). Default undefined. */
  currentVersion?: number;
  /** What caused it, for errors the client builds itself. */
  cause?: unknown;
}

/**
 * The server refused a request: the `Error` reply of the contract, as a throwable. `code` says why; `violations`
 * name the invalid fields (INVALID_ARGUMENT); `currentVersion` is the row's version now (CONFLICT).
 */
export class AgileboardError extends Error {
  override readonly name = "AgileboardError";
  readonly code: ErrorCodeName;
  readonly violations: readonly FieldViolation[];
  readonly currentVersion: number | undefined;

  constructor(code: ErrorCodeName, message: string, options: AgileboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.violations = options.violations ?? [];
    this.currentVersion = options.currentVersion;
  }

  /** The error a server `Error` reply stands for. */
  static fromWire(error: WireError): AgileboardError {
    return new AgileboardError(codeName(error.code), error.message, {
      violations: error.violations,
      ...(error.code === ErrorCode.ERROR_CODE_CONFLICT ? { currentVersion: error.currentVersion } : {}),
    });
  }
}

/** "CONFLICT" for ERROR_CODE_CONFLICT; "UNSPECIFIED" for a number this client does not know. */
function codeName(code: ErrorCode): ErrorCodeName {
  const name: string | undefined = ErrorCode[code];
  return (name?.startsWith("ERROR_CODE_") ? name.slice("ERROR_CODE_".length) : "UNSPECIFIED") as ErrorCodeName;
}

/** A read was asked for while the connection is down; reads are never queued. */
export class OfflineError extends Error {
  override readonly name = "OfflineError";
  constructor(message = "offline: reads need a connection (mutations are queued)") {
    super(message);
  }
}

/** No reply arrived within the request's timeout (reads; a mutation without a reply is replayed instead). */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

/** The connection died while a read waited for its reply; whether the server saw it is unknown (reads are safe to retry). */
export class ConnectionLostError extends Error {
  override readonly name = "ConnectionLostError";
}

/** The client was closed; queued mutations stay in the queue store for the next client on it. */
export class ClientClosedError extends Error {
  override readonly name = "ClientClosedError";
  constructor(message = "the client is closed") {
    super(message);
  }
}
