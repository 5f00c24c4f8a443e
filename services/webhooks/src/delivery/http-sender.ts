import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, request } from "undici";
import { addressProblem, isAllowListed } from "../domain/address-policy.js";

/** Most bytes of an endpoint's answer read (the rest is dropped): receivers answer, they do not stream. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** Characters of an error answer kept in the delivery log. */
const ERROR_EXCERPT_CHARS = 200;

/** How one attempt went. */
export interface SendResult {
  ok: boolean;
  /** HTTP status; 0 when there was no answer. */
  statusCode: number;
  /** Why it failed; "" when ok. */
  error: string;
}

/** Options of a WebhookSender. */
export interface WebhookSenderOptions {
  /** Whole attempt, connect to last byte, ms (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** host:port endpoints that may be on private addresses (WEBHOOK_ALLOWED_HOSTS). */
  allowedHosts: readonly string[];
}

/** A connection to a refused address: not retried sooner, and named in the delivery log. */
class RefusedAddressError extends Error {
  override readonly name = "RefusedAddressError";
}

/**
 * Resolves a host and refuses it when any of its addresses is loopback, private, link-local or reserved. The
 * socket then connects to the address checked here, so a DNS answer that changes between check and connect
 * (rebinding) cannot slip a private address in.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    const refused = addresses.map((a) => addressProblem(a.address)).find((p) => p !== undefined);
    if (refused || addresses.length === 0) {
      return callback(new RefusedAddressError(`refused: ${hostname} resolves to ${refused ?? "nothing"}; list it in WEBHOOK_ALLOWED_HOSTS to allow it`), "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

/**
 * Outbound webhook requests: POST with a deadline (an AbortSignal over the whole attempt, and undici's connect,
 * header and body timeouts), no redirects followed, at most MAX_RESPONSE_BYTES of the answer read, and only
 * public addresses reached unless the endpoint is allow-listed.
 */
export class WebhookSender {
  private readonly guarded: Agent;
  private readonly open: Agent;
  private readonly stopping = new AbortController();

  constructor(private readonly opts: WebhookSenderOptions) {
    const timeouts = { connectTimeout: opts.timeoutMs, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs };
    this.guarded = new Agent({ ...timeouts, connect: { lookup: guardedLookup, timeout: opts.timeoutMs } });
    this.open = new Agent({ ...timeouts, connect: { timeout: opts.timeoutMs } });
  }

  /** Why the URL's host may not be reached (an IP literal that is not public, not allow-listed), if so. */
  refusal(url: URL): string | undefined {
    if (isAllowListed(url, this.opts.allowedHosts)) return undefined;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) === 0) return undefined;
    const problem = addressProblem(host);
    return problem && `refused: ${problem}; list ${url.host} in WEBHOOK_ALLOWED_HOSTS to allow it`;
  }

  async send(target: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const url = new URL(target);
    const refused = this.refusal(url);
    if (refused) return { ok: false, statusCode: 0, error: refused };
    const dispatcher = isAllowListed(url, this.opts.allowedHosts) ? this.open : this.guarded;
    const signal = AbortSignal.any([AbortSignal.timeout(this.opts.timeoutMs), this.stopping.signal]);
    try {
      const res = await request(url, { method: "POST", body, headers: { "content-type": "application/json", "user-agent": "agileboard-webhooks/1", ...headers }, dispatcher, signal });
      const excerpt = await readCapped(res.body, MAX_RESPONSE_BYTES);
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, statusCode: res.statusCode, error: "" };
      const text = excerpt.toString("utf8").replace(/\s+/g, " ").trim().slice(0, ERROR_EXCERPT_CHARS);
      const redirect = res.statusCode >= 300 && res.statusCode < 400 ? " (redirects are not followed)" : "";
      return { ok: false, statusCode: res.statusCode, error: `HTTP ${res.statusCode}${redirect}${text ? `: ${text}` : ""}` };
    } catch (err) {
      return { ok: false, statusCode: 0, error: describe(err, this.opts.timeoutMs) };
    }
  }

  /** Aborts attempts under way (they count as not delivered and are tried again) and closes connections. */
  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([this.guarded.close(), this.open.close()]);
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= maxBytes) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

function describe(err: unknown, timeoutMs: number): string {
  let e: unknown = err;
  // undici wraps the connect failure (our refusal included) in its own error; the cause says what happened.
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    if (e instanceof RefusedAddressError) return e.message;
    if (e.name === "TimeoutError" || e.name === "ConnectTimeoutError" || e.name === "HeadersTimeoutError" || e.name === "BodyTimeoutError") return `timed out after ${timeoutMs} ms`;
    if (e.name === "AbortError") return "aborted (the service was stopping)";
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code !== "UND_ERR_SOCKET" && !e.cause) return `${code}: ${e.message}`;
    if (!e.cause) return e.message;
    e = e.cause;
  }
  return String(e);
}
