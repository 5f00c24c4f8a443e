import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Metadata } from "@grpc/grpc-js";
import { identityMetadata, InternalTokenSigner } from "@agileboard/kit";
import { tempDir } from "./net.js";

/** A test copy of the gateway's internal identity key pair, written as the PEM files a deployment mounts. */
export interface TestInternalAuth {
  /** INTERNAL_AUTH_PRIVATE_KEY and INTERNAL_AUTH_PUBLIC_KEY, for every process of a test system. */
  env: { INTERNAL_AUTH_PRIVATE_KEY: string; INTERNAL_AUTH_PUBLIC_KEY: string };
  /** Mints tokens exactly as the gateway does. */
  signer: InternalTokenSigner;
}

let shared: TestInternalAuth | undefined;

/** One key pair per test process (generated on first use), so service tests can sign calls as the gateway. */
export function testInternalAuth(): TestInternalAuth {
  if (shared) return shared;
  const dir = tempDir("agileboard-internal-auth-");
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const privatePath = join(dir.path, "internal-identity.key");
  const publicPath = join(dir.path, "internal-identity.pub");
  writeFileSync(privatePath, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  writeFileSync(publicPath, publicKey.export({ type: "spki", format: "pem" }));
  shared = {
    env: { INTERNAL_AUTH_PRIVATE_KEY: privatePath, INTERNAL_AUTH_PUBLIC_KEY: publicPath },
    signer: new InternalTokenSigner({ alg: "ES256", publicKey, privateKey }, 60_000),
  };
  return shared;
}

/** The env entries that let a test start services and gateways that trust each other. */
export function internalAuthEnv(): TestInternalAuth["env"] {
  return testInternalAuth().env;
}

/** Signs internal identity with a key nobody trusts: what an attacker who reached a service's port could do. */
export class ForeignSigner {
  private constructor(private readonly signer: InternalTokenSigner) {}

  static async foreign(): Promise<ForeignSigner> {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    return new ForeignSigner(new InternalTokenSigner({ alg: "ES256", publicKey, privateKey }, 60_000));
  }

  /** Metadata claiming to be `userId` of `tenantId`, with admin rights, addressed to every service. */
  async metadata(tenantId: string, userId: string): Promise<Metadata> {
    const { token } = await this.signer.mint({ tenantId, userId, roles: ["admin"], origin: "" }, "workitems");
    return identityMetadata(token, crypto.randomUUID());
  }
}
