// The pipeline's "store": a gRPC server whose one call commits the move transaction on a WAL
// database, replies, then publishes the change to JetStream awaiting the ack (the product's bus;
// like the product, whose outbox relay publishes after the commit, the reply does not wait for it).
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { connect } from "nats";
import { rawService } from "../grpc-def.js";
import { openMoveDb } from "../move-db.js";
import { childArgs, serve } from "./ipc.js";

const { natsUrl, subject, dir } = childArgs<{ natsUrl: string; subject: string; dir: string }>();
const db = openMoveDb(dir);
const js = (await connect({ servers: natsUrl })).jetstream();
let publishFailures = 0;

const server = new Server();
server.addService(rawService, {
  Call: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
    try {
      db.move(call.request);
    } catch (err) {
      callback(err as Error);
      return;
    }
    // The reply carries the change's header (seq and stamp) back to the writer.
    callback(null, call.request.subarray(0, 16));
    js.publish(subject, call.request).catch(() => publishFailures++);
  },
});
server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  serve({ stats: () => ({ publishFailures }) }, { port });
});
