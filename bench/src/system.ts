// The system under test: the embedded default started here (a child `node packages/launcher/dist/main.js` on a
// fresh DATA_DIR), or a running deployment given by --url, with tokens minted by --signing-key.
import { spawn, type ChildProcess } from "node:child_process";
import { createPrivateKey, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { freePort } from "@agileboard/kit";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SignJWT, importJWK, type JWK } from "jose";
import type { BenchArgs } from "./args.js";
import { sleep } from "./format.js";
import { namedTree, processName } from "./proc.js";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Limits lifted when the bench starts the system itself: the load is many frames from few sockets, many sockets in one tenant. */
export const LIFTED_LIMITS: Readonly<Record<string, string>> = {
  WS_RATE_PER_S: "100000",
  WS_RATE_BURST: "1000000",
  WS_MAX_CONNECTIONS: "100000",
  WS_MAX_CONNECTIONS_PER_TENANT: "100000",
};

export interface Target {
  url: string;
  /** The launcher's PID when the bench started the system (the root of the process tree it samples). */
  rootPid: number | undefined;
  /** The env the system was started with beyond the defaults (for the report). */
  env: Record<string, string>;
  token(tenantId: string, userId: string, roles?: readonly string[]): Promise<string>;
  stop(): Promise<void>;
}

type Minter = (tenantId: string, userId: string, roles: readonly string[]) => Promise<string>;

function cachedTokens(mint: Minter): Target["token"] {
  const cache = new Map<string, Promise<string>>();
  return (tenantId, userId, roles = []) => {
    const key = `${tenantId}\0${userId}\0${roles.join(",")}`;
    let t = cache.get(key);
    if (!t) {
      t = mint(tenantId, userId, roles);
      cache.set(key, t);
      t.catch(() => cache.delete(key));
    }
    return t;
  };
}

function devMinter(url: string): Minter {
  return async (tenantId, userId, roles) => {
    const res = await fetch(`${url}/dev/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant_id: tenantId, user_id: userId, roles, ttl_seconds: 3 * 3600 }),
    });
    if (!res.ok) throw new Error(`POST /dev/token answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
}

async function keyMinter(args: BenchArgs): Promise<Minter> {
  const text = readFileSync(args.signingKey ?? "", "utf8");
  let key: KeyObject | Awaited<ReturnType<typeof importJWK>>;
  let alg: string;
  let kid = args.kid;
  if (text.trim().startsWith("{")) {
    const jwk = JSON.parse(text) as JWK;
    kid ??= jwk.kid;
    alg = jwk.alg ?? (jwk.kty === "EC" ? (jwk.crv === "P-384" ? "ES384" : "ES256") : jwk.kty === "OKP" ? "EdDSA" : "RS256");
    key = await importJWK(jwk, alg);
  } else {
    const k = createPrivateKey(text);
    const type = k.asymmetricKeyType;
    const curve = k.asymmetricKeyDetails?.namedCurve;
    alg = type === "ec" ? (curve === "secp384r1" ? "ES384" : "ES256") : type === "ed25519" ? "EdDSA" : "RS256";
    key = k;
  }
  return async (tenantId, userId, roles) => {
    let jwt = new SignJWT({ tenant_id: tenantId, user_id: userId, roles: [...roles] })
      .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime("3h");
    if (args.issuer) jwt = jwt.setIssuer(args.issuer);
    if (args.audience) jwt = jwt.setAudience(args.audience);
    return jwt.sign(key);
  };
}

export async function remoteTarget(args: BenchArgs): Promise<Target> {
  const url = args.url ?? "";
  const res = await fetch(`${url}/readyz`).catch((err: unknown) => {
    throw new Error(`${url}/readyz: ${String(err)}`);
  });
  if (!res.ok) throw new Error(`${url}/readyz answered ${res.status}`);
  return { url, rootPid: undefined, env: {}, token: cachedTokens(await keyMinter(args)), stop: async () => undefined };
}


/** Starts `node packages/launcher/dist/main.js` with `env` on top of the lifted limits; resolves when /readyz answers. */
export async function startLocal(env: Record<string, string> = {}): Promise<Target & { child: ChildProcess; output: () => string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "agileboard-bench-"));
  const extra = { ...LIFTED_LIMITS, ...env };
  const child = spawn(process.execPath, [join(REPO_ROOT, "packages/launcher/dist/main.js")], {
    env: { ...process.env, PORT: String(await freePort()), HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warn", AUTH_DEV: "1", ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (c: Buffer): void => {
    out += c.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (!url) {
    const m = /agileboard is running at (http:\/\/\S+)/.exec(out);
    if (m?.[1]) url = m[1];
    else if (Date.now() > deadline || child.exitCode !== null) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`the system did not start:\n${out.slice(-4000)}`);
    }
    else await sleep(50);
  }
  for (;;) {
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${url}/readyz never answered 200:\n${out.slice(-4000)}`);
    await sleep(100);
  }
  const pid = child.pid ?? 0;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      // Descendants first seen now, so a nats-server the launcher leaves behind is killed too.
      const tree = namedTree(pid);
      process.kill(pid, "SIGTERM");
      const graceful = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!graceful) process.kill(pid, "SIGKILL");
      await Promise.race([exited, sleep(2_000)]);
      for (const p of tree.slice(1)) {
        try {
          // Only if the PID still runs the same program (not a reused PID).
          if (processName(p.pid) === p.name.replace(/ worker$/, "")) process.kill(p.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, rootPid: pid, env: extra, token: cachedTokens(devMinter(url)), stop, child, output: () => out };
}
