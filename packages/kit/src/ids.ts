import { v7 as uuidv7, validate as uuidValidate } from "uuid";

/** A new time-ordered id (UUID v7): rows sort by creation when ordered by id. */
export function newId(): string {
  return uuidv7();
}

/** True for a syntactically valid UUID (any version). */
export function isUuid(value: string): boolean {
  return uuidValidate(value);
}

/** Tenant ids become directory names and NATS subject tokens, so no `.`, `*`, `>` or `/` can appear. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** True when `value` is a tenant id SPEC §3 allows. */
export function isTenantId(value: string): boolean {
  return TENANT_ID_PATTERN.test(value);
}

/** Longest user id the product holds, in characters (ids are stored, indexed and shown). */
export const MAX_USER_ID_CHARS = 256;
/** Longest role name a token may carry, in characters. */
export const MAX_ROLE_CHARS = 64;
/** Most roles a token may carry. */
export const MAX_ROLES = 32;
/** Longest `message_id` a client may choose, in characters (a UUID has 36). */
export const MAX_MESSAGE_ID_CHARS = 128;

// C0 and C1 control characters and DEL: they break logs, headers and screens, and no identity needs them.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why a client-chosen name (a user id, a role, a message id) cannot be held, or undefined when it can:
 * any Unicode is fine, but not empty, not over `maxChars`, no control characters, no lone surrogates
 * (they do not survive UTF-8).
 */
export function nameProblem(value: string, maxChars: number): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.length > maxChars) return `must be at most ${maxChars} characters`;
  if (CONTROL_CHARACTER.test(value)) return "must not contain control characters";
  if (!value.isWellFormed()) return "must be well-formed Unicode";
  return undefined;
}

/** Why a user id cannot be held (see `nameProblem`), or undefined. */
export function userIdProblem(value: string): string | undefined {
  return nameProblem(value, MAX_USER_ID_CHARS);
}

/** The first `maxChars` characters of a value for a log line, with the full length when cut. */
export function excerpt(value: string, maxChars = 64): string {
  return value.length <= maxChars ? value : `${value.slice(0, maxChars)}… (${value.length} chars)`;
}
