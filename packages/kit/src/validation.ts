import { ViolationList } from "./errors.js";
import { isUuid, userIdProblem } from "./ids.js";

/** Checks a required id field: present and a UUID. */
export function checkId(violations: ViolationList, field: string, value: string): void {
  if (!value) violations.add(field, "is required");
  else if (!isUuid(value)) violations.add(field, "must be a UUID");
}

/** Validates a request whose one field to check is a required id: throws INVALID_ARGUMENT naming it. */
export function requireId(field: string, value: string): void {
  const violations = new ViolationList();
  checkId(violations, field, value);
  violations.throwIfAny();
}

/** Checks an optional id field: empty, or a UUID. */
export function checkOptionalId(violations: ViolationList, field: string, value: string | undefined): void {
  if (value && !isUuid(value)) violations.add(field, "must be a UUID or empty");
}

/** Checks text length in characters (`min`..`max`) and, when given, in UTF-8 bytes. */
export function checkText(
  violations: ViolationList,
  field: string,
  value: string,
  limits: { min: number; max?: number; maxBytes?: number },
): void {
  if (value.length < limits.min) {
    violations.add(field, limits.min === 1 ? "is required" : `must be at least ${limits.min} characters`);
    return;
  }
  if (limits.max !== undefined && value.length > limits.max) violations.add(field, `must be at most ${limits.max} characters`);
  if (limits.maxBytes !== undefined && Buffer.byteLength(value, "utf8") > limits.maxBytes) {
    violations.add(field, `must be at most ${limits.maxBytes} bytes`);
  }
}

/** Checks `expected_version` of a mutation on a versioned row. */
export function checkExpectedVersion(violations: ViolationList, value: number): void {
  if (!Number.isInteger(value) || value < 1) violations.add("expected_version", "is required (the version you last saw, 1 or more)");
}

/** Checks that an enum field holds one of the allowed values (UNSPECIFIED and unknown numbers are not). */
export function checkEnum<T extends number>(
  violations: ViolationList,
  field: string,
  value: number,
  allowed: readonly T[],
  opts: { required: boolean } = { required: true },
): void {
  if (value === 0 && !opts.required) return;
  if (!(allowed as readonly number[]).includes(value)) violations.add(field, value === 0 ? "is required" : "has an unknown value");
}

/** Checks a user id field (any Unicode; not over 256 characters, no control characters); empty is allowed unless required. */
export function checkUserId(violations: ViolationList, field: string, value: string, opts: { required: boolean } = { required: true }): void {
  if (!value) {
    if (opts.required) violations.add(field, "is required");
    return;
  }
  const problem = userIdProblem(value);
  if (problem) violations.add(field, problem);
}

/** Checks the length of a repeated field before anything walks it. */
export function checkListLength(violations: ViolationList, field: string, list: readonly unknown[], max: number): boolean {
  if (list.length <= max) return true;
  violations.add(field, `must have at most ${max} entries`);
  return false;
}
