import { describe, expect, it } from "vitest";
import { readTokenClaims, refreshDelayMs } from "./token.js";

/** An unsigned JWT with these claims (the client never verifies; the server does). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${part({ alg: "ES256" })}.${part(claims)}.signature`;
}

describe("readTokenClaims", () => {
  it("reads exp in ms and the tenant/user identity", () => {
    expect(readTokenClaims(jwt({ exp: 1_700_000_000, tenant_id: "acme", user_id: "alice" }))).toEqual({
      expiresAtMs: 1_700_000_000_000,
      identity: "acme/alice",
    });
  });

  it("takes sub when user_id is absent", () => {
    expect(readTokenClaims(jwt({ tenant_id: "acme", sub: "bob" })).identity).toBe("acme/bob");
  });

  it("decodes base64url payloads with non-ASCII text", () => {
    const claims = { exp: 2_000_000_000, tenant_id: "acme", user_id: "zoë-ümlaut?>>" };
    const bytes = new TextEncoder().encode(JSON.stringify(claims));
    const payload = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(readTokenClaims(`x.${payload}.y`).identity).toBe("acme/zoë-ümlaut?>>");
  });

  it.each([["not a jwt"], ["a.%%%.c"], [""], [jwt({ exp: "soon" })]])("yields no claims for %j", (token) => {
    expect(readTokenClaims(token).expiresAtMs).toBeUndefined();
  });
});

describe("refreshDelayMs", () => {
  it.each([
    [3_600_000, 60_000, 3_540_000],
    [120_000, 60_000, 60_000],
    [60_000, 60_000, 30_000],
    [2_000, 60_000, 1_000],
    [0, 60_000, 0],
    [-5, 60_000, 0],
  ])("refreshes a token with %i ms left (lead %i ms) after %i ms", (remaining, lead, expected) => {
    expect(refreshDelayMs(remaining, lead)).toBe(expected);
  });
});
