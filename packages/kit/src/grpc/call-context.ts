import { Metadata } from "@grpc/grpc-js";
import { UnauthenticatedError } from "../errors.js";
import { isTenantId } from "../ids.js";

/**
 * Metadata keys of an internal call. The gateway sets them from the verified token; services read them and
 * never a tenant or user id from a request body. Only the gateway and services can reach a service (network
 * policy), so the metadata is the identity the gateway verified.
 */
export const CALL_METADATA = {
  tenantId: "x-agileboard-tenant",
  userId: "x-agileboard-user",
  roles: "x-agileboard-roles",
  messageId: "x-agileboard-message-id",
  origin: "x-agileboard-origin",
} as const;

/** Who is calling, as verified at the edge. */
export interface Identity {
  tenantId: string;
  userId: string;
  /** The token's `roles`; "admin" makes the user admin of every project of the tenant. */
  roles: readonly string[];
}

/** Identity plus what a call carries for idempotency and echo suppression. */
export interface CallContext extends Identity {
  /** The ClientFrame's message_id ("" for internal calls that are not client requests). */
  messageId: string;
  /** "<gateway>/<connection>" of the client connection ("" for internal calls). */
  origin: string;
}

/** The metadata that carries a call context to another service. */
export function callMetadata(ctx: CallContext): Metadata {
  const md = new Metadata();
  md.set(CALL_METADATA.tenantId, ctx.tenantId);
  md.set(CALL_METADATA.userId, ctx.userId);
  md.set(CALL_METADATA.roles, JSON.stringify(ctx.roles));
  if (ctx.messageId) md.set(CALL_METADATA.messageId, ctx.messageId);
  if (ctx.origin) md.set(CALL_METADATA.origin, ctx.origin);
  return md;
}

function first(md: Metadata, key: string): string {
  const value = md.get(key)[0];
  return typeof value === "string" ? value : "";
}

/** Reads and checks the call context; a call without a valid identity is UNAUTHENTICATED. */
export function readCallContext(md: Metadata): CallContext {
  const tenantId = first(md, CALL_METADATA.tenantId);
  const userId = first(md, CALL_METADATA.userId);
  if (!isTenantId(tenantId)) throw new UnauthenticatedError("call carries no valid tenant identity");
  if (!userId) throw new UnauthenticatedError("call carries no user identity");
  let roles: string[] = [];
  const rawRoles = first(md, CALL_METADATA.roles);
  if (rawRoles) {
    const parsed: unknown = JSON.parse(rawRoles);
    if (!Array.isArray(parsed) || !parsed.every((r) => typeof r === "string")) {
      throw new UnauthenticatedError("call carries malformed roles");
    }
    roles = parsed;
  }
  return {
    tenantId,
    userId,
    roles,
    messageId: first(md, CALL_METADATA.messageId),
    origin: first(md, CALL_METADATA.origin),
  };
}
