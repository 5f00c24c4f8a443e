// A gRPC unary echo: the far end of the grpcUnary ceiling.
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { rawService } from "../grpc-def.js";
import { serve } from "./ipc.js";

const server = new Server();
server.addService(rawService, {
  Call: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => callback(null, call.request),
});
server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  serve({}, { port });
});
