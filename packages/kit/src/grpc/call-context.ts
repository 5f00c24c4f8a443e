import { Metadata } from "@grpc/grpc-js";
import type { InternalTokenVerifier } from "../auth/internal-identity.js";
import { UnauthenticatedError } from "../errors.js";

/**
 * Metadata keys of an internal call. The identity is a token the gateway signed (see
 * `auth/internal-identity.ts`); services read who is calling from it and never from a request body or an
 * unsigned header. The message id travels as UTF-8 bytes (`-bin`), so any string a client chose survives.
 */
export const CALL_METADATA = {
  identity: "x-agileboard-identity",
  messageId: "x-agileboard-message-id-bin",
} as const;

/** Who is calling, as verified at the edge. */
export interface Identity {
  tenantId: string;
  userId: string;
  /** The token's `roles`; "admin" makes the user admin of every project of the tenant. */
  roles: readonly string[];
}

/** Identity plus what a call carries for idempotency, echo suppression and forwarding. */
export interface CallContext extends Identity {
  /** The ClientFrame's message_id ("" for calls that are not client requests). */
  messageId: string;
  /** "<gateway>/<connection>" of the client connection ("" for internal calls). */
  origin: string;
  /** The signed internal token this call carried, forwarded when the service calls another ("" when none). */
  token: string;
}

/** Metadata carrying a signed identity token and, optionally, a message id. */
export function identityMetadata(token: string, messageId = ""): Metadata {
  const md = new Metadata();
  md.set(CALL_METADATA.identity, token);
  if (messageId) md.set(CALL_METADATA.messageId, Buffer.from(messageId, "utf8"));
  return md;
}

/** The metadata of a call a service makes to another on behalf of its caller: the same signed identity. */
export function forwardedMetadata(call: CallContext): Metadata {
  return identityMetadata(call.token);
}

/** Reads and verifies the call context; a call without a valid signed identity is UNAUTHENTICATED. */
export async function readCallContext(md: Metadata, verifier: InternalTokenVerifier): Promise<CallContext> {
  const token = md.get(CALL_METADATA.identity)[0];
  if (typeof token !== "string" || token.length === 0) throw new UnauthenticatedError("call carries no signed identity");
  const identity = await verifier.verify(token);
  const messageId = md.get(CALL_METADATA.messageId)[0];
  return {
    tenantId: identity.tenantId,
    userId: identity.userId,
    roles: identity.roles,
    origin: identity.origin,
    messageId: messageId instanceof Buffer ? messageId.toString("utf8") : "",
    token,
  };
}
