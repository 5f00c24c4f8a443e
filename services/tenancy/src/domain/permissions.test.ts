import { describe, expect, it } from "vitest";
import { effectiveRole, grants, type AccessLevel, type Role } from "./permissions.js";

describe("permission matrix", () => {
  it.each<[Role | undefined, AccessLevel, boolean]>([
    ["viewer", "read", true],
    ["viewer", "write", false],
    ["viewer", "admin", false],
    ["editor", "read", true],
    ["editor", "write", true],
    ["editor", "admin", false],
    ["admin", "read", true],
    ["admin", "write", true],
    ["admin", "admin", true],
    [undefined, "read", false],
    [undefined, "write", false],
    [undefined, "admin", false],
  ])("%s may %s: %s", (role, level, allowed) => {
    expect(grants(role, level)).toBe(allowed);
  });
});

describe("effectiveRole", () => {
  it("makes a token admin admin of every project", () => {
    expect(effectiveRole(undefined, ["admin"])).toBe("admin");
    expect(effectiveRole("viewer", ["reporter", "admin"])).toBe("admin");
  });

  it("uses the membership's role otherwise", () => {
    expect(effectiveRole("editor", ["developer"])).toBe("editor");
    expect(effectiveRole(undefined, [])).toBeUndefined();
  });
});
