// Echoes every byte back on loopback TCP: the far end of the tcpRoundTrip ceiling.
import { createServer } from "node:net";
import { portOf, serve } from "./ipc.js";

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on("data", (chunk) => socket.write(chunk));
  socket.on("error", () => socket.destroy());
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  serve({}, { port: portOf(address) });
});
