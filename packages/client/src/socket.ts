/**
 * A WebSocket constructor with the standard (WHATWG) interface: the browser's `WebSocket`, Node 22's global one,
 * or the `ws` package's default export in Node 20.
 */
export type WebSocketConstructor = new (url: string, protocols: string[]) => object;

/** The part of a standard WebSocket the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drops the TCP connection without a closing handshake. */
  terminate?(): void;
}

/** `readyState` of an open socket. */
export const OPEN = 1;

/** The subprotocol of the contract; the token travels beside it as `bearer.<jwt>`. */
export const SUBPROTOCOL = "agileboard.v1";

/** `ws://host/ws` for `http://host` (or `…/`); a ws(s) URL with a path is used as given. */
export function webSocketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === "http:") parsed.protocol = "ws:";
  if (parsed.protocol === "https:") parsed.protocol = "wss:";
  if (parsed.pathname === "" || parsed.pathname === "/") parsed.pathname = "/ws";
  return parsed.toString();
}

/** The bytes of a binary message (ArrayBuffer, or a typed array such as Node's Buffer); undefined for text. */
export function messageBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/**
 * The HTTP status of a refused upgrade, when the WebSocket implementation tells it: `ws` reports
 * "Unexpected server response: 401" on its error event. Browsers never expose it (undefined).
 */
export function refusedStatus(errorEvent: unknown): number | undefined {
  const message = (errorEvent as { message?: unknown } | null)?.message;
  if (typeof message !== "string") return undefined;
  const match = /Unexpected server response: (\d{3})/.exec(message);
  return match?.[1] ? Number(match[1]) : undefined;
}

const ignore = (): void => undefined;

/**
 * Lets go of a socket at once, whatever its state: its handlers become no-ops (an implementation such as `ws`
 * still emits "error" when a connecting socket is closed, and must find a listener) and it is dropped without
 * waiting for a closing handshake that a dead peer would never answer.
 */
export function discard(socket: WebSocketLike, code = 1000, reason = ""): void {
  socket.onopen = ignore;
  socket.onmessage = ignore;
  socket.onerror = ignore;
  socket.onclose = ignore;
  try {
    if (socket.terminate) socket.terminate();
    else socket.close(code, reason);
  } catch {
    // Closing a socket that is already closing or closed throws in some implementations; it is gone either way.
  }
}
