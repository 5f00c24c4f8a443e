import { ViolationList } from "@agileboard/kit";
import { describe, expect, it } from "vitest";
import { checkEventNames, checkSecret, checkUrl, secretHint, wantsEvent } from "./webhook.js";

const violations = (fn: (v: ViolationList) => void) => {
  const v = new ViolationList();
  fn(v);
  return v.items.map((i) => `${i.field}: ${i.description}`);
};

describe("webhook fields", () => {
  it.each([
    ["", "url: is required"],
    ["ftp://example.com/x", "url: must be an http:// or https:// URL"],
    ["example.com/hook", "url: must be an absolute http:// or https:// URL"],
    ["https://user:pw@example.com/hook", "url: must not carry a user name or password"],
    ["https://example.com/hook#x", "url: must not have a #fragment"],
  ])("refuses the url %j", (url, problem) => {
    expect(violations((v) => checkUrl(v, url))[0]).toContain(problem);
  });

  it("accepts an https URL with a path and query", () => {
    expect(violations((v) => checkUrl(v, "https://hooks.example.com/agileboard?team=1"))).toEqual([]);
  });

  it("checks event names against the known ones", () => {
    const known = ["work_item_created", "work_item_updated"];
    expect(violations((v) => checkEventNames(v, ["work_item_created"], known))).toEqual([]);
    expect(violations((v) => checkEventNames(v, ["item_moved"], known))[0]).toContain("'item_moved' is not an event name");
    expect(violations((v) => checkEventNames(v, ["work_item_created", "work_item_created"], known))[0]).toContain("each event once");
  });

  it("wants every event when the list is empty, else the ones listed", () => {
    expect(wantsEvent({ events: [] }, "comment_added")).toBe(true);
    expect(wantsEvent({ events: ["work_item_updated"] }, "comment_added")).toBe(false);
  });

  it("checks the secret's length and shows only its end", () => {
    expect(violations((v) => checkSecret(v, "short"))[0]).toContain("16-256 characters");
    expect(violations((v) => checkSecret(v, "a-long-enough-secret"))).toEqual([]);
    expect(secretHint("a-long-enough-secret")).toBe("cret");
  });
});
