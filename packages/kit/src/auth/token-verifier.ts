import { readFileSync } from "node:fs";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from "jose";
import { ConfigError } from "../config.js";
import { UnauthenticatedError } from "../errors.js";
import { isTenantId, MAX_ROLE_CHARS, MAX_ROLES, nameProblem, userIdProblem } from "../ids.js";

/** Asymmetric algorithms only: a verifier never holds a key that can mint tokens. */
export const ACCEPTED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** What a valid token says. */
export interface VerifiedToken {
  tenantId: string;
  userId: string;
  roles: string[];
  /** The token's `exp`, Unix ms. */
  expiresAtMs: number;
}

/** Checks bearer tokens. */
export interface TokenVerifier {
  /** The token's claims, or UnauthenticatedError saying what is wrong. */
  verify(token: string): Promise<VerifiedToken>;
}

/** Options of `createTokenVerifier`. */
export interface TokenVerifierOptions {
  /** AUTH_JWKS: a JWKS file path or an http(s) URL. */
  jwks?: string;
  /** Extra trusted public keys (the dev key pair). */
  extraKeys?: JSONWebKeySet;
  /** AUTH_ISSUER: required `iss` when set. */
  issuer?: string;
  /** AUTH_AUDIENCE: required `aud` when set. */
  audience?: string;
  /** AUTH_MAX_TOKEN_LIFETIME_S: a token expiring further than this in the future is refused; 0 = no limit. */
  maxLifetimeS?: number;
}

/** Builds a verifier over the configured key sources; at least one source must be given. */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const sources: JWTVerifyGetKey[] = [];
  if (opts.jwks) sources.push(keySetFrom(opts.jwks));
  if (opts.extraKeys) sources.push(createLocalJWKSet(opts.extraKeys));
  if (sources.length === 0) throw new ConfigError(["AUTH_JWKS: required (a JWKS file or URL) unless AUTH_DEV=1"]);

  // Try each key source in turn; a key missing from one may be in the next.
  const getKey: JWTVerifyGetKey = async (header, token) => {
    let lastError: unknown;
    for (const source of sources) {
      try {
        return await source(header, token);
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  };

  return {
    async verify(token: string): Promise<VerifiedToken> {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          algorithms: ACCEPTED_ALGORITHMS,
          requiredClaims: ["exp"],
          ...(opts.issuer ? { issuer: opts.issuer } : {}),
          ...(opts.audience ? { audience: opts.audience } : {}),
        }));
      } catch (err) {
        throw new UnauthenticatedError(describeJoseError(err), { cause: err });
      }
      const tenantId = payload["tenant_id"];
      if (typeof tenantId !== "string" || !isTenantId(tenantId)) {
        throw new UnauthenticatedError("token claim 'tenant_id' is missing or not ^[a-z0-9][a-z0-9_-]{0,62}$");
      }
      const userId = payload["user_id"] ?? payload.sub;
      if (typeof userId !== "string" || userId.length === 0) throw new UnauthenticatedError("token claim 'user_id' (or 'sub') is missing");
      const userProblem = userIdProblem(userId);
      if (userProblem) throw new UnauthenticatedError(`token claim 'user_id' ${userProblem}`);
      const roles = payload["roles"] ?? [];
      if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === "string")) {
        throw new UnauthenticatedError("token claim 'roles' must be an array of strings");
      }
      if (roles.length > MAX_ROLES) throw new UnauthenticatedError(`token claim 'roles' must have at most ${MAX_ROLES} entries`);
      for (const role of roles) {
        const roleProblem = nameProblem(role, MAX_ROLE_CHARS);
        if (roleProblem) throw new UnauthenticatedError(`token claim 'roles': each role ${roleProblem}`);
      }
      const expiresAtMs = (payload.exp ?? 0) * 1000;
      if (opts.maxLifetimeS && expiresAtMs - Date.now() > opts.maxLifetimeS * 1000) {
        throw new UnauthenticatedError(`token lives too long: 'exp' is more than ${opts.maxLifetimeS} s away (AUTH_MAX_TOKEN_LIFETIME_S)`);
      }
      return { tenantId, userId, roles, expiresAtMs };
    },
  };
}

function keySetFrom(source: string): JWTVerifyGetKey {
  if (/^https?:\/\//.test(source)) return createRemoteJWKSet(new URL(source), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(readFileSync(source, "utf8")) as JSONWebKeySet;
  } catch (err) {
    throw new ConfigError([`AUTH_JWKS: cannot read a JWKS from ${source} (${err instanceof Error ? err.message : String(err)})`]);
  }
  if (!Array.isArray(jwks.keys)) throw new ConfigError([`AUTH_JWKS: ${source} has no "keys" array`]);
  return createLocalJWKSet(jwks);
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return "token expired";
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return "token algorithm not allowed (asymmetric keys only)";
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token claim '${err.claim}' is invalid: ${err.reason}`;
  if (err instanceof joseErrors.JWKSNoMatchingKey) return "token signed by an unknown key";
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return "token signature is invalid";
  if (err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JWSInvalid) return "token is malformed";
  return "token is invalid";
}
