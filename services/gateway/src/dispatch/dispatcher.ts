import {
  AppError,
  counter,
  excerpt,
  MAX_MESSAGE_ID_CHARS,
  nameProblem,
  histogram,
  InvalidArgumentError,
  toAppError,
  UnauthenticatedError,
  UnavailableError,
  UnimplementedError,
  type Logger,
  type ReplicaRouter,
  type TokenVerifier,
} from "@agileboard/kit";
import { Error as ErrorMessage, Ping, Pong, RefreshToken, TokenRefreshed, Unsubscribe } from "@agileboard/proto";
import { decodeSubscribe } from "../fanout/subscribe-request.js";
import { MAX_SUBSCRIPTIONS_PER_CONNECTION, type Subscriptions } from "../fanout/subscriptions.js";
import type { Connection } from "../ws/connection.js";
import { mergeActivity } from "./activity-merge.js";
import { encodeServerFrame, MalformedFrameError, parseClientFrame, SERVER_FRAME_ERROR } from "./frame-codec.js";
import type { DispatchTable, LocalCase, Route, ServiceName } from "./table.js";

const framesHandled = counter("agileboard_gateway_requests_total", "Client requests handled, by case and outcome.", ["op", "outcome"]);
const rpcDuration = histogram("agileboard_gateway_rpc_duration_seconds", "Time from frame to reply for forwarded requests.", ["op", "service"]);

/** What the dispatcher needs from the rest of the gateway. */
export interface DispatcherDeps {
  table: DispatchTable;
  routers: Readonly<Record<ServiceName, ReplicaRouter>>;
  subscriptions: Subscriptions;
  verifier: TokenVerifier;
  logger: Logger;
  /** ServerFrame fields of the replies the gateway builds itself. */
  replyFields: { pong: number; tokenRefreshed: number };
  /** True while the gateway drains for shutdown. */
  isDraining: () => boolean;
}

/**
 * Serves one ClientFrame: parse the envelope, look the case up in the dispatch table, and either answer
 * locally or forward the request bytes, unchanged, to the owning service; the reply bytes go back into a
 * ServerFrame unchanged too. Every frame gets exactly one reply or error, and no failure closes the socket.
 */
export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  async handle(conn: Connection, frame: Uint8Array): Promise<void> {
    let messageId = "";
    let op = "unparsed";
    try {
      const parts = parseClientFrame(frame);
      messageId = parts.messageId;
      if (parts.caseNumber === 0) throw new InvalidArgumentError("frame carries no request", [{ field: "request", description: "is required" }]);
      const route = this.deps.table.get(parts.caseNumber);
      if (!route) throw new UnimplementedError(`request case ${parts.caseNumber} is not supported by this server`);
      op = route.caseName;
      const idProblem = nameProblem(messageId, MAX_MESSAGE_ID_CHARS);
      if (idProblem) throw new InvalidArgumentError(`'message_id' ${idProblem}`, [{ field: "message_id", description: idProblem }]);
      if (this.deps.isDraining()) throw new UnavailableError("server is shutting down; reconnect");
      if (Date.now() >= conn.identity.expiresAtMs) throw new UnauthenticatedError("token expired");
      conn.inFlight++;
      try {
        await this.serve(conn, route, messageId, parts.body);
      } finally {
        conn.inFlight--;
      }
      framesHandled.inc({ op, outcome: "ok" });
    } catch (err) {
      const error = err instanceof MalformedFrameError ? new InvalidArgumentError(err.message) : toAppError(err);
      framesHandled.inc({ op, outcome: AppError.prototype.isPrototypeOf(error) ? error.name : "InternalError" });
      if (error.name === "InternalError") this.deps.logger.error({ err, conn_id: conn.id, op, message_id: excerpt(messageId) }, "request failed");
      this.sendError(conn, messageId, error);
    }
  }

  /** Sends an error frame. */
  sendError(conn: Connection, messageId: string, error: AppError): void {
    conn.send(encodeServerFrame(messageId, SERVER_FRAME_ERROR, ErrorMessage.encode(error.toMessage()).finish(), Date.now()));
  }

  private async serve(conn: Connection, route: Route, messageId: string, body: Uint8Array): Promise<void> {
    switch (route.kind) {
      case "local":
        return this.serveLocal(conn, route.caseName, messageId, body);
      case "unary": {
        const started = process.hrtime.bigint();
        const metadata = await conn.metadataFor(route.service, messageId);
        const reply = await this.deps.routers[route.service].callRaw(conn.tenantId, route.path, Buffer.from(body), metadata);
        rpcDuration.observe({ op: route.caseName, service: route.service }, Number(process.hrtime.bigint() - started) / 1e9);
        conn.send(encodeServerFrame(messageId, route.replyField, reply, Date.now()));
        return;
      }
      case "merge": {
        // The one case several services answer is list_activity (the dispatch table test asserts it).
        const reply = await mergeActivity(route.targets, body, async (service, path, request) =>
          this.deps.routers[service].callRaw(conn.tenantId, path, Buffer.from(request), await conn.metadataFor(service, messageId)),
        );
        conn.send(encodeServerFrame(messageId, route.replyField, reply, Date.now()));
        return;
      }
    }
  }

  private async serveLocal(conn: Connection, caseName: LocalCase, messageId: string, body: Uint8Array): Promise<void> {
    switch (caseName) {
      case "ping": {
        const pong = Pong.encode({ clientTimeMs: decodeRequest(Ping, body).clientTimeMs }).finish();
        conn.send(encodeServerFrame(messageId, this.deps.replyFields.pong, pong, Date.now()));
        return;
      }
      case "subscribe":
        return this.deps.subscriptions.subscribe(conn, messageId, decodeSubscribe(body, MAX_SUBSCRIPTIONS_PER_CONNECTION));
      case "unsubscribe":
        return this.deps.subscriptions.unsubscribe(conn, messageId, decodeRequest(Unsubscribe, body));
      case "refresh_token": {
        const { token } = decodeRequest(RefreshToken, body);
        const verified = await this.deps.verifier.verify(token);
        if (verified.tenantId !== conn.tenantId || verified.userId !== conn.userId) {
          throw new UnauthenticatedError("the new token is for another tenant or user");
        }
        conn.refresh(verified);
        const reply = TokenRefreshed.encode({ expiresAtMs: verified.expiresAtMs }).finish();
        conn.send(encodeServerFrame(messageId, this.deps.replyFields.tokenRefreshed, reply, Date.now()));
        return;
      }
    }
  }
}

/** Decodes a request the gateway answers itself; bytes that are not that message are INVALID_ARGUMENT. */
function decodeRequest<T>(type: { decode(bytes: Uint8Array): T }, body: Uint8Array): T {
  try {
    return type.decode(body);
  } catch (err) {
    throw new InvalidArgumentError("request is not a valid message of its case", [], { cause: err });
  }
}
