import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * What the proxy does with traffic. "forward": a working network. "drop-replies": client → server passes, server
 * → client vanishes (the request runs, its reply is lost). "blackhole": nothing passes either way, and no
 * connection is closed — a cable pulled out: the client's socket stays open and silent.
 */
export type ProxyMode = "forward" | "drop-replies" | "blackhole";

/** A TCP proxy on 127.0.0.1 in front of the gateway, for cutting the network under a client for real. */
export interface TcpProxy {
  /** http://127.0.0.1:<port>, to give the client instead of the gateway's URL. */
  url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Changes what happens to traffic, on open connections and new ones alike. */
  setMode(mode: ProxyMode): void;
  /** Closes every open connection abruptly (both sides see the TCP connection end). */
  cutAll(): void;
  close(): Promise<void>;
}

/** Starts a proxy that forwards 127.0.0.1:<port> to `target` (an http:// URL) until told otherwise. */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  let mode: ProxyMode = "forward";
  let accepted = 0;
  const pairs = new Set<{ client: Socket; upstream: Socket }>();

  const server: Server = createServer((client) => {
    accepted++;
    const upstream = createConnection({ host: hostname, port: Number(port) });
    const pair = { client, upstream };
    pairs.add(pair);
    // Data is written or dropped chunk by chunk, so a mode change applies to open connections at once.
    client.on("data", (chunk) => {
      if (mode !== "blackhole") upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (mode === "forward") client.write(chunk);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // A peer that goes away is passed on only while the network works; otherwise the other side never hears,
    // as with a real cut: its connection stays open until its own heartbeat gives up.
    client.on("close", () => (mode === "forward" ? end() : undefined));
    upstream.on("close", () => (mode === "forward" ? end() : undefined));
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const proxyPort = typeof address === "object" && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${proxyPort}`,
    get connections() {
      return accepted;
    },
    setMode(next) {
      mode = next;
    },
    cutAll() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
