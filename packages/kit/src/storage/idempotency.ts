import { createHash } from "node:crypto";
import type { Database } from "better-sqlite3";
import { perDatabase } from "./per-database.js";

/** A processed mutation's record. */
export interface IdempotencyRecord {
  operation: string;
  requestHash: string;
  responseBytes: Uint8Array;
}

const statements = perDatabase((db) => ({
  find: db.prepare<[string], { operation: string; request_hash: string; response_bytes: Buffer }>(
    "SELECT operation, request_hash, response_bytes FROM idempotency_keys WHERE message_id = ?",
  ),
  insert: db.prepare(
    "INSERT INTO idempotency_keys (message_id, operation, request_hash, response_bytes, created_at) VALUES (?, ?, ?, ?, ?)",
  ),
  purge: db.prepare("DELETE FROM idempotency_keys WHERE created_at < ?"),
}));

/** The hash that tells "the same request again" from "another request reusing an id". */
export function hashRequest(operation: string, requestBytes: Uint8Array): string {
  return createHash("sha256").update(operation).update("\0").update(requestBytes).digest("base64url");
}

/** The stored record of `messageId`, if that message was processed. */
export function findIdempotencyRecord(db: Database, messageId: string): IdempotencyRecord | undefined {
  const row = statements(db).find.get(messageId);
  if (!row) return undefined;
  return { operation: row.operation, requestHash: row.request_hash, responseBytes: row.response_bytes };
}

/** Records a processed mutation; call inside the mutation's transaction. */
export function saveIdempotencyRecord(db: Database, messageId: string, record: IdempotencyRecord, now: number): void {
  statements(db).insert.run(messageId, record.operation, record.requestHash, Buffer.from(record.responseBytes), now);
}

/** Deletes records older than `ttlMs`; returns how many. */
export function purgeIdempotencyRecords(db: Database, now: number, ttlMs: number): number {
  return statements(db).purge.run(now - ttlMs).changes;
}
