import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";

/** Claims of a test token; anything left out gets a sensible default. */
export interface TokenClaims {
  tenantId?: string;
  userId?: string;
  roles?: string[];
  /** Seconds until expiry; negative for an expired token; null for no `exp` claim. Default 3600. */
  expiresInS?: number | null;
  /** Extra or overriding claims (e.g. `{ tenant_id: "Bad.Tenant" }`). */
  extra?: JWTPayload;
  issuer?: string;
  audience?: string;
}

/**
 * A test identity provider: its own ES256 key pair, the public half written as a JWKS file for the gateway's
 * AUTH_JWKS (as a deployment would configure it), and a signer for tokens with any claims.
 */
export class TestAuth {
  private constructor(
    private readonly privateKey: CryptoKey,
    /** Path of the JWKS file (AUTH_JWKS). */
    readonly jwksPath: string,
  ) {}

  static async create(dir: string): Promise<TestAuth> {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "ES256", use: "sig" };
    const jwksPath = join(dir, "jwks.json");
    writeFileSync(jwksPath, JSON.stringify({ keys: [jwk] }));
    return new TestAuth(privateKey, jwksPath);
  }

  /** A valid token (unless the claims say otherwise). */
  async token(claims: TokenClaims = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    let jwt = new SignJWT({
      tenant_id: claims.tenantId ?? "acme",
      user_id: claims.userId ?? "alice",
      roles: claims.roles ?? [],
      ...claims.extra,
    })
      .setProtectedHeader({ alg: "ES256", kid: "test-key" })
      .setIssuedAt(now);
    if (claims.expiresInS !== null) jwt = jwt.setExpirationTime(now + (claims.expiresInS ?? 3600));
    if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
    if (claims.audience) jwt = jwt.setAudience(claims.audience);
    return jwt.sign(this.privateKey);
  }

  /** A token signed with HS256 and a shared secret: must be refused (symmetric algorithms are not accepted). */
  static async hs256Token(claims: TokenClaims = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ tenant_id: claims.tenantId ?? "acme", user_id: claims.userId ?? "alice", roles: [] })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode("a-shared-secret-of-32-bytes-long!!"));
  }
}
