import { describe, expect, it } from "vitest";
import { entityEventFilter, eventSubject, parseSubject, projectEventFilter, subjectMatches } from "./subjects.js";

describe("event subjects", () => {
  it("keys events by tenant, project and entity", () => {
    expect(eventSubject("acme", "p-1", "work_item")).toBe("agileboard.evt.acme.p-1.work_item");
    expect(projectEventFilter("acme", "p-1")).toBe("agileboard.evt.acme.p-1.>");
    expect(entityEventFilter("member")).toBe("agileboard.evt.*.*.member");
  });

  it.each(["ac.me", "acme*", "acme>", "Acme", "", "a b"])("refuses tenant id %j as a subject token", (tenant) => {
    expect(() => eventSubject(tenant, "p", "work_item")).toThrow(/tenant id/);
  });

  it.each(["p.1", "p*", ">", ""])("refuses project id %j as a subject token", (project) => {
    expect(() => eventSubject("acme", project, "work_item")).toThrow(/project id/);
  });

  it("parses subjects back", () => {
    expect(parseSubject("agileboard.evt.acme.p1.member")).toEqual({ tenantId: "acme", projectId: "p1", entity: "member" });
    expect(parseSubject("agileboard.presence.acme.p1")).toEqual({ tenantId: "acme", projectId: "p1", entity: "presence" });
    expect(parseSubject("other.thing")).toBeUndefined();
  });
});

describe("subjectMatches", () => {
  it.each([
    ["agileboard.evt.acme.p1.>", "agileboard.evt.acme.p1.work_item", true],
    ["agileboard.evt.acme.p1.>", "agileboard.evt.acme.p2.work_item", false],
    ["agileboard.evt.acme.p1.>", "agileboard.evt.acme.p1", false],
    ["agileboard.evt.*.*.member", "agileboard.evt.acme.p1.member", true],
    ["agileboard.evt.*.*.member", "agileboard.evt.acme.p1.work_item", false],
    ["a.b", "a.b", true],
    ["a.b", "a.b.c", false],
  ])("%s matches %s: %s", (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});
