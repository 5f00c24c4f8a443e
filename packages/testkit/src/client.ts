import { randomUUID } from "node:crypto";
import { ClientFrame, ErrorCode, ServerFrame, type Event } from "@agileboard/proto";
import WebSocket from "ws";
import { waitFor } from "./wait.js";

/** A ClientFrame request case and its value, e.g. `{ $case: "createProject", value: {...} }`. */
export type ClientRequest = NonNullable<ClientFrame["request"]>;
/** A ServerFrame payload. */
export type ServerPayload = NonNullable<ServerFrame["payload"]>;
/** The reply value of a payload case. */
export type PayloadOf<C extends ServerPayload["$case"]> = Extract<ServerPayload, { $case: C }>["value"];

/** An `Error` reply, thrown by `expect` helpers. */
export class ReplyError extends Error {
  constructor(readonly reply: PayloadOf<"error">) {
    super(`${ErrorCode[reply.code]}: ${reply.message}`);
  }
}

/** How the token travels on the upgrade. */
export type TokenTransport = "header" | "subprotocol";

/** The upgrade was refused with an HTTP status. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused: HTTP ${status} ${body.trim()}`);
  }
}

/**
 * A WebSocket client speaking the agileboard.v1 protocol, for tests: sends ClientFrames, matches replies by
 * message_id, and records every frame that is not a reply (events, notices) in order.
 */
export class TestClient {
  /** Frames that answered no request of this client (events and notices), in arrival order. */
  readonly unsolicited: ServerFrame[] = [];
  /** Every frame received, in order. */
  readonly received: ServerFrame[] = [];
  private readonly pending = new Map<string, (frame: ServerFrame) => void>();
  /** Close code and reason once closed. */
  closeInfo: { code: number; reason: string } | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
      });
    });
    socket.on("message", (data: Buffer, isBinary) => {
      if (!isBinary) throw new Error("server sent a text frame");
      const frame = ServerFrame.decode(data);
      this.received.push(frame);
      const resolve = this.pending.get(frame.messageId);
      if (resolve) {
        this.pending.delete(frame.messageId);
        resolve(frame);
      } else {
        this.unsolicited.push(frame);
      }
    });
  }

  /** Opens `ws://…/ws` with a token; rejects with UpgradeRefused when the server refuses. */
  static connect(baseUrl: string, token: string | undefined, opts: { via?: TokenTransport; protocols?: string[] } = {}): Promise<TestClient> {
    const url = `${baseUrl.replace(/^http/, "ws")}/ws`;
    const via = opts.via ?? "header";
    const protocols = opts.protocols ?? (via === "subprotocol" && token ? ["agileboard.v1", `bearer.${token}`] : ["agileboard.v1"]);
    const headers: Record<string, string> = via === "header" && token ? { authorization: `Bearer ${token}` } : {};
    const socket = new WebSocket(url, protocols, { headers, maxPayload: 64 * 1024 * 1024 });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new TestClient(socket)));
      socket.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
      });
      socket.once("error", reject);
    });
  }

  /** Sends a request and resolves with the reply frame (result or error). */
  request(request: ClientRequest, messageId: string = randomUUID()): Promise<ServerFrame> {
    const reply = this.awaitReply(messageId, request.$case);
    this.sendRaw(ClientFrame.encode({ messageId, request }).finish());
    return reply;
  }

  private awaitReply(messageId: string, what: string): Promise<ServerFrame> {
    return new Promise<ServerFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(messageId);
        reject(new Error(`no reply to ${what} (${messageId}) within 10 s`));
      }, 10_000);
      this.pending.set(messageId, (frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  /** Sends raw frame bytes that carry `messageId` and resolves with the frame answering it. */
  requestRaw(bytes: Uint8Array, messageId: string): Promise<ServerFrame> {
    const reply = this.awaitReply(messageId, "raw frame");
    this.sendRaw(bytes);
    return reply;
  }

  /** Sends a request and returns its reply payload of case `expected`; throws ReplyError on an Error reply. */
  async expect<C extends ServerPayload["$case"]>(expected: C, request: ClientRequest, messageId?: string): Promise<PayloadOf<C>> {
    const frame = await this.request(request, messageId);
    const payload = frame.payload;
    if (payload?.$case === "error") throw new ReplyError(payload.value);
    if (payload?.$case !== expected) throw new Error(`expected ${expected}, got ${payload?.$case ?? "nothing"}`);
    return payload.value as PayloadOf<C>;
  }

  /** Sends a request that must fail; returns the Error. */
  async expectError(request: ClientRequest, messageId?: string): Promise<PayloadOf<"error">> {
    const frame = await this.request(request, messageId);
    if (frame.payload?.$case !== "error") throw new Error(`expected an error, got ${frame.payload?.$case ?? "nothing"}`);
    return frame.payload.value;
  }

  /** Sends bytes as one binary frame. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.send(bytes, { binary: true });
  }

  /** Sends a text frame. */
  sendText(text: string): void {
    this.socket.send(text, { binary: false });
  }

  /** Events received so far, in order. */
  get events(): Event[] {
    return this.unsolicited.flatMap((f) => (f.payload?.$case === "event" ? [f.payload.value] : []));
  }

  /** Waits until an event matching `predicate` has arrived, and returns it. */
  async waitForEvent(predicate: (e: Event) => boolean, timeoutMs = 5_000): Promise<Event> {
    let found: Event | undefined;
    await waitFor(() => (found = this.events.find(predicate)) !== undefined, timeoutMs, "event");
    return found as Event;
  }

  /** Waits until `count` events have arrived. */
  async waitForEvents(count: number, timeoutMs = 5_000): Promise<Event[]> {
    await waitFor(() => this.events.length >= count, timeoutMs, `${count} events (have ${this.events.length})`);
    return this.events;
  }

  close(): void {
    this.socket.close(1000);
  }
}
