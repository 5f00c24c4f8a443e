// A subscriber process (child_process.fork): holds many sockets so the runner's mover is never starved by
// the frames they receive. Per event key (work item id:version) it keeps the first and last arrival and how
// many of its sockets had it; the runner merges the workers' tables. Clocks: performance.timeOrigin + now().
//
// Two kinds of subscriber: "sdk" — @agileboard/client's subscribe() (card moves, many projects: the real
// client path, resume and dedup included); "thin" — a bare `ws` socket that sends Subscribe and reads only the
// fields it needs from event frames (fan-out and idle connections: thousands of SDK clients with their timers
// and full decoding would measure the load generator, not the gateway).
import WebSocket from "ws";
import { connect, type AgileboardClient } from "@agileboard/client";
import { ClientFrame, ServerFrame } from "@agileboard/proto/wire";
import type { ToWorker, FromWorker, SocketSpec } from "./worker-protocol.js";

const now = (): number => performance.timeOrigin + performance.now();

interface Agg {
  first: number;
  last: number;
  count: number;
}
let table = new Map<string, Agg>();
let perSocket = new Int32Array(0);
let frames = 0;
let closes = 0;
let closeCodes: Record<string, number> = {};
let errors: string[] = [];
const clients: AgileboardClient[] = [];
const sockets: WebSocket[] = [];

function record(key: string, socket: number): void {
  const t = now();
  perSocket[socket] = (perSocket[socket] ?? 0) + 1;
  const a = table.get(key);
  if (a) {
    a.count++;
    if (t > a.last) a.last = t;
  } else table.set(key, { first: t, last: t, count: 1 });
}

function noteError(message: string): void {
  if (errors.length < 20) errors.push(message);
}

// ——— a minimal protobuf reader: ServerFrame.event(90) → Event.work_item_*(10..12) → WorkItem.id(1), version(14) ———

function varint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 1;
  for (;;) {
    const b = buf[pos++] ?? 0;
    result += (b & 0x7f) * shift;
    if (b < 0x80) return [result, pos];
    shift *= 128;
  }
}

/** Walks the fields of buf[start, end); calls visit(field, wireType, valueStart, valueEnd or varint value). */
function fields(buf: Uint8Array, start: number, end: number, visit: (field: number, wire: number, a: number, b: number) => void): void {
  let pos = start;
  while (pos < end) {
    const [tag, p1] = varint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const [v, p2] = varint(buf, p1);
      visit(field, wire, v, 0);
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = varint(buf, p1);
      visit(field, wire, p2, p2 + len);
      pos = p2 + len;
    } else if (wire === 1) pos = p1 + 8;
    else if (wire === 5) pos = p1 + 4;
    else return;
  }
}

const decoder = new TextDecoder();

/** The event key of a work item event frame, "" for any other event, undefined for a non-event frame. */
function eventKey(buf: Uint8Array): string | undefined {
  let evStart = -1;
  let evEnd = -1;
  fields(buf, 0, buf.length, (f, w, a, b) => {
    if (f === 90 && w === 2) [evStart, evEnd] = [a, b];
  });
  if (evStart < 0) return undefined;
  let key = "";
  fields(buf, evStart, evEnd, (f, w, a, b) => {
    if (w !== 2 || f < 10 || f > 12) return;
    let id = "";
    let version = 0;
    fields(buf, a, b, (f2, w2, a2, b2) => {
      if (f2 === 1 && w2 === 2) id = decoder.decode(buf.subarray(a2, b2));
      else if (f2 === 14 && w2 === 0) version = a2;
    });
    key = `${id}:${version}`;
  });
  return key;
}

function openThin(url: string, token: string, projectId: string, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`, ["agileboard.v1", `bearer.${token}`], { perMessageDeflate: false });
    ws.binaryType = "nodebuffer";
    let subscribed = false;
    const timer = setTimeout(() => reject(new Error("no Subscribed within 60 s")), 60_000);
    ws.on("open", () => {
      ws.send(ClientFrame.encode({ messageId: `sub-${index}`, request: { $case: "subscribe", value: { projectIds: [projectId], resumeAfter: {} } } }).finish());
    });
    ws.on("message", (data: Buffer) => {
      frames++;
      const key = eventKey(data);
      if (key !== undefined) {
        if (key !== "") record(key, index);
        return;
      }
      if (subscribed) return;
      const frame = ServerFrame.decode(data);
      if (frame.payload?.$case === "subscribed") {
        subscribed = true;
        clearTimeout(timer);
        resolve();
      } else if (frame.payload?.$case === "error") {
        clearTimeout(timer);
        reject(new Error(`subscribe refused: ${frame.payload.value.message}`));
      }
    });
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`upgrade refused: HTTP ${res.statusCode}`));
    });
    ws.on("error", (err) => {
      if (!subscribed) {
        clearTimeout(timer);
        reject(err);
      } else noteError(`socket ${index}: ${err.message}`);
    });
    ws.on("close", (code) => {
      closes++;
      closeCodes[code] = (closeCodes[code] ?? 0) + 1;
    });
    sockets.push(ws);
  });
}

async function openSdk(url: string, token: string, projectId: string, index: number): Promise<void> {
  const client = connect({ url, getToken: async () => token, WebSocket: WebSocket as never, requestTimeoutMs: 60_000, networkEvents: null });
  clients.push(client);
  client.onStateChange((s) => {
    if (s.status === "reconnecting") {
      closes++;
      closeCodes["sdk-reconnect"] = (closeCodes["sdk-reconnect"] ?? 0) + 1;
    }
  });
  const sub = client.subscribe(projectId, {
    onEvent(event) {
      frames++;
      const c = event.change;
      if (c && (c.$case === "workItemUpdated" || c.$case === "workItemCreated" || c.$case === "workItemDeleted")) record(`${c.value.id}:${c.value.version}`, index);
    },
    onResync() {
      noteError(`socket ${index}: resync`);
    },
    onError(err) {
      noteError(`socket ${index}: ${err.message}`);
    },
  });
  await sub.ready;
}

async function open(msg: Extract<ToWorker, { type: "open" }>): Promise<FromWorker> {
  const base = perSocket.length;
  const grown = new Int32Array(base + msg.sockets.length);
  grown.set(perSocket);
  perSocket = grown;
  let next = 0;
  let ok = 0;
  let failed = 0;
  const one = async (spec: SocketSpec, index: number): Promise<void> => {
    const token = msg.tokens[spec[0]] ?? "";
    const project = msg.projects[spec[1]] ?? "";
    try {
      await (msg.mode === "thin" ? openThin(msg.url, token, project, index) : openSdk(msg.url, token, project, index));
      ok++;
    } catch (err) {
      failed++;
      noteError(err instanceof Error ? err.message : String(err));
    }
    if ((ok + failed) % 500 === 0) send({ type: "progress", opened: ok, failed });
  };
  const lanes = Array.from({ length: Math.min(msg.concurrency, msg.sockets.length) }, async () => {
    while (next < msg.sockets.length) {
      const i = next++;
      const spec = msg.sockets[i];
      if (spec) await one(spec, base + i);
    }
  });
  await Promise.all(lanes);
  return { type: "opened", ok, failed, errors };
}

function send(msg: FromWorker): void {
  process.send?.(msg);
}

process.on("message", (msg: ToWorker & { id: number }) => {
  void (async () => {
    let reply: FromWorker;
    switch (msg.type) {
      case "open":
        reply = await open(msg);
        break;
      case "reset":
        table = new Map();
        perSocket.fill(0);
        frames = 0;
        closes = 0;
        closeCodes = {};
        errors = [];
        reply = { type: "ok" };
        break;
      case "collect": {
        const keys = [...table.keys()];
        const aggs = [...table.values()];
        let reached = 0;
        for (const n of perSocket) if (n > 0) reached++;
        reply = {
          type: "collected",
          keys,
          first: Float64Array.from(aggs, (a) => a.first),
          last: Float64Array.from(aggs, (a) => a.last),
          count: Int32Array.from(aggs, (a) => a.count),
          sockets: perSocket.length,
          socketsWithEvents: reached,
          frames,
          closes,
          closeCodes,
          errors,
        };
        break;
      }
      case "close":
        for (const s of sockets) s.terminate();
        await Promise.all(clients.map((c) => c.close()));
        reply = { type: "ok" };
        break;
    }
    process.send?.({ ...reply, id: msg.id });
  })();
});
process.on("disconnect", () => process.exit(0));
