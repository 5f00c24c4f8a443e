// Holds many client sockets on one ws server. Per frame, notes when the last of its sockets got it;
// with a control socket, acknowledges each fully delivered frame to the server (closing its loop).
import { WebSocket } from "ws";
import { decodeFrame, wsBytes } from "../frame.js";
import { sharedClockMs } from "../stats.js";
import { childArgs, serve } from "./ipc.js";

const { url, count, control } = childArgs<{ url: string; count: number; control: boolean }>();
const CONNECT_BATCH = 200;

const seen = new Map<number, number>();
const samples: number[] = [];
let controlSocket: WebSocket | undefined;

function open(target: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target, { perMessageDeflate: false });
    socket.once("open", () => resolve(socket));
    // Kept for the socket's life: an unhandled 'error' would end the process.
    socket.on("error", reject);
  });
}

function onFrame(data: Buffer | ArrayBuffer | Buffer[]): void {
  const now = sharedClockMs();
  const h = decodeFrame(wsBytes(data));
  const got = (seen.get(h.seq) ?? 0) + 1;
  if (got < count) {
    seen.set(h.seq, got);
    return;
  }
  seen.delete(h.seq);
  if (h.record) samples.push(now - h.sentAtMs);
  controlSocket?.send(Buffer.from(Uint32Array.of(h.seq).buffer));
}

const sockets: WebSocket[] = [];
// In batches: thousands of simultaneous handshakes would overflow the listen backlog.
for (let i = 0; i < count; i += CONNECT_BATCH) {
  const batch = await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, () => open(url)));
  for (const socket of batch) {
    socket.on("message", onFrame);
    sockets.push(socket);
  }
}
if (control) controlSocket = await open(`${url}/control`);

serve({
  collect: () => samples.splice(0),
  close: () => {
    for (const socket of sockets) socket.terminate();
    controlSocket?.terminate();
  },
});
