import { describe, expect, it } from "vitest";
import { ProjectCursor } from "./project-cursor.js";

describe("ProjectCursor", () => {
  it("subscribes fresh without resume_after and continues from the head", () => {
    const cursor = new ProjectCursor();
    expect(cursor.resumeAfter).toBeUndefined();
    cursor.subscribed(40, false);
    expect(cursor.resumeAfter).toBe(40);
    expect(cursor.accept(40)).toBe(false);
    expect(cursor.accept(41)).toBe(true);
    expect(cursor.resumeAfter).toBe(41);
  });

  it("drops a duplicate and an older event, and keeps the newest sequence", () => {
    const cursor = new ProjectCursor();
    cursor.subscribed(10, false);
    expect([11, 12, 12, 11, 15, 13, 16].map((s) => cursor.accept(s))).toEqual([true, true, false, false, true, false, true]);
    expect(cursor.resumeAfter).toBe(16);
  });

  it("accepts sequences that are not contiguous", () => {
    const cursor = new ProjectCursor();
    cursor.subscribed(100, false);
    expect(cursor.accept(250)).toBe(true);
    expect(cursor.accept(9_000)).toBe(true);
  });

  it("lets presence events (sequence 0) through without moving the cursor", () => {
    const cursor = new ProjectCursor();
    cursor.subscribed(7, false);
    expect(cursor.accept(0)).toBe(true);
    expect(cursor.accept(0)).toBe(true);
    expect(cursor.resumeAfter).toBe(7);
  });

  it("keeps its position on a resume, so the replayed events that follow are delivered", () => {
    const cursor = new ProjectCursor();
    cursor.subscribed(10, false);
    cursor.accept(12);
    // Reconnected: resume_after 12, head now 20; the replay brings 14 and 20.
    expect(cursor.resumeAfter).toBe(12);
    cursor.subscribed(20, false);
    expect(cursor.accept(14)).toBe(true);
    expect(cursor.accept(20)).toBe(true);
    expect(cursor.accept(14)).toBe(false);
  });

  it("jumps to the head on a resync and drops what lies before it", () => {
    const cursor = new ProjectCursor();
    cursor.subscribed(10, false);
    cursor.accept(12);
    cursor.subscribed(500, true);
    expect(cursor.resumeAfter).toBe(500);
    expect(cursor.accept(499)).toBe(false);
    expect(cursor.accept(501)).toBe(true);
  });

  it("resumes from the sequence the application gave on the first subscribe", () => {
    const cursor = new ProjectCursor(33);
    expect(cursor.resumeAfter).toBe(33);
    cursor.subscribed(40, false);
    expect(cursor.accept(33)).toBe(false);
    expect(cursor.accept(34)).toBe(true);
  });
});
