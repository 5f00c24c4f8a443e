/** What the client reads from a JWT without verifying it (the server verifies). */
export interface TokenClaims {
  /** `exp` in Unix ms, when present. */
  expiresAtMs: number | undefined;
  /** "tenant/user" from `tenant_id` and `user_id` (or `sub`), when present: whose queued mutations these are. */
  identity: string | undefined;
}

/** Reads `exp`, `tenant_id` and `user_id`/`sub` from a JWT's payload; a token that is no JWT yields no claims. */
export function readTokenClaims(token: string): TokenClaims {
  const payload = token.split(".")[1];
  if (!payload) return { expiresAtMs: undefined, identity: undefined };
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const exp = claims["exp"];
    const tenant = claims["tenant_id"];
    const user = claims["user_id"] ?? claims["sub"];
    return {
      expiresAtMs: typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined,
      identity: typeof tenant === "string" && typeof user === "string" ? `${tenant}/${user}` : undefined,
    };
  } catch {
    return { expiresAtMs: undefined, identity: undefined };
  }
}

/**
 * How long to wait before refreshing a token that is valid for `remainingMs` more: refresh `leadMs` before
 * expiry, or halfway through what is left when that is shorter, so a short-lived token is refreshed in time too.
 */
export function refreshDelayMs(remainingMs: number, leadMs: number): number {
  if (remainingMs <= 0) return 0;
  return Math.max(0, remainingMs - Math.min(leadMs, remainingMs / 2));
}
