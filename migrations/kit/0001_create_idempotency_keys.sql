-- One row per processed mutation: a repeated message_id gets response_bytes back instead of running again.
CREATE TABLE idempotency_keys (
  message_id     TEXT PRIMARY KEY,
  operation      TEXT NOT NULL,             -- RPC name, e.g. "CreateWorkItem"
  request_hash   TEXT NOT NULL,             -- sha256 of operation + request bytes
  response_bytes BLOB NOT NULL,             -- the reply, protobuf-encoded
  created_at     INTEGER NOT NULL           -- Unix ms
);
CREATE INDEX idempotency_keys_by_created_at ON idempotency_keys (created_at);
