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
