// tcpRoundTrip: a 64-byte message echoed by another process over loopback, one round trip at a time.
import { connect } from "node:net";
import type { LatencySummary } from "./index.js";
import { Child } from "./processes.js";
import { summarize } from "./stats.js";
import { sequentialLatencies, type Budget } from "./timing.js";

const MESSAGE_BYTES = 64;

export async function measureTcpRoundTrip(budget: Budget): Promise<LatencySummary> {
  const echo = await Child.start<{ port: number }>("tcp-echo");
  const socket = connect(echo.info.port, "127.0.0.1");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.setNoDelay(true);
    const message = Buffer.alloc(MESSAGE_BYTES, 7);
    let waiting: (() => void) | undefined;
    let received = 0;
    // The echo may come back in several chunks: a round trip ends when all the bytes are back.
    socket.on("data", (chunk) => {
      received += chunk.length;
      if (received >= MESSAGE_BYTES && waiting) {
        received -= MESSAGE_BYTES;
        const done = waiting;
        waiting = undefined;
        done();
      }
    });
    const samples = await sequentialLatencies(budget, () => {
      const back = new Promise<void>((resolve) => (waiting = resolve));
      socket.write(message);
      return back;
    });
    return summarize(samples);
  } finally {
    socket.destroy();
    echo.kill();
  }
}
