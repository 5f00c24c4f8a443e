import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { counter, type Logger, type TokenVerifier, type VerifiedToken } from "@agileboard/kit";
import type { WebSocket, WebSocketServer } from "ws";
import type { ConnectionRegistry } from "./registry.js";

/** The subprotocol a client offers (beside `bearer.<jwt>`) and the server selects. */
export const SUBPROTOCOL = "agileboard.v1";
const BEARER_SUBPROTOCOL_PREFIX = "bearer.";

const upgradesRejected = counter("agileboard_gateway_upgrades_rejected_total", "WebSocket upgrades refused, by reason.", ["reason"]);

/** What the upgrade handler needs. */
export interface UpgradeDeps {
  wss: WebSocketServer;
  verifier: TokenVerifier;
  registry: ConnectionRegistry;
  logger: Logger;
  isDraining: () => boolean;
  /** A socket passed every check: the connection is the caller's now. */
  onConnection: (socket: WebSocket, identity: VerifiedToken) => void;
}

/** The token of an upgrade request: `Authorization: Bearer <jwt>`, or a `bearer.<jwt>` subprotocol (browsers). */
export function tokenOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match?.[1]) return match[1];
  }
  const protocols = req.headers["sec-websocket-protocol"];
  if (protocols) {
    for (const p of protocols.split(",")) {
      const value = p.trim();
      if (value.startsWith(BEARER_SUBPROTOCOL_PREFIX)) return value.slice(BEARER_SUBPROTOCOL_PREFIX.length);
    }
  }
  return undefined;
}

function refuse(socket: Duplex, status: 401 | 404 | 503, reason: string): void {
  const text = { 401: "Unauthorized", 404: "Not Found", 503: "Service Unavailable" }[status];
  const body = `${reason}\n`;
  const extra = status === 401 ? `WWW-Authenticate: Bearer error="invalid_token"\r\n` : "";
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}

/**
 * Handles `GET /ws` upgrades before any WebSocket exists: no valid token → 401, limits reached or shutting
 * down → 503, otherwise the upgrade completes and the caller gets the socket with the verified identity.
 */
export function createUpgradeHandler(deps: UpgradeDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/ws") {
      refuse(socket, 404, "WebSocket endpoint is /ws");
      return;
    }
    if (deps.isDraining()) {
      upgradesRejected.inc({ reason: "draining" });
      refuse(socket, 503, "server is shutting down; connect to another replica");
      return;
    }
    const token = tokenOf(req);
    if (!token) {
      upgradesRejected.inc({ reason: "no token" });
      refuse(socket, 401, "missing token: send Authorization: Bearer <jwt> or the subprotocol bearer.<jwt>");
      return;
    }
    deps.verifier.verify(token).then(
      (identity) => {
        const reserved = deps.registry.reserve(identity.tenantId);
        if (reserved !== "ok") {
          upgradesRejected.inc({ reason: reserved });
          refuse(socket, 503, `connection limit reached (${reserved})`);
          return;
        }
        if (socket.destroyed) {
          deps.registry.release(identity.tenantId);
          return;
        }
        // ws answers a malformed handshake itself and never calls back: give the slot back then.
        let handedOver = false;
        socket.once("close", () => {
          if (!handedOver) deps.registry.release(identity.tenantId);
        });
        deps.wss.handleUpgrade(req, socket, head, (ws) => {
          handedOver = true;
          deps.onConnection(ws, identity);
        });
      },
      (err: unknown) => {
        upgradesRejected.inc({ reason: "bad token" });
        deps.logger.debug({ err }, "upgrade refused");
        refuse(socket, 401, err instanceof Error ? err.message : "invalid token");
      },
    );
  };
}
