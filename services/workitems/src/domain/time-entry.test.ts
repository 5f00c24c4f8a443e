import { describe, expect, it } from "vitest";
import { ViolationList } from "@agileboard/kit";
import { checkManualEntry, elapsedMs, MAX_ENTRY_DURATION_MS, newTimeEntry, stopTimer } from "./time-entry.js";

const item = { id: "item-1", projectId: "project-1" };

describe("time entries", () => {
  it("starts a timer as a running entry with no end and no duration", () => {
    const entry = newTimeEntry({ id: "e1", item, userId: "u1", note: "", startedAt: 1_000, durationMs: null, now: 1_000 });
    expect(entry).toMatchObject({ workItemId: "item-1", projectId: "project-1", userId: "u1", startedAt: 1_000, endedAt: null, durationMs: 0, version: 1 });
    expect(elapsedMs(entry, 4_000)).toBe(3_000);
  });

  it("logs time as an ended entry from its start and duration", () => {
    const entry = newTimeEntry({ id: "e2", item, userId: "u1", note: "review", startedAt: 1_000, durationMs: 600, now: 9_000 });
    expect(entry).toMatchObject({ startedAt: 1_000, endedAt: 1_600, durationMs: 600, createdAt: 9_000 });
    expect(elapsedMs(entry, 99_000)).toBe(600);
  });

  it("stops a timer at now, never before it started", () => {
    const running = newTimeEntry({ id: "e3", item, userId: "u1", note: "", startedAt: 5_000, durationMs: null, now: 5_000 });
    expect(stopTimer(running, 7_500)).toMatchObject({ endedAt: 7_500, durationMs: 2_500, version: 2 });
    expect(stopTimer(running, 4_000)).toMatchObject({ endedAt: 5_000, durationMs: 0 });
  });

  it("refuses manual entries in the future, without a start, or longer than a day", () => {
    const v = new ViolationList();
    checkManualEntry(v, { startedAtMs: 10_000, durationMs: MAX_ENTRY_DURATION_MS + 1 }, 5_000);
    expect(v.items.map((i) => i.field)).toEqual(["started_at_ms", "duration_ms"]);
  });
});
