import { describe, expect, it } from "vitest";
import { ftsMatchExpression, parseSearchQuery, QueryError } from "./search-query.js";

describe("parseSearchQuery", () => {
  it("reads words, phrases, filters and item keys", () => {
    const q = parseSearchQuery('login "card form" status=todo,in_progress type=bug assignee=alice label="needs review" PAY-42 project=PAY');
    expect(q.text).toEqual([
      { value: "login", phrase: false },
      { value: "card form", phrase: true },
    ]);
    expect(q).toMatchObject({ statuses: ["todo", "in_progress"], types: ["bug"], assignees: ["alice"], labels: ["needs review"], projectKeys: ["PAY"] });
    expect(q.keys).toEqual([{ projectKey: "PAY", number: 42 }]);
  });

  it("reads an empty query as no conditions", () => {
    expect(parseSearchQuery("   ")).toMatchObject({ text: [], statuses: [], keys: [] });
  });

  it.each([
    ["status=", 8, "expected a value after '='"],
    ["login status=", 14, "expected a value after '='"],
    ["status=todo,", 13, "expected a value after ','"],
    ["=todo", 1, "expected a field name before '='"],
    ["colour=red", 1, "unknown field 'colour'"],
    ["fix status=doing", 12, "unknown status 'doing'"],
    ["type=feature", 6, "unknown type 'feature'"],
    ['"unterminated', 1, "unterminated quote"],
    ['label="a"b', 10, "expected a space after the value"],
    ["project=pay", 9, "'pay' is not a project key"],
    ["status=todo=done", 12, "unexpected '='"],
  ])("refuses %j at position %i", (query, position, problem) => {
    let error: unknown;
    try {
      parseSearchQuery(query);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).position).toBe(position);
    expect((error as QueryError).message).toContain(`at ${position}: ${problem}`);
  });

  it("refuses more than 32 terms and more than 1000 characters", () => {
    expect(() => parseSearchQuery(Array.from({ length: 33 }, (_, i) => `w${i}`).join(" "))).toThrow(/at most 32 terms/);
    expect(() => parseSearchQuery("x".repeat(1001))).toThrow(/at most 1000 characters/);
  });
});

describe("ftsMatchExpression", () => {
  it.each([
    [[{ value: "login", phrase: false }], '"login"*'],
    [
      [
        { value: "pay", phrase: false },
        { value: "card form", phrase: true },
      ],
      '"pay" "card form"',
    ],
    [[{ value: 'say "hi"', phrase: true }], '"say ""hi"""'],
    [[{ value: "AND", phrase: false }, { value: "OR", phrase: false }], '"AND" "OR"*'],
    [[{ value: "---", phrase: false }], undefined],
    [[], undefined],
  ])("quotes %j as %j", (text, expected) => {
    expect(ftsMatchExpression(text)).toBe(expected);
  });
});
