// The pipeline's "edge": a second ws process following the stream with an ordered consumer (as the
// gateway does) and sending each change to every connected socket.
import { connect, DeliverPolicy, type JsMsg } from "nats";
import { WebSocketServer, type WebSocket } from "ws";
import { childArgs, portOf, serve } from "./ipc.js";

const { natsUrl, stream, subject } = childArgs<{ natsUrl: string; stream: string; subject: string }>();
const sockets = new Set<WebSocket>();

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
const listening = new Promise<void>((resolve) => wss.once("listening", resolve));
wss.on("connection", (socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
  socket.on("error", () => socket.terminate());
});

const nc = await connect({ servers: natsUrl });
const consumer = await nc.jetstream().consumers.get(stream, { filterSubjects: subject, deliver_policy: DeliverPolicy.New });
await consumer.consume({
  callback: (m: JsMsg) => {
    for (const socket of sockets) socket.send(m.data, { binary: true });
  },
});
await nc.flush();

await listening;
const address = wss.address();
serve({ sockets: () => sockets.size }, { port: portOf(address) });
