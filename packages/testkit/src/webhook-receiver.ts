import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

/** A local webhook endpoint for tests: records every request and answers as told (200 by default). */
export interface WebhookReceiver {
  /** http://127.0.0.1:<port>/hook */
  url: string;
  /** `127.0.0.1:<port>`, for WEBHOOK_ALLOWED_HOSTS. */
  hostPort: string;
  received: ReceivedWebhook[];
  /** Sets the status of the following answers (e.g. 500 for an outage, 200 when it is back). */
  answer(status: number): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1, on `port` when given (to come back on the same port after a stop). */
export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  let status = 200;
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status, { "content-type": "text/plain" }).end(status >= 300 ? `receiver says ${status}` : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/hook`,
    hostPort: `127.0.0.1:${bound}`,
    received,
    answer: (s) => {
      status = s;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
