import { ErrorCode } from "@agileboard/proto/wire";
import { describe, expect, it } from "vitest";
import { AgileboardError } from "./errors.js";

describe("AgileboardError.fromWire", () => {
  it("carries the code name, message and violations", () => {
    const error = AgileboardError.fromWire({
      code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
      message: "'key' must be 2-10 upper-case letters or digits",
      currentVersion: 0,
      violations: [{ field: "key", description: "must be 2-10 upper-case letters or digits" }],
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("AgileboardError");
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.violations).toEqual([{ field: "key", description: "must be 2-10 upper-case letters or digits" }]);
    expect(error.currentVersion).toBeUndefined();
  });

  it("sets currentVersion on a CONFLICT only", () => {
    expect(AgileboardError.fromWire({ code: ErrorCode.ERROR_CODE_CONFLICT, message: "stale", currentVersion: 7, violations: [] }).currentVersion).toBe(7);
    expect(AgileboardError.fromWire({ code: ErrorCode.ERROR_CODE_NOT_FOUND, message: "gone", currentVersion: 7, violations: [] }).currentVersion).toBeUndefined();
  });

  it.each(Object.entries(ErrorCode).filter(([name, v]) => typeof v === "number" && name.startsWith("ERROR_CODE_")))("names %s without its prefix", (name, code) => {
    expect(AgileboardError.fromWire({ code: code as ErrorCode, message: "", currentVersion: 0, violations: [] }).code).toBe(name.replace(/^ERROR_CODE_/, ""));
  });

  it("names a code this client does not know UNSPECIFIED", () => {
    expect(AgileboardError.fromWire({ code: 999 as ErrorCode, message: "new", currentVersion: 0, violations: [] }).code).toBe("UNSPECIFIED");
  });
});
