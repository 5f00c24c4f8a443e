import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureHeader, verifySignature } from "./signature.js";

describe("signature", () => {
  const body = '{"tenantId":"acme"}';
  const now = 1_700_000_000_123;

  it("signs '<t>.<body>' with HMAC-SHA256 and the unix seconds", () => {
    const expected = createHmac("sha256", "s3cret-s3cret-s3cret").update(`1700000000.${body}`).digest("hex");
    expect(signatureHeader("s3cret-s3cret-s3cret", body, now)).toBe(`t=1700000000,v1=${expected}`);
  });

  it("verifies its own header, and refuses another body, secret, or an old timestamp", () => {
    const header = signatureHeader("s3cret-s3cret-s3cret", body, now);
    expect(verifySignature("s3cret-s3cret-s3cret", header, body, now)).toBe(true);
    expect(verifySignature("s3cret-s3cret-s3cret", header, `${body} `, now)).toBe(false);
    expect(verifySignature("another-secret-xxx", header, body, now)).toBe(false);
    expect(verifySignature("s3cret-s3cret-s3cret", header, body, now + 301_000)).toBe(false);
    expect(verifySignature("s3cret-s3cret-s3cret", "t=1,v1=zz", body, now)).toBe(false);
  });
});
