import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { UnauthenticatedError } from "../errors.js";
import { createTokenVerifier, type TokenVerifier } from "./token-verifier.js";

describe("createTokenVerifier", () => {
  let verifier: TokenVerifier;
  let sign: (claims: Record<string, unknown>, opts?: { exp?: number | null; alg?: "ES256" | "RS256"; aud?: string }) => Promise<string>;

  beforeAll(async () => {
    const es = await generateKeyPair("ES256");
    const rs = await generateKeyPair("RS256");
    const dir = mkdtempSync(join(tmpdir(), "verifier-"));
    const jwks = join(dir, "jwks.json");
    writeFileSync(
      jwks,
      JSON.stringify({ keys: [{ ...(await exportJWK(es.publicKey)), kid: "es", alg: "ES256" }, { ...(await exportJWK(rs.publicKey)), kid: "rs", alg: "RS256" }] }),
    );
    verifier = createTokenVerifier({ jwks, audience: "agileboard" });
    sign = async (claims, opts = {}) => {
      const alg = opts.alg ?? "ES256";
      let jwt = new SignJWT(claims).setProtectedHeader({ alg, kid: alg === "ES256" ? "es" : "rs" }).setAudience(opts.aud ?? "agileboard");
      if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 60);
      return jwt.sign(alg === "ES256" ? es.privateKey : rs.privateKey);
    };
  });

  it("returns tenant, user, roles and expiry of a valid token", async () => {
    const t = await verifier.verify(await sign({ tenant_id: "acme", user_id: "alice", roles: ["admin"] }));
    expect(t).toMatchObject({ tenantId: "acme", userId: "alice", roles: ["admin"] });
    expect(t.expiresAtMs).toBeGreaterThan(Date.now());
  });

  it("accepts RS256 and takes the user from sub", async () => {
    expect((await verifier.verify(await sign({ tenant_id: "acme", sub: "bob" }, { alg: "RS256" }))).userId).toBe("bob");
  });

  it.each<[string, Record<string, unknown>, { exp?: number | null }, RegExp]>([
    ["no tenant", { user_id: "a" }, {}, /tenant_id/],
    ["a tenant with a dot", { tenant_id: "a.b", user_id: "a" }, {}, /tenant_id/],
    ["no user", { tenant_id: "acme" }, {}, /user_id/],
    ["roles that are not strings", { tenant_id: "acme", user_id: "a", roles: [1] }, {}, /roles/],
    ["no exp", { tenant_id: "acme", user_id: "a" }, { exp: null }, /exp/],
    ["an expired token", { tenant_id: "acme", user_id: "a" }, { exp: Math.floor(Date.now() / 1000) - 10 }, /expired/],
  ])("refuses %s", async (_label, claims, opts, message) => {
    const token = await sign(claims, opts);
    await expect(verifier.verify(token)).rejects.toThrow(UnauthenticatedError);
    await expect(verifier.verify(token)).rejects.toThrow(message);
  });

  it("refuses a symmetric algorithm", async () => {
    const token = await new SignJWT({ tenant_id: "acme", user_id: "a" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1m").sign(new Uint8Array(32));
    await expect(verifier.verify(token)).rejects.toThrow(/algorithm/);
  });

  it("refuses the wrong audience", async () => {
    const token = await sign({ tenant_id: "acme", user_id: "a" }, { aud: "other" });
    await expect(verifier.verify(token)).rejects.toThrow(/'aud'/);
  });

  it("refuses a token signed by a key it does not know", async () => {
    const stranger = await generateKeyPair("ES256");
    const token = await new SignJWT({ tenant_id: "acme", user_id: "a" })
      .setProtectedHeader({ alg: "ES256", kid: "es" })
      .setAudience("agileboard")
      .setExpirationTime("1m")
      .sign(stranger.privateKey);
    await expect(verifier.verify(token)).rejects.toThrow(/signature/);
  });
});

describe("a JWKS served over HTTP", () => {
  it("verifies tokens with keys fetched from an http URL", async () => {
    const { publicKey, privateKey } = await generateKeyPair("EdDSA");
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "ed", alg: "EdDSA" }] });
    const server = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(jwks));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const verifier = createTokenVerifier({ jwks: `http://127.0.0.1:${port}/jwks.json` });
    const token = await new SignJWT({ tenant_id: "acme", user_id: "ed" }).setProtectedHeader({ alg: "EdDSA", kid: "ed" }).setExpirationTime("1m").sign(privateKey);
    expect((await verifier.verify(token)).userId).toBe("ed");
    server.close();
  });
});
