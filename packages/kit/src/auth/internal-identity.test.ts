import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../config.js";
import { UnauthenticatedError } from "../errors.js";
import { grpcTransport } from "../grpc/tls.js";
import {
  audienceOf,
  generateInternalKeys,
  InternalTokenSigner,
  InternalTokenVerifier,
  loadInternalSigningKeys,
  loadInternalVerifyKeys,
  type InternalService,
} from "./internal-identity.js";

const dir = mkdtempSync(join(tmpdir(), "agileboard-identity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const caller = { tenantId: "acme", userId: "josé ユーザー", roles: ["管理者", "admin"], origin: "gw-1/7" };

describe("internal identity tokens", () => {
  const keys = generateInternalKeys();
  const signer = new InternalTokenSigner(keys, 60_000);

  it("round-trips any Unicode identity", async () => {
    const { token } = await signer.mint(caller, "workitems");
    expect(await new InternalTokenVerifier(keys, "workitems").verify(token)).toMatchObject({ tenantId: "acme", userId: caller.userId, roles: caller.roles, origin: "gw-1/7" });
  });

  it.each([
    ["tenancy", ["tenancy"]],
    ["workitems", ["workitems", "tenancy", "sprints"]],
    ["sprints", ["sprints", "tenancy"]],
  ] as [InternalService, string[]][])("addresses a token for %s to it and to what it forwards to", (target, audience) => {
    expect(audienceOf(target)).toEqual(audience);
  });

  it("refuses a token at a service it is not addressed to", async () => {
    const { token } = await signer.mint(caller, "tenancy");
    await expect(new InternalTokenVerifier(keys, "workitems").verify(token)).rejects.toThrow(/claim 'aud' is invalid/);
  });

  it("refuses expired, foreign and tampered tokens", async () => {
    const verifier = new InternalTokenVerifier(keys, "tenancy");
    const expired = await signer.mint(caller, "tenancy", Date.now() - 60_000);
    await expect(verifier.verify(expired.token)).rejects.toThrow(/expired/);
    const foreign = await new InternalTokenSigner(generateInternalKeys(), 60_000).mint(caller, "tenancy");
    await expect(verifier.verify(foreign.token)).rejects.toThrow(/signature is invalid/);
    const [h, p, s] = (await signer.mint(caller, "tenancy")).token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, tid: "globex" })).toString("base64url")}.${s}`;
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it("never outlives the user's own token", async () => {
    const notAfter = Date.now() + 10_000;
    const { expiresAtMs } = await signer.mint(caller, "sprints", notAfter);
    expect(expiresAtMs).toBeLessThanOrEqual(notAfter);
  });
});

describe("internal identity keys", () => {
  it("loads an EC P-256 key and its public half, an Ed25519 key, and a public key inside an X.509 certificate", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    writeFileSync(join(dir, "ec.key"), ec.privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(join(dir, "ec.pub"), ec.publicKey.export({ type: "spki", format: "pem" }));
    const ed = generateKeyPairSync("ed25519");
    writeFileSync(join(dir, "ed.key"), ed.privateKey.export({ type: "pkcs8", format: "pem" }));
    execFileSync("openssl", ["req", "-x509", "-key", join(dir, "ec.key"), "-subj", "/CN=agileboard-internal-identity", "-days", "1", "-out", join(dir, "ec.crt")], { stdio: "ignore" });

    for (const [privatePath, publicPath, alg] of [
      ["ec.key", "ec.pub", "ES256"],
      ["ec.key", "ec.crt", "ES256"],
      ["ed.key", undefined, "EdDSA"],
    ] as const) {
      const signing = loadInternalSigningKeys(join(dir, privatePath));
      expect(signing.alg).toBe(alg);
      const verifying = publicPath ? loadInternalVerifyKeys(join(dir, publicPath)) : { alg: signing.alg, publicKey: signing.publicKey };
      const { token } = await new InternalTokenSigner(signing, 60_000).mint(caller, "tenancy");
      expect((await new InternalTokenVerifier(verifying, "tenancy").verify(token)).userId).toBe(caller.userId);
    }
  });

  it("stops start-up naming the variable for a missing, unreadable or unsuitable key", () => {
    expect(() => loadInternalVerifyKeys(join(dir, "missing.pub"))).toThrow(ConfigError);
    expect(() => loadInternalVerifyKeys(join(dir, "missing.pub"))).toThrow(/INTERNAL_AUTH_PUBLIC_KEY: cannot read/);
    writeFileSync(join(dir, "junk.pem"), "not a key");
    expect(() => loadInternalSigningKeys(join(dir, "junk.pem"))).toThrow(/INTERNAL_AUTH_PRIVATE_KEY: .* holds no PEM private key/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "rsa.key"), rsa.privateKey.export({ type: "pkcs8", format: "pem" }));
    expect(() => loadInternalSigningKeys(join(dir, "rsa.key"))).toThrow(/expected an EC P-256 or Ed25519 key, got rsa/);
  });
});

describe("internal TLS settings", () => {
  it("is plaintext with nothing set, and wants all three files once any is set", () => {
    expect(grpcTransport({}).secure).toBe(false);
    expect(() => grpcTransport({ GRPC_TLS_CERT: "/x.crt" })).toThrow(/GRPC_TLS_KEY: required[\s\S]*GRPC_TLS_CA: required/);
    expect(() => grpcTransport({ GRPC_TLS_CERT: "/x.crt", GRPC_TLS_KEY: "/x.key", GRPC_TLS_CA: "/ca.crt" })).toThrow(/GRPC_TLS_CERT: cannot read \/x.crt/);
  });
});
