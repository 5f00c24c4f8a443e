import { ClientFrame, Event, MoveWorkItemRequest, ServerFrame, WorkItemStatus } from "@agileboard/proto";
import { describe, expect, it } from "vitest";
import { encodeEventFrame, encodeServerFrame, MalformedFrameError, parseClientFrame, peekMessageId } from "./frame-codec.js";

describe("parseClientFrame", () => {
  it("reads the message id and the request bytes without decoding them", () => {
    const request = { workItemId: "w", expectedVersion: 3, status: WorkItemStatus.WORK_ITEM_STATUS_DONE, beforeId: "a", afterId: "" };
    const bytes = ClientFrame.encode({ messageId: "m-1", request: { $case: "moveWorkItem", value: request } }).finish();
    const parts = parseClientFrame(bytes);
    expect(parts.messageId).toBe("m-1");
    expect(parts.caseNumber).toBe(32);
    expect(ClientFrame.decode(bytes).request?.value).toEqual(request);
    expect(Buffer.from(parts.body)).toEqual(Buffer.from(MoveWorkItemRequest.encode(request).finish()));
  });

  it("reports no case for a frame without a request", () => {
    expect(parseClientFrame(ClientFrame.encode({ messageId: "m", request: undefined }).finish()).caseNumber).toBe(0);
  });

  it("throws MalformedFrameError on bytes that are not protobuf", () => {
    expect(() => parseClientFrame(Uint8Array.from([0x0a, 0xff, 0xff]))).toThrow(MalformedFrameError);
    expect(peekMessageId(Uint8Array.from([0x0a, 0xff]))).toBe("");
  });
});

describe("encodeServerFrame", () => {
  it("wraps encoded reply bytes into the payload case", () => {
    const pong = Uint8Array.from([0x08, 0x2a]); // Pong{client_time_ms: 42}
    const frame = ServerFrame.decode(encodeServerFrame("m-1", 10, pong, 1234));
    expect(frame).toEqual({ messageId: "m-1", serverTimeMs: 1234, payload: { $case: "pong", value: { clientTimeMs: 42 } } });
  });
});

describe("encodeEventFrame", () => {
  it("appends the sequence to the stored event so clients decode it as Event.sequence", () => {
    const stored = Event.encode({
      eventId: "e-1",
      projectId: "p",
      sequence: 0,
      actorUserId: "alice",
      occurredAtMs: 5,
      changes: [{ field: "title", oldValue: "a", newValue: "b" }],
      change: undefined,
    }).finish();
    const frame = ServerFrame.decode(encodeEventFrame("e-1", stored, 987_654_321_012, 77));
    expect(frame.messageId).toBe("e-1");
    expect(frame.payload?.$case).toBe("event");
    if (frame.payload?.$case === "event") {
      expect(frame.payload.value).toMatchObject({ eventId: "e-1", projectId: "p", sequence: 987_654_321_012, actorUserId: "alice" });
      expect(frame.payload.value.changes).toEqual([{ field: "title", oldValue: "a", newValue: "b" }]);
    }
  });
});
