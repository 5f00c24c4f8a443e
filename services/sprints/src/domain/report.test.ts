import { describe, expect, it } from "vitest";
import { sprintFigures, type ItemVersion, type ReportSprint } from "./report.js";

const S = "sprint-1";
const v = (itemId: string, version: number, at: number, over: Partial<ItemVersion> = {}): ItemVersion => ({
  itemId,
  version,
  at,
  sprintId: S,
  status: "todo",
  storyPoints: 3,
  deleted: false,
  ...over,
});
const active: ReportSprint = { id: S, name: "One", status: "active", startedAt: 100, completedAt: null };

describe("sprintFigures", () => {
  it("commits the points in the sprint at its start, including a change that arrived late", () => {
    const history = [v("a", 1, 10), v("b", 2, 90, { storyPoints: 5 }), v("c", 1, 150)];
    expect(sprintFigures(active, history, 200).committedPoints).toBe(8); // c joined after the start
  });

  it("counts a planned sprint's items as they are now", () => {
    const planned: ReportSprint = { ...active, status: "planned", startedAt: null };
    expect(sprintFigures(planned, [v("a", 1, 10), v("b", 1, 20, { sprintId: "other" })], 50)).toEqual({ committedPoints: 3, completedPoints: 0, burndown: [] });
  });

  it("burns down as items get done, one point per change", () => {
    const history = [v("a", 1, 10), v("b", 1, 10, { storyPoints: 5 }), v("a", 2, 120, { status: "done" }), v("a", 3, 130, { status: "done", storyPoints: 3 }), v("b", 2, 140, { status: "done", storyPoints: 5 })];
    const f = sprintFigures(active, history, 200);
    expect(f.burndown).toEqual([
      { atMs: 100, remainingPoints: 8 },
      { atMs: 120, remainingPoints: 5 },
      { atMs: 140, remainingPoints: 0 },
      { atMs: 200, remainingPoints: 0 },
    ]);
    expect(f.completedPoints).toBe(8);
  });

  it("follows point changes and items leaving or being deleted", () => {
    const history = [v("a", 1, 10), v("b", 1, 10), v("a", 2, 110, { storyPoints: 8 }), v("b", 2, 120, { sprintId: null }), v("a", 3, 130, { deleted: true })];
    expect(sprintFigures(active, history, 200).burndown.map((p) => p.remainingPoints)).toEqual([6, 11, 8, 0, 0]);
  });

  it("freezes a completed sprint at its completion: later moves do not count", () => {
    const completed: ReportSprint = { ...active, status: "completed", completedAt: 150 };
    const history = [v("a", 1, 10, { status: "done" }), v("b", 1, 10, { storyPoints: 5 }), v("b", 2, 160, { sprintId: "next" })];
    const f = sprintFigures(completed, history, 500);
    expect(f).toMatchObject({ committedPoints: 8, completedPoints: 3 });
    expect(f.burndown.at(-1)).toEqual({ atMs: 150, remainingPoints: 5 });
  });

  it("reads a completed sprint as it was just before completion, ignoring moves in the same millisecond", () => {
    const completed: ReportSprint = { ...active, status: "completed", completedAt: 150 };
    const history = [v("a", 1, 10), v("a", 2, 150, { sprintId: null })];
    expect(sprintFigures(completed, history, 500).burndown.at(-1)).toEqual({ atMs: 150, remainingPoints: 3 });
  });

  it("treats an item without points as zero", () => {
    expect(sprintFigures(active, [v("a", 1, 10, { storyPoints: null })], 200).committedPoints).toBe(0);
  });
});
