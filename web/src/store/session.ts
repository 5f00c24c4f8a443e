import { connect, indexedDbQueueStore, memoryQueueStore, type AgileboardClient } from "@agileboard/client";

/** Who is signed in. */
export interface Identity {
  tenantId: string;
  userId: string;
  roles: string[];
}

/** A token provider: an async function returning a JWT (the host's, or the dev token endpoint). */
export type TokenProvider = () => Promise<string>;

/** What the gateway says about signing in (`/config.json`). */
export interface ServerConfig {
  devAuth: boolean;
}

const DEV_IDENTITY_KEY = "agileboard.dev-identity";

/** The claims of a JWT (not verified: the server does that; the app only shows who it is). */
export function identityOfToken(token: string): Identity {
  const payload = token.split(".")[1] ?? "";
  const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  const roles = Array.isArray(json["roles"]) ? json["roles"].filter((r): r is string => typeof r === "string") : [];
  return { tenantId: String(json["tenant_id"] ?? ""), userId: String(json["user_id"] ?? json["sub"] ?? ""), roles };
}

/** Reads `/config.json`; offline (a reload without network) it assumes what the last visit saw. */
export async function loadServerConfig(origin = ""): Promise<ServerConfig> {
  try {
    const response = await fetch(`${origin}/config.json`, { cache: "no-cache" });
    const body = (await response.json()) as { dev_auth?: boolean };
    const config = { devAuth: body.dev_auth === true };
    localStorage.setItem("agileboard.config", JSON.stringify(config));
    return config;
  } catch {
    const saved = localStorage.getItem("agileboard.config");
    return saved ? (JSON.parse(saved) as ServerConfig) : { devAuth: false };
  }
}

/** A token provider for dev auth: a fresh token from `POST /dev/token` for the identity, on every call. */
export function devTokenProvider(identity: Identity, origin = ""): TokenProvider {
  return async () => {
    const response = await fetch(`${origin}/dev/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tenant_id: identity.tenantId, user_id: identity.userId, roles: identity.roles, ttl_seconds: 3600 }),
    });
    const body = (await response.json()) as { token?: string; error?: string; violations?: { field: string; description: string }[] };
    if (!response.ok || !body.token) {
      const detail = body.violations?.map((v) => `${v.field.replace("_id", "")} ${v.description}`).join("; ");
      throw new Error(detail ? `Sign-in refused: ${detail}` : `Sign-in refused (${response.status})`);
    }
    return body.token;
  };
}

/** The dev identity remembered from the last sign-in in this browser, if any. */
export function rememberedDevIdentity(): Identity | undefined {
  const saved = localStorage.getItem(DEV_IDENTITY_KEY);
  if (!saved) return undefined;
  try {
    return JSON.parse(saved) as Identity;
  } catch {
    return undefined;
  }
}

/** Remembers (or forgets, with undefined) the dev identity across reloads. */
export function rememberDevIdentity(identity: Identity | undefined): void {
  if (identity) localStorage.setItem(DEV_IDENTITY_KEY, JSON.stringify(identity));
  else localStorage.removeItem(DEV_IDENTITY_KEY);
}

/** A name for per-user browser storage: mutations and board caches never mix users. */
export function storageNameOf(identity: Identity): string {
  return `${identity.tenantId}/${identity.userId}`;
}

/** A signed-in session: the identity and the SDK client speaking for it. */
export interface Session {
  identity: Identity;
  client: AgileboardClient;
  /** Stops the client (sign-out). */
  close(): Promise<void>;
}

/**
 * Connects as `identity` with `getToken`: the SDK owns the wire; its offline queue lives in IndexedDB (one
 * database per user) so pending edits survive a reload.
 */
export function openSession(identity: Identity, getToken: TokenProvider, server = location.origin): Session {
  const queue = typeof indexedDB === "undefined" ? memoryQueueStore() : indexedDbQueueStore({ databaseName: `agileboard-queue:${storageNameOf(identity)}` });
  const client = connect({ url: server, getToken, queue });
  return { identity, client, close: () => client.close() };
}
