import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from "jose";

/** A local key pair for AUTH_DEV=1: tokens for any tenant, user and roles, on a developer's machine only. */
export interface DevSigner {
  /** The public half, trusted by the token verifier. */
  jwks: JSONWebKeySet;
  /** A signed token with the given claims, valid `ttlSeconds`. */
  sign(claims: { tenantId: string; userId: string; roles: readonly string[] }, ttlSeconds: number): Promise<{ token: string; expiresAtMs: number }>;
}

const DEV_KID = "agileboard-dev";

/**
 * Loads `<DATA_DIR>/dev-auth/signing-key.jwk`, generating it (ES256) on first use, so tokens survive restarts.
 * Tokens carry `iss`/`aud` when those are configured, so the verifier accepts them.
 */
export async function loadOrCreateDevSigner(dataDir: string, fixedClaims: { issuer?: string; audience?: string } = {}): Promise<DevSigner> {
  const dir = join(dataDir, "dev-auth");
  const file = join(dir, "signing-key.jwk");
  let privateJwk: JWK;
  if (existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, "utf8")) as JWK;
  } else {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: DEV_KID, alg: "ES256" };
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _secret, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, "ES256");
  return {
    jwks: { keys: [{ ...publicJwk, use: "sig" }] },
    async sign(claims, ttlSeconds) {
      const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
      let jwt = new SignJWT({ tenant_id: claims.tenantId, user_id: claims.userId, roles: [...claims.roles] })
        .setProtectedHeader({ alg: "ES256", kid: privateJwk.kid ?? DEV_KID })
        .setSubject(claims.userId)
        .setIssuedAt()
        .setExpirationTime(expiresAt);
      if (fixedClaims.issuer) jwt = jwt.setIssuer(fixedClaims.issuer);
      if (fixedClaims.audience) jwt = jwt.setAudience(fixedClaims.audience);
      const token = await jwt.sign(privateKey);
      return { token, expiresAtMs: expiresAt * 1000 };
    },
  };
}
