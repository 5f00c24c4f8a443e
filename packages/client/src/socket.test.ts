import { describe, expect, it } from "vitest";
import { newMessageId } from "./client.js";
import { messageBytes, refusedStatus, webSocketUrl } from "./socket.js";

describe("webSocketUrl", () => {
  it.each([
    ["http://127.0.0.1:8080", "ws://127.0.0.1:8080/ws"],
    ["https://board.example.com/", "wss://board.example.com/ws"],
    ["wss://board.example.com/ws", "wss://board.example.com/ws"],
    ["ws://gw:9000/custom/ws", "ws://gw:9000/custom/ws"],
  ])("turns %s into %s", (url, expected) => {
    expect(webSocketUrl(url)).toBe(expected);
  });
});

describe("messageBytes", () => {
  it("reads an ArrayBuffer, a typed array view and nothing from text", () => {
    expect(messageBytes(new Uint8Array([1, 2, 3]).buffer)).toEqual(new Uint8Array([1, 2, 3]));
    const view = new Uint8Array([9, 1, 2, 9]).subarray(1, 3);
    expect(messageBytes(view)).toEqual(new Uint8Array([1, 2]));
    expect(messageBytes("text")).toBeUndefined();
  });
});

describe("refusedStatus", () => {
  it("reads the status ws reports for a refused upgrade, and nothing from a browser's bare error event", () => {
    expect(refusedStatus({ message: "Unexpected server response: 401" })).toBe(401);
    expect(refusedStatus({ message: "connect ECONNREFUSED 127.0.0.1:1" })).toBeUndefined();
    expect(refusedStatus({ type: "error" })).toBeUndefined();
    expect(refusedStatus(null)).toBeUndefined();
  });
});

describe("newMessageId", () => {
  it("makes distinct UUID v4s", () => {
    const ids = Array.from({ length: 100 }, () => newMessageId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(100);
  });

  it("builds them from getRandomValues where randomUUID is missing (insecure contexts)", () => {
    Object.defineProperty(crypto, "randomUUID", { value: undefined, configurable: true });
    try {
      const ids = Array.from({ length: 100 }, () => newMessageId());
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(ids).size).toBe(100);
    } finally {
      delete (crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof crypto.randomUUID).toBe("function");
  });
});
