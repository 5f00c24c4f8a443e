// The pipeline's "front": a ws server turning each client frame into a gRPC call to the store and
// sending the call's reply back on the same socket.
import { WebSocketServer } from "ws";
import { wsBytes } from "../frame.js";
import { rawCall, rawClient } from "../grpc.js";
import { childArgs, portOf, serve } from "./ipc.js";

const { storePort } = childArgs<{ storePort: number }>();
const store = rawClient(storePort);
let failures = 0;

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
wss.on("connection", (socket) => {
  socket.on("error", () => socket.terminate());
  socket.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
    rawCall(store, Buffer.from(wsBytes(data))).then(
      (reply) => socket.send(reply, { binary: true }),
      () => failures++,
    );
  });
});
wss.on("listening", () => {
  const address = wss.address();
  serve({ stats: () => ({ failures }) }, { port: portOf(address) });
});
