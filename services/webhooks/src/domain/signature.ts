import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The X-Agileboard-Signature header: `t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>`.
 * The timestamp is signed with the body, so a receiver can refuse replays older than its tolerance.
 */
export function signatureHeader(secret: string, body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/**
 * What a receiver does: true when `header` signs `body` with `secret` and its timestamp is within
 * `toleranceS` of `nowMs`.
 */
export function verifySignature(secret: string, header: string, body: string, nowMs: number, toleranceS = 300): boolean {
  const parts = new Map(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const given = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || Math.abs(nowMs / 1000 - t) > toleranceS || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, "hex"));
}
