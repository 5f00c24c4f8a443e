// The pipeline's load: one writer socket on the front and N subscriber sockets on the edge.
// A change is done when its reply came back and all N subscribers have it.
import { WebSocket } from "ws";
import { decodeFrame, encodeFrame, wsBytes } from "../frame.js";
import { sharedClockMs } from "../stats.js";
import { childArgs, serve } from "./ipc.js";

const { frontUrl, edgeUrl, subscribers } = childArgs<{ frontUrl: string; edgeUrl: string; subscribers: number }>();

interface Change {
  sentAtMs: number;
  record: boolean;
  replyMs?: number;
  got: number;
  lastMs?: number;
}

const changes = new Map<number, Change>();
const replySamples: number[] = [];
const lastSamples: number[] = [];
let nextSeq = 1;
let completed = 0;
let onComplete: (() => void) | undefined;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once("open", () => resolve(socket));
    socket.on("error", reject);
  });
}

function finishIfDone(seq: number, c: Change): void {
  if (c.replyMs === undefined || c.lastMs === undefined) return;
  changes.delete(seq);
  if (c.record) {
    replySamples.push(c.replyMs);
    lastSamples.push(c.lastMs);
  }
  completed++;
  onComplete?.();
}

const writer = await open(frontUrl);
writer.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
  const now = sharedClockMs();
  const { seq } = decodeFrame(wsBytes(data));
  const c = changes.get(seq);
  if (!c) return;
  c.replyMs = now - c.sentAtMs;
  finishIfDone(seq, c);
});
const sockets = await Promise.all(Array.from({ length: subscribers }, () => open(edgeUrl)));
for (const socket of sockets) {
  socket.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
    const now = sharedClockMs();
    const { seq } = decodeFrame(wsBytes(data));
    const c = changes.get(seq);
    if (!c || ++c.got < subscribers) return;
    c.lastMs = now - c.sentAtMs;
    finishIfDone(seq, c);
  });
}

function send(record: boolean): void {
  const seq = nextSeq++;
  const sentAtMs = sharedClockMs();
  changes.set(seq, { sentAtMs, record, got: 0 });
  writer.send(encodeFrame({ seq, sentAtMs, record }), { binary: true });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (up to `timeoutMs`) for the changes still in flight; returns how many never completed. */
async function drain(timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (changes.size > 0 && performance.now() < deadline) await sleep(10);
  const lost = changes.size;
  changes.clear();
  return lost;
}

/** Open loop: a change every 1000/rate ms on a fixed schedule, whatever the replies do. */
async function openLoop({ perSecond, durationMs }: { perSecond: number; durationMs: number }) {
  replySamples.length = 0;
  lastSamples.length = 0;
  const interval = 1000 / perSecond;
  const start = performance.now();
  for (let i = 0; i * interval < durationMs; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    send(true);
  }
  const lost = await drain(5_000);
  return { reply: replySamples.splice(0), lastSubscriber: lastSamples.splice(0), lost };
}

/** Closed loop: `inFlight` changes outstanding, a new one as each completes; completed changes per second. */
async function closedLoop({ inFlight, durationMs }: { inFlight: number; durationMs: number }) {
  const start = performance.now();
  let stopped = false;
  const startCompleted = completed;
  onComplete = () => {
    if (!stopped) send(false);
  };
  for (let i = 0; i < inFlight; i++) send(false);
  await sleep(durationMs);
  stopped = true;
  const done = completed - startCompleted;
  const elapsedMs = performance.now() - start;
  onComplete = undefined;
  const lost = await drain(5_000);
  return { completed: done, elapsedMs, lost };
}

serve({
  openLoop: (a: { perSecond: number; durationMs: number }) => openLoop(a),
  closedLoop: (a: { inFlight: number; durationMs: number }) => closedLoop(a),
});
