import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import { ConfigError } from "../config.js";
import { UnauthenticatedError } from "../errors.js";
import { isTenantId, MAX_ROLE_CHARS, MAX_ROLES, nameProblem, userIdProblem } from "../ids.js";

/**
 * Internal identity: the gateway, having verified a user's JWT, signs the identity each internal call
 * carries (tenant, user, roles, the connection it came from) with its own key; every domain service verifies
 * that signature on every call and forwards the same token when it calls another service. A caller that can
 * reach a service's port but holds no signing key cannot act as anyone. Tokens are minted per connection and
 * target service and live for seconds, so signing and verifying stay off the per-call path (both are cached).
 */

/** The domain services an internal token can be addressed to. */
export type InternalService = "tenancy" | "workitems" | "sprints" | "webhooks";

/**
 * Which services a service calls while serving a request: a token addressed to a service is valid for these
 * too, because the service forwards it (workitems asks tenancy for permissions and sprints about sprints).
 */
export const DOWNSTREAM_SERVICES: Readonly<Record<InternalService, readonly InternalService[]>> = {
  tenancy: [],
  workitems: ["tenancy", "sprints"],
  sprints: ["tenancy"],
  webhooks: ["tenancy"],
};

/** `iss` of every internal token. */
export const INTERNAL_ISSUER = "agileboard-gateway";
/** Accepted difference between the clocks of the signer and a verifier, s. */
const CLOCK_TOLERANCE_S = 5;

/** The algorithm a key pair signs with. */
export type InternalAlgorithm = "ES256" | "EdDSA";

/** Key material of internal identity: the private key only where tokens are minted (the gateway). */
export interface InternalKeys {
  alg: InternalAlgorithm;
  publicKey: KeyObject;
  /** Absent on domain services: they verify, never mint. */
  privateKey?: KeyObject;
}

/** What an internal token says about the caller. */
export interface InternalIdentity {
  tenantId: string;
  userId: string;
  roles: string[];
  /** "<gateway>/<connection>" of the client connection ("" for operator calls). */
  origin: string;
  /** The token's `exp`, Unix ms. */
  expiresAtMs: number;
}

/** A fresh ES256 key pair, for the embedded default (all processes in one, nothing to distribute). */
export function generateInternalKeys(): InternalKeys {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { alg: "ES256", publicKey, privateKey };
}

function algorithmOf(key: KeyObject, variable: string): InternalAlgorithm {
  if (key.asymmetricKeyType === "ed25519") return "EdDSA";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ES256";
  throw new ConfigError([`${variable}: expected an EC P-256 or Ed25519 key, got ${key.asymmetricKeyType ?? "an unknown key"}`]);
}

function readPem(path: string, variable: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError([`${variable}: cannot read ${path} (${err instanceof Error ? err.message : String(err)})`]);
  }
}

/** Loads the signing key (PKCS#8 or SEC1 PEM, EC P-256 or Ed25519) named by `variable`; the public half is derived. */
export function loadInternalSigningKeys(path: string, variable = "INTERNAL_AUTH_PRIVATE_KEY"): InternalKeys {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readPem(path, variable));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`${variable}: ${path} holds no PEM private key`]);
  }
  return { alg: algorithmOf(privateKey, variable), privateKey, publicKey: createPublicKey(privateKey) };
}

/**
 * Loads the verification key named by `variable`: a PEM public key (SPKI) or an X.509 certificate whose key
 * is EC P-256 or Ed25519 (the Helm chart generates a self-signed certificate; cert-manager issues one).
 */
export function loadInternalVerifyKeys(path: string, variable = "INTERNAL_AUTH_PUBLIC_KEY"): InternalKeys {
  const pem = readPem(path, variable);
  let publicKey: KeyObject;
  try {
    publicKey = pem.includes("BEGIN CERTIFICATE") ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch {
    throw new ConfigError([`${variable}: ${path} holds no PEM public key or certificate`]);
  }
  return { alg: algorithmOf(publicKey, variable), publicKey };
}

/** The audience of a token addressed to `target`: the target and the services it forwards the token to. */
export function audienceOf(target: InternalService): string[] {
  return [target, ...DOWNSTREAM_SERVICES[target]];
}

/** Mints internal tokens (the gateway, and operator commands given the signing key). */
export class InternalTokenSigner {
  private readonly privateKey: KeyObject;

  constructor(
    private readonly keys: InternalKeys,
    /** Lifetime of a token, ms. */
    readonly ttlMs: number,
  ) {
    if (!keys.privateKey) throw new ConfigError(["INTERNAL_AUTH_PRIVATE_KEY: required to mint internal identity"]);
    this.privateKey = keys.privateKey;
  }

  /** A token for calls to `target` on behalf of `identity`, valid `ttlMs` but never past `notAfterMs`. */
  async mint(
    identity: { tenantId: string; userId: string; roles: readonly string[]; origin: string },
    target: InternalService,
    notAfterMs = Number.POSITIVE_INFINITY,
  ): Promise<{ token: string; expiresAtMs: number }> {
    const expiresAtS = Math.floor(Math.min(Date.now() + this.ttlMs, notAfterMs) / 1000);
    const token = await new SignJWT({ tid: identity.tenantId, roles: [...identity.roles], origin: identity.origin })
      .setProtectedHeader({ alg: this.keys.alg, typ: "agileboard-internal+jwt" })
      .setIssuer(INTERNAL_ISSUER)
      .setSubject(identity.userId)
      .setAudience(audienceOf(target))
      .setIssuedAt()
      .setExpirationTime(expiresAtS)
      .sign(this.privateKey);
    return { token, expiresAtMs: expiresAtS * 1000 };
  }
}

/**
 * Verifies the internal tokens one service receives: signature, issuer, audience (this service), expiry,
 * and the identity rules. A token seen before is answered from a bounded cache until it expires.
 */
export class InternalTokenVerifier {
  private readonly cache: LRUCache<string, InternalIdentity>;

  constructor(
    private readonly keys: InternalKeys,
    /** The service verifying: tokens must name it in `aud`. */
    private readonly service: InternalService,
    cacheSize = 10_000,
  ) {
    this.cache = new LRUCache({ max: cacheSize });
  }

  async verify(token: string): Promise<InternalIdentity> {
    const cached = this.cache.get(token);
    if (cached && Date.now() < cached.expiresAtMs + CLOCK_TOLERANCE_S * 1000) return cached;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys.publicKey, {
        algorithms: [this.keys.alg],
        issuer: INTERNAL_ISSUER,
        audience: this.service,
        typ: "agileboard-internal+jwt",
        requiredClaims: ["exp", "sub"],
        clockTolerance: CLOCK_TOLERANCE_S,
      }));
    } catch (err) {
      throw new UnauthenticatedError(describeFailure(err), { cause: err });
    }
    const identity = identityOf(payload);
    this.cache.set(token, identity);
    return identity;
  }
}

function identityOf(payload: Record<string, unknown>): InternalIdentity {
  const { tid, sub, roles, origin, exp } = payload;
  if (typeof tid !== "string" || !isTenantId(tid)) throw new UnauthenticatedError("internal identity carries no valid tenant");
  if (typeof sub !== "string" || userIdProblem(sub)) throw new UnauthenticatedError("internal identity carries no valid user");
  if (!Array.isArray(roles) || roles.length > MAX_ROLES || !roles.every((r) => typeof r === "string" && !nameProblem(r, MAX_ROLE_CHARS))) {
    throw new UnauthenticatedError("internal identity carries malformed roles");
  }
  if (typeof origin !== "string") throw new UnauthenticatedError("internal identity carries no origin");
  return { tenantId: tid, userId: sub, roles: roles as string[], origin, expiresAtMs: Number(exp) * 1000 };
}

function describeFailure(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return "internal identity expired";
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `internal identity claim '${err.claim}' is invalid`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return "internal identity signature is invalid";
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return "internal identity algorithm not allowed";
  return "internal identity is malformed";
}
