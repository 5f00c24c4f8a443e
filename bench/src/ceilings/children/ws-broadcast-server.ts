// One ws server broadcasting a frame to every subscriber socket, the product's way (socket.send per
// connection). Runs its rounds closed loop: the next one when every client process (on /control)
// has acknowledged that all its sockets got the previous one.
import { WebSocketServer, type WebSocket } from "ws";
import { encodeFrame } from "../frame.js";
import { sharedClockMs } from "../stats.js";
import { portOf, serve } from "./ipc.js";

const subscribers = new Set<WebSocket>();
const controls = new Set<WebSocket>();
let acks = 0;
let onAck: (() => void) | undefined;

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, backlog: 4096 });
wss.on("connection", (socket, request) => {
  const set = request.url === "/control" ? controls : subscribers;
  set.add(socket);
  socket.on("close", () => set.delete(socket));
  socket.on("error", () => socket.terminate());
  if (set === controls) {
    socket.on("message", () => {
      acks++;
      onAck?.();
    });
  }
});

interface RunArgs {
  /** Stop after this many rounds or this long, whichever first. */
  rounds: number;
  durationMs: number;
  /** Idle time between one round's last ack and the next round, ms. */
  gapMs: number;
  record: boolean;
}

let seq = 0;

async function run({ rounds, durationMs, gapMs, record }: RunArgs): Promise<{ rounds: number; elapsedMs: number }> {
  const start = performance.now();
  let done = 0;
  while (done < rounds && performance.now() - start < durationMs) {
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    acks = 0;
    const allAcked = new Promise<void>((resolve) => {
      onAck = () => acks >= controls.size && resolve();
    });
    const frame = encodeFrame({ seq: seq++, sentAtMs: sharedClockMs(), record });
    for (const socket of subscribers) socket.send(frame, { binary: true });
    await allAcked;
    done++;
  }
  onAck = undefined;
  return { rounds: done, elapsedMs: performance.now() - start };
}

wss.on("listening", () => {
  const address = wss.address();
  serve(
    { counts: () => ({ subscribers: subscribers.size, controls: controls.size }), run: (a: RunArgs) => run(a) },
    { port: portOf(address) },
  );
});
