import { Event, Priority, WorkItem, WorkItemStatus, WorkItemType } from "@agileboard/proto";
import { describe, expect, it } from "vitest";
import { enumFromRestName, enumRestName, eventChangeNames, restJsonSchema, toProto3Json, toRestJson } from "./proto-json.js";

const item = WorkItem.fromPartial({
  id: "i1",
  projectId: "p1",
  number: 42,
  itemType: WorkItemType.WORK_ITEM_TYPE_STORY,
  title: "Pay",
  status: WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS,
  priority: Priority.PRIORITY_HIGH,
  version: 3,
  labels: ["a"],
  createdAtMs: 1_700_000_000_000,
});

describe("toProto3Json", () => {
  it("writes the proto3 JSON mapping: lowerCamelCase, enum names, 64-bit integers as strings, defaults left out, the oneof case by name", () => {
    const event = Event.fromPartial({ eventId: "e1", projectId: "p1", sequence: 7, actorUserId: "alice", occurredAtMs: 1_700_000_000_001, change: { $case: "workItemUpdated", value: item }, changes: [{ field: "title", oldValue: "A", newValue: "Pay" }] });
    expect(toProto3Json("Event", event)).toEqual({
      eventId: "e1",
      projectId: "p1",
      sequence: "7",
      actorUserId: "alice",
      occurredAtMs: "1700000000001",
      changes: [{ field: "title", oldValue: "A", newValue: "Pay" }],
      workItemUpdated: {
        id: "i1",
        projectId: "p1",
        number: "42",
        itemType: "WORK_ITEM_TYPE_STORY",
        title: "Pay",
        status: "WORK_ITEM_STATUS_IN_PROGRESS",
        priority: "PRIORITY_HIGH",
        version: "3",
        labels: ["a"],
        createdAtMs: "1700000000000",
      },
    });
  });

  it("writes a set proto3 optional field even at its default", () => {
    expect(toProto3Json("WorkItem", { ...item, storyPoints: 0 })).toMatchObject({ storyPoints: 0 });
    expect(toProto3Json("WorkItem", item)).not.toHaveProperty("storyPoints");
  });
});

describe("toRestJson and its schema", () => {
  it("writes every field by its proto name, enums by short name, unset optionals as null", () => {
    const json = toRestJson("WorkItem", item);
    expect(json).toMatchObject({ id: "i1", number: 42, item_type: "story", status: "in_progress", priority: "high", story_points: null, deleted_at_ms: 0, labels: ["a"] });
    const schema = restJsonSchema("WorkItem") as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(json).sort()).toEqual(Object.keys(schema.properties).sort());
    expect(schema.required.sort()).toEqual(Object.keys(json).sort());
    expect(schema.properties["status"]).toEqual({ type: "string", enum: ["unspecified", "backlog", "todo", "in_progress", "in_review", "done"] });
  });

  it("maps enum names both ways", () => {
    expect(enumRestName("WorkItemStatus", WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW)).toBe("in_review");
    expect(enumFromRestName("Priority", "critical")).toBe(Priority.PRIORITY_CRITICAL);
    expect(enumFromRestName("Priority", "urgent")).toBeUndefined();
  });

  it("names the Event.change cases, presence left out", () => {
    const names = eventChangeNames();
    expect(names).toContain("work_item_updated");
    expect(names).toContain("sprint_completed");
    expect(names).not.toContain("presence_joined");
    expect(names).not.toContain("event_id");
  });
});
